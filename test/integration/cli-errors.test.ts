// Usage errors and environments that cannot be verified against end the built CLI with one line
// on stderr, no stack and exit 2; what a tick could not measure reaches its summary, its row and
// its exit code.

import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultSpec } from '../../src/simulator/default-spec.js';
import { SimWorld } from '../../src/simulator/world.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { buildCli, type CliRun, runCli } from '../support/built-cli.js';

let cli: string;
let dir: string;
let template: string;
let n = 0;

/** A copy of the small simulated world, for a test to change. */
function world(): string {
  const path = join(dir, `world-${++n}.duckdb`);
  copyFileSync(template, path);
  return path;
}

/** The error line a user sees, and nothing else: no stack, no JSON log record. */
function expectOneLine(r: CliRun, pattern: RegExp): void {
  expect(r.code, r.err).toBe(2);
  expect(r.err).toMatch(/^postflight: /);
  expect(r.err).toMatch(pattern);
  expect(r.err).not.toMatch(/\n\s+at |"stack"|"level"/);
  expect(r.err.trimEnd().split('\n')).toHaveLength(1);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pf-cli-errors-'));
  template = join(dir, 'template.duckdb');
  const [built] = await Promise.all([
    buildCli('cli-errors'),
    (async () => {
      const wh = await DuckDbWarehouse.open(template);
      await SimWorld.create(wh, defaultSpec({ pipelines: 4, days: 3, deploysPerDay: 12 }));
      await wh.session.run('CHECKPOINT');
      await wh.close();
    })(),
  ]);
  cli = built;
}, 120_000);

describe('bad input exits 2 with one line', () => {
  it('a flag given no value', async () => {
    expectOneLine(await runCli(cli, ['tick', '--lock-wait']), /--lock-wait.*argument missing.*--help/);
  });

  it.each(['1e3', '0x10', '12abc', '-1', '', ' 3', '3.0', '99999999999999999999'])(
    "a numeric flag given '%s' instead of decimal digits",
    async (v) => {
      const path = world();
      expectOneLine(
        await runCli(cli, ['tick', '--warehouse', `duckdb:${path}`, `--backfill-days=${v}`]),
        /--backfill-days .* must be a whole number from 0 to/,
      );
    },
  );

  it.each([
    ['slos', { slos: { periodDays: 'thirty' } }, /slos\.periodDays/],
    ['rollback', { rollback: { cap: -1 } }, /rollback\.cap/],
  ])('a policy error in %s, before anything is opened', async (_, policy, field) => {
    const file = join(dir, `policy-${++n}.json`);
    writeFileSync(file, JSON.stringify(policy));
    const r = await runCli(cli, ['tick', '--warehouse', `duckdb:${join(dir, 'absent.duckdb')}`, '--policy', file]);
    expect(r.code, r.err).toBe(2);
    expect(r.err).toMatch(field);
    expect(r.err).not.toMatch(/\n\s+at |"stack"/);
  });
});

describe('an embedded file that cannot serve exits 2 with one line, and nothing is fetched or created', () => {
  const home = () => join(dir, 'home');

  it.each([
    ['a SQLite database', () => Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(4080)])],
    ['not a DuckDB database', () => Buffer.from('just some text that is long enough to hold a header\n')],
  ])('a file that is %s', async (what, bytes) => {
    const file = join(dir, `other-${++n}.db`);
    writeFileSync(file, bytes());
    const before = Buffer.from(bytes());
    for (const args of [['tick'], ['audit', 'verify'], ['simulate', '--pipelines', '2', '--days', '1']]) {
      const r = await runCli(cli, [...args, '--warehouse', `duckdb:${file}`], { env: { HOME: home() } });
      expectOneLine(r, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is ${what}`));
    }
    expect(existsSync(join(home(), '.duckdb')), 'no extension was downloaded').toBe(false);
    expect(existsSync(`${file}.wal`)).toBe(false);
    expect(readFileSync(file).equals(before), 'the file is unchanged').toBe(true);
  });

  it('a Parquet file, which DuckDB would open as a view of itself', async () => {
    const file = join(dir, 'data.parquet');
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    await c.run(`COPY (SELECT 1 AS x) TO '${file}' (FORMAT parquet)`);
    c.closeSync();
    db.closeSync();
    const r = await runCli(cli, ['tick', '--warehouse', `duckdb:${file}`], { env: { HOME: home() } });
    expectOneLine(r, /is a Parquet file; --warehouse duckdb:PATH takes the file/);
  });

  it('a read-only file', async () => {
    const path = world();
    chmodSync(path, 0o444);
    expectOneLine(await runCli(cli, ['tick', '--warehouse', `duckdb:${path}`]), /is read-only; .*chmod u\+w/);
  });

  it('tick and audit verify never create a database where none is', async () => {
    const path = join(dir, 'nothing-here.duckdb');
    expectOneLine(
      await runCli(cli, ['tick', '--warehouse', `duckdb:${path}`]),
      /does not exist; run 'postflight simulate/,
    );
    expectOneLine(await runCli(cli, ['audit', 'verify', '--warehouse', `duckdb:${path}`]), /does not exist/);
    expect(existsSync(path)).toBe(false);
    expect(existsSync(`${path}.wal`)).toBe(false);
  });
});

describe('two verifiers on one embedded file', () => {
  it('the second waits --lock-wait seconds, then exits 2 naming the process that holds the file', async () => {
    const path = world();
    const holder = await DuckDBInstance.create(path);
    const conn = await holder.connect();
    try {
      const r = await runCli(cli, ['tick', '--warehouse', `duckdb:${path}`, '--lock-wait', '2']);
      expectOneLine(r, new RegExp(`is held by process ${process.pid} .*waited 2 s.*--lock-wait`));
      expect(r.ms).toBeGreaterThanOrEqual(2000);
    } finally {
      conn.closeSync();
      holder.closeSync();
    }
  });

  it('the second goes on once the first lets go within the wait', async () => {
    const path = world();
    const holder = await DuckDBInstance.create(path);
    const conn = await holder.connect();
    const running = runCli(cli, ['tick', '--warehouse', `duckdb:${path}`, '--lock-wait', '30', '--json']);
    await new Promise((r) => setTimeout(r, 1500));
    conn.closeSync();
    holder.closeSync();
    const r = await running;
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ errors: 0, errors_by_kind: {} });
  });
});

describe('a warehouse that cannot be reached', () => {
  it('exits 2 with one line naming the failure and what to check', async () => {
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const r = await runCli(cli, ['tick', '--warehouse', 'databricks'], {
      env: {
        DATABRICKS_HOST: `http://127.0.0.1:${port}`,
        DATABRICKS_TOKEN: 'dapi-not-a-real-token',
        DATABRICKS_WAREHOUSE_ID: 'abc123',
        POSTFLIGHT_WORKSPACE_ID: '1234',
        // Everything else in order, so the one thing wrong is the warehouse's address.
        POSTFLIGHT_AUDIT_KEY: 'k'.repeat(44),
      },
    });
    expectOneLine(r, /could not reach the warehouse or workspace \(ECONNREFUSED\).*check DATABRICKS_HOST/);
  });
});

describe('what a tick could not measure', () => {
  let path: string;
  let r: CliRun;
  beforeAll(async () => {
    path = world();
    // The simulated Jobs API answers from this table: without it, runs/list fails.
    const wh = await DuckDbWarehouse.open(path);
    await wh.session.run('ALTER TABLE sim_world.api_runs RENAME TO api_runs_gone');
    await wh.close();
    r = await runCli(cli, ['tick', '--warehouse', `duckdb:${path}`, '--json']);
  });

  it('is counted by kind in the summary, and the tick exits 2', async () => {
    expect(r.code, r.err).toBe(2);
    const line = JSON.parse(r.out) as { errors: number; errors_by_kind: Record<string, number> };
    expect(line.errors_by_kind).toEqual({ 'source:runs': 1 });
    expect(line.errors).toBe(1);
    expect(r.err).toMatch(/jobs\/runs\/list failed/);
  });

  it('and in the tick row', async () => {
    const wh = await DuckDbWarehouse.open(path);
    try {
      const rows = await wh.session.all('SELECT errors, errors_by_kind FROM postflight.ticks');
      expect(rows).toEqual([{ errors: 1, errors_by_kind: '{"source:runs":1}' }]);
    } finally {
      await wh.close();
    }
  });
});
