import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { archiveMissing } from '../../src/cli/archive-missing.js';
import { ConfigError } from '../../src/cli/args.js';
import { runRetentionCommand } from '../../src/cli/retention-command.js';
import { createLogger } from '../../src/log.js';
import { defaultSpec } from '../../src/simulator/default-spec.js';
import { SimWorld } from '../../src/simulator/world.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';

const log = createLogger('silent');
const DAY = 86_400_000;
let dir: string;
let db: string;

/** Runs the command as the CLI does, returning its exit code and the JSON it printed. */
async function retention(...argv: string[]) {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    const code = await runRetentionCommand([...argv, '--warehouse', `duckdb:${db}`], log);
    return { code, out };
  } finally {
    spy.mockRestore();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pf-retention-'));
  db = join(dir, 'world.duckdb');
  const wh = await DuckDbWarehouse.open(db);
  const world = await SimWorld.create(wh, defaultSpec({ pipelines: 2, days: 1, deploysPerDay: 0, seed: 5 }));
  // Heartbeats of an earlier life of the verifier, three from about 200 days before the world's
  // clock and two from about 400, and the last tick an hour ago (which stays: the next starts from it).
  for (const [i, daysAgo] of [200, 201, 202, 400, 401, 1 / 24].entries())
    await wh.session.run(
      "INSERT INTO postflight.ticks (tick_id, started_at, summary) VALUES ($id, make_timestamp(CAST($at AS BIGINT) * 1000), 'old')",
      { id: `old-${i}`, at: world.nowMs - daysAgo * DAY },
    );
  await wh.close();
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('postflight retention', () => {
  it('reports what it would do with --dry-run, then does it, as one JSON object each', async () => {
    const dry = await retention('--dry-run', '--json');
    expect(dry.code).toBe(0);
    const plan = JSON.parse(dry.out);
    expect(plan).toMatchObject({ dry_run: true, hot_days: 90, archive_days: 365, ok: true });
    const ticks = plan.tables.find((t: { table: string }) => t.table === 'ticks');
    expect(ticks).toMatchObject({ moved: { rows: 5 }, purged: { rows: 2 } });
    // Every archived ops table, the cost budgets among them.
    expect(plan.tables).toHaveLength(12);
    expect(plan.tables.map((t: { table: string }) => t.table)).toContain('cost_budgets');

    const done = await retention('--json');
    expect(done.code).toBe(0);
    const run = JSON.parse(done.out);
    expect(run).toMatchObject({ dry_run: false, moved_rows: 5, purged_rows: 2, ok: true });
    const after = run.tables.find((t: { table: string }) => t.table === 'ticks');
    expect(after.moved).toEqual(ticks.moved);
    expect(after.after.archive.rows).toBe(3);
    expect(Date.parse(run.hot_before)).toBe(Date.parse(run.at.slice(0, 10)) - 90 * DAY);

    const text = await retention();
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^retention .*\n/);
    expect(text.out).toMatch(/\nticks +\d+ +3 +0 +0 +-\n/);
    expect(text.out).toMatch(/0 rows moved, 0 removed; every move verified/);
  }, 60_000);

  it('refuses bad windows and a warehouse that is not there, naming the flag', async () => {
    await expect(retention('--hot-days', '30')).rejects.toThrow(ConfigError);
    await expect(retention('--archive-days', '60')).rejects.toThrow(
      /--archive-days 60 must be more than --hot-days 90/,
    );
    await expect(runRetentionCommand(['--warehouse', `duckdb:${join(dir, 'none.duckdb')}`], log)).rejects.toThrow(
      /does not exist; run 'postflight simulate/,
    );
  });

  it('gives a world built before retention its archive tables when it is opened, as setup does a workspace', async () => {
    const wh = await DuckDbWarehouse.open(db);
    await wh.session.run('DROP TABLE postflight.ticks_archive');
    await wh.close();
    expect((await retention('--json')).code).toBe(0);
  });

  it('says how to create the archive tables where a workspace set up before retention lacks them', () => {
    const e = archiveMissing(
      new Error('[TABLE_OR_VIEW_NOT_FOUND] The table or view `ops`.`postflight`.`ticks_archive` cannot be found.'),
    );
    expect(e).toBeInstanceOf(ConfigError);
    expect(e?.message).toMatch(/ticks_archive.*the archive tables are missing; create them with 'postflight setup/);
    expect(archiveMissing(new Error('[TABLE_OR_VIEW_NOT_FOUND] `ops`.`postflight`.`ticks` cannot be found.'))).toBe(
      null,
    );
  });
});
