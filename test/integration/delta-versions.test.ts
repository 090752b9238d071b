// Delta numbers each table's versions on its own: 0 is the CREATE TABLE, each later commit the one
// before plus one, a RESTORE a commit of its own. The simulated world must too, however its replay
// is cut into steps, or the contract run's Spark tables (numbered by Delta) disagree with it.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSpec } from '../../src/simulator/default-spec.js';
import { deltaTablesOf } from '../../src/simulator/delta-tables.js';
import { flushRuns } from '../../src/simulator/stage-flush.js';
import { SimWorld } from '../../src/simulator/world.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { emptyWorldAt } from '../support/empty-world.js';

const SPEC = defaultSpec({ pipelines: 8, days: 2 });
const H = 3_600_000;

interface Commit {
  table_name: string;
  version: number;
  ts: number;
  operation: string;
  read_version: number | null;
  run_id: string | null;
}

async function commits(wh: DuckDbWarehouse, visibleOnly = false): Promise<Commit[]> {
  const rows = await wh.session.all(
    `SELECT table_name, version, epoch_ms("timestamp") AS ts, operation, readVersion AS read_version, job.runId AS run_id
     FROM ${visibleOnly ? 'delta_history.commits' : 'sim_world.delta_commits'} ORDER BY table_name, version`,
  );
  return rows.map((r) => ({
    table_name: String(r.table_name),
    version: Number(r.version),
    ts: Number(r.ts),
    operation: String(r.operation),
    read_version: r.read_version === null ? null : Number(r.read_version),
    run_id: (r.run_id as string | null) ?? null,
  }));
}

function byTable(rows: readonly Commit[]): Map<string, Commit[]> {
  const out = new Map<string, Commit[]>();
  for (const r of rows) (out.get(r.table_name) ?? out.set(r.table_name, []).get(r.table_name)!).push(r);
  return out;
}

/** Every table's versions are 0, 1, 2, … in the order of their commit times, each reading the one before. */
function expectNumberedPerTable(rows: readonly Commit[]): void {
  for (const [table, cs] of byTable(rows)) {
    expect(
      cs.map((c) => c.version),
      table,
    ).toEqual(cs.map((_, i) => i));
    expect(cs[0]!.operation, table).toBe('CREATE TABLE');
    for (let i = 1; i < cs.length; i++) {
      expect(cs[i]!.ts, `${table} version ${i}`).toBeGreaterThanOrEqual(cs[i - 1]!.ts);
      expect(cs[i]!.read_version, `${table} version ${i}`).toBe(i - 1);
    }
  }
}

let a: DuckDbWarehouse;
let b: DuckDbWarehouse;
let worldA: SimWorld;
let worldB: SimWorld;

beforeAll(async () => {
  a = await DuckDbWarehouse.open(':memory:');
  b = await DuckDbWarehouse.open(':memory:');
  worldA = await SimWorld.create(a, SPEC);
  worldB = await SimWorld.create(b, SPEC);
});

afterAll(async () => {
  await a.close();
  await b.close();
});

describe('Delta versions in the simulated world', () => {
  it('numbers every table from its CREATE TABLE at 0, one version a commit', async () => {
    const rows = await commits(a);
    expect([...byTable(rows).keys()]).toEqual(deltaTablesOf(worldA.catalog));
    expectNumberedPerTable(rows);
    // Busy tables reach far past the handful of versions their own commits make: not a shared counter.
    const newest = [...byTable(rows).values()].map((cs) => cs.length - 1);
    expect(Math.max(...newest)).toBeLessThan(rows.length / 2);
    // The source tables take a commit every quarter-hour over the two days: versions 1 to 192.
    const source = byTable(rows).get('prod.raw.source_0')!;
    expect(source.filter((c) => c.operation === 'STREAMING UPDATE').map((c) => c.version)).toEqual(
      Array.from({ length: 192 }, (_, i) => i + 1),
    );
  });

  it('gives the same versions whether the replay moves minute by minute or in one step', async () => {
    const to = worldA.nowMs + 6 * H;
    await worldA.advance(to);
    for (let t = worldB.nowMs + 60_000; t <= to; t += 60_000) await worldB.advance(t);
    const [ra, rb] = [await commits(a), await commits(b)];
    expect(rb).toEqual(ra);
    expectNumberedPerTable(ra);
  });

  it('numbers a commit staged after a later one of the same table before it', async () => {
    const T = Date.UTC(2026, 10, 2);
    const one = await emptyWorldAt(T);
    const split = await emptyWorldAt(T);
    const c = (m: number) => ({ table: 'prod.raw.t', timestampMs: T + m * 60_000, rows: 10 * m });
    // A long run's write at +20 min is staged before a short later run's write at +15 min.
    await flushRuns(one, 1, { staged: false, filled: [] }, [], [c(10), c(15), c(20)]);
    const staging = { staged: false, filled: [] };
    await flushRuns(split, 1, staging, [], [c(10), c(20)]);
    await flushRuns(split, 1, staging, [], [c(15)]);
    for (const wh of [one, split]) {
      const rows = await commits(wh);
      expect(rows.map((r) => [r.version, r.ts - T, r.read_version])).toEqual([
        [0, 10 * 60_000, -1],
        [1, 15 * 60_000, 0],
        [2, 20 * 60_000, 1],
      ]);
      await wh.close();
    }
  });

  it('makes a RESTORE the next version, and the commits the world holds for later the ones after it', async () => {
    // Minute by minute to a moment a job's run has started and not ended: its commit is still to come.
    const upcoming = async () =>
      (await commits(a)).find((c) => c.ts > worldA.nowMs && c.operation !== 'STREAMING UPDATE');
    for (let i = 0; i < 180 && !(await upcoming()); i++) await worldA.advance(worldA.nowMs + 60_000);
    const later = (await upcoming())!;
    expect(later).toBeDefined();
    const before = await commits(a, true);
    const table = later.table_name;
    const shown = before.filter((c) => c.table_name === table);
    const newest = shown[shown.length - 1]!.version;
    await a.restoreTable(table, newest - 1);
    const [head] = await a.describeHistory(table, 1);
    expect([head!.version, head!.operation, head!.operationParameters?.version]).toEqual([
      newest + 1,
      'RESTORE',
      String(newest - 1),
    ]);
    const moved = (await commits(a)).find(
      (c) => c.table_name === table && c.run_id === later.run_id && c.ts === later.ts,
    )!;
    expect(moved.version).toBe(later.version + 1);
    // Restoring to a version the table does not show yet is refused, and adds nothing.
    await expect(a.restoreTable(table, newest + 5)).rejects.toThrow(/no version/);
    // The world goes on numbering after the RESTORE.
    await worldA.advance(worldA.nowMs + 3 * H);
    expectNumberedPerTable(await commits(a));
  });
});
