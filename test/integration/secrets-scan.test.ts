// Every command, run as users run it with known secrets in the environment (in their own
// variables, pasted into the wrong one, and in a policy field): no secret value may appear in
// stdout, stderr, log lines or error messages, nor in any row of the embedded warehouse.

import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultSpec } from '../../src/simulator/default-spec.js';
import { SimWorld } from '../../src/simulator/world.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { buildCli, type CliRun, runCli } from '../support/built-cli.js';

const TOKEN = 'dapi0123456789abcdef0123456789abcdef';
const CLIENT_SECRET = 'doseFEDCBA9876543210fedcba9876543210';
const AUDIT_KEY = 'audit-key-7f3a9c1e5b2d8f4a6c0e9b1d5f';
const GITHUB_TOKEN = 'ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';
/** Pasted where it does not belong: into the host variable, and into a policy field. */
const MISPLACED = 'dapiabcdefabcdefabcdefabcdefabcdefab';
const IN_POLICY = 'dosea1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6';
const SECRETS = [TOKEN, CLIENT_SECRET, AUDIT_KEY, GITHUB_TOKEN, MISPLACED, IN_POLICY];

const BASE_ENV: Record<string, string | undefined> = {
  DATABRICKS_TOKEN: TOKEN,
  POSTFLIGHT_AUDIT_KEY: AUDIT_KEY,
  GITHUB_TOKEN,
  POSTFLIGHT_LOG_LEVEL: 'debug',
};

let cli: string;
let dir: string;
let path: string;
let refused: number;
const runs: Array<{ args: readonly string[]; run: CliRun }> = [];

async function run(args: readonly string[], env: Record<string, string | undefined> = {}): Promise<CliRun> {
  const given = Object.entries({ ...BASE_ENV, ...env }).filter((e): e is [string, string] => e[1] !== undefined);
  const r = await runCli(cli, args, { env: Object.fromEntries(given), cwd: dir });
  runs.push({ args, run: r });
  return r;
}

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pf-secrets-'));
  path = join(dir, 'world.duckdb');
  const template = join(dir, 'template.duckdb');
  [cli] = await Promise.all([
    buildCli('secrets-scan'),
    (async () => {
      const wh = await DuckDbWarehouse.open(template);
      await SimWorld.create(wh, defaultSpec({ pipelines: 4, days: 3, deploysPerDay: 12 }));
      await wh.session.run('CHECKPOINT');
      await wh.close();
    })(),
  ]);
  copyFileSync(template, path);
  // A world whose simulated Jobs API fails: its tick logs a warning with the error's text.
  const broken = join(dir, 'broken.duckdb');
  copyFileSync(template, broken);
  const b = await DuckDbWarehouse.open(broken);
  await b.session.run('ALTER TABLE sim_world.api_runs RENAME TO api_runs_gone');
  await b.close();
  const W = ['--warehouse', `duckdb:${path}`];
  // A valid policy carrying a secret in a free-text field, and an invalid one echoing it back.
  const valid = join(dir, 'valid.json');
  writeFileSync(
    valid,
    JSON.stringify({
      expectedChanges: [{ bundle: IN_POLICY, version: 'v1', checks: ['row_count'], reason: IN_POLICY }],
    }),
  );
  const invalid = join(dir, 'invalid.json');
  writeFileSync(invalid, JSON.stringify({ dryRun: IN_POLICY, bundles: { [IN_POLICY]: { dryRun: IN_POLICY } } }));
  const port = await closedPort();
  const unreachable = {
    DATABRICKS_HOST: `http://127.0.0.1:${port}`,
    DATABRICKS_WAREHOUSE_ID: 'abc123',
    POSTFLIGHT_WORKSPACE_ID: '1234',
  };
  await run(['tick', ...W, '--policy', valid, '--json']);
  await run(['advance', '--minutes', '3', ...W, '--policy', valid]);
  await run(['tick', ...W, '--policy', invalid]);
  await run(['tick', '--warehouse', `duckdb:${broken}`, '--policy', valid]);
  await run(['audit', 'verify', ...W]);
  await run(['retention', '--dry-run', '--json', ...W]);
  await run(['backfill', '--days', '1', '--json', ...W]);
  await run(['gate', '--bundle', 'b', '--version', 'v', '--to', 'prod', ...W]);
  await run(['wait', '--deployment', 'd-unknown', '--timeout', '1s', '--interval', '1', ...W]);
  await run(['tick', '--warehouse', 'databricks'], unreachable);
  const principal = {
    DATABRICKS_TOKEN: undefined,
    DATABRICKS_CLIENT_ID: 'sp-1',
    DATABRICKS_CLIENT_SECRET: CLIENT_SECRET,
  };
  await run(['tick', '--warehouse', 'databricks'], { ...unreachable, ...principal });
  await run(['tick', '--warehouse', 'databricks'], {
    ...unreachable,
    ...principal,
    POSTFLIGHT_WORKSPACE_ID: CLIENT_SECRET,
  });
  const swapped = await run(['tick', '--warehouse', 'databricks'], { ...unreachable, DATABRICKS_HOST: MISPLACED });
  expect(swapped.err).toMatch(/DATABRICKS_HOST holds what looks like a token/);
  await run(['tick', '--warehouse', 'databricks'], { ...unreachable, DATABRICKS_HOST: `https://${MISPLACED}/x` });
  await run(['gate', '--bundle', 'b', '--version', 'v', '--to', 'prod', '--warehouse', 'databricks'], unreachable);
  await run(['setup', '--dry-run', '--warehouse', 'databricks'], { ...unreachable, DATABRICKS_HOST: MISPLACED });
  for (const help of ['record', 'precheck', 'backtest', 'setup', 'retention', 'gate', 'wait'])
    await run([help, '--help']);
  refused = runs.filter((r) => r.run.code === 2).length;
}, 600_000);

describe('no secret leaks', () => {
  it('the commands ran, some of them refusing their input', () => {
    expect(runs.length).toBeGreaterThanOrEqual(20);
    expect(refused).toBeGreaterThanOrEqual(5);
    expect(
      runs.some((r) => r.run.err.includes('"level"')),
      JSON.stringify(runs.map((r) => [r.args.join(' '), r.run.code, r.run.err.slice(0, 200)])),
    ).toBe(true);
  });

  it('into stdout, stderr, log lines or error messages', () => {
    for (const { args, run: r } of runs)
      for (const s of SECRETS) {
        expect(r.out.includes(s), `stdout of ${args.join(' ')} holds ${s}`).toBe(false);
        expect(r.err.includes(s), `stderr of ${args.join(' ')} holds ${s}`).toBe(false);
      }
  });

  it('into any row of any table of the embedded warehouse', async () => {
    const wh = await DuckDbWarehouse.open(path);
    try {
      const tables = await wh.session.all(
        "SELECT table_schema AS s, table_name AS t FROM information_schema.tables WHERE table_type = 'BASE TABLE'",
      );
      expect(tables.length).toBeGreaterThan(20);
      let rows = 0;
      for (const { s, t } of tables) {
        const all = await wh.session.all(`SELECT * FROM "${String(s)}"."${String(t)}"`);
        rows += all.length;
        const text = JSON.stringify(all, (_, v) => (typeof v === 'bigint' ? String(v) : v));
        for (const secret of SECRETS)
          expect(text.includes(secret), `${String(s)}.${String(t)} holds ${secret}`).toBe(false);
      }
      expect(rows).toBeGreaterThan(1000);
    } finally {
      await wh.close();
    }
  });
});
