import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flatHorizon } from '../../src/checks/baseline-window.js';
import { FLUSH_COMMITS, readTableWrites } from '../../src/tick/table-history.js';
import type { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { emptyWorldAt } from '../support/empty-world.js';

const NOW = Date.UTC(2026, 10, 2);
const MIN = 60_000;
const DAY = 86_400_000;
const COMMITS = 2_500;

describe('first history read of a busy table', () => {
  let wh: DuckDbWarehouse;
  beforeAll(async () => {
    wh = await emptyWorldAt(NOW);
    // A table written every 15 minutes: 2,500 commits reach back 26 days.
    await wh.session.run(
      `INSERT INTO sim_world.delta_commits (table_name, version, "timestamp", operation, job, operationMetrics, _visible_at)
       SELECT 'main.sales.busy', v, make_timestamp(($now - ($n - v) * 15 * 60000) * 1000), 'WRITE',
         {'jobId': 'job-1', 'jobName': 'busy', 'runId': 'r' || v}, MAP {'numOutputRows': CAST(1000 + v AS VARCHAR)},
         make_timestamp(($now - ($n - v) * 15 * 60000) * 1000)
       FROM range(1, $n + 1) t(v)`,
      { now: NOW, n: COMMITS },
    );
  });
  afterAll(async () => wh.close());

  it('reaches back to the start of the baseline, then reads only what is new', async () => {
    const sinceMs = NOW - 20 * DAY;
    const tables = new Map([['main.sales.busy', 'job-1']]);
    const metricsSinceMs = NOW - 7 * DAY;
    const first = await readTableWrites(wh, tables, new Map(), flatHorizon(sinceMs), NOW, { metricsSinceMs });
    expect(first.errors).toEqual([]);
    expect(first.writes).toHaveLength(20 * 96 + 1);
    expect(Math.min(...first.writes.map((w) => w.timestampMs))).toBe(sinceMs);
    expect(first.reads).toBe(2);
    expect(first.writes.filter((w) => w.runId !== null)).toHaveLength(7 * 96 + 1);

    const again = await readTableWrites(wh, tables, new Map(), flatHorizon(sinceMs), NOW + MIN, { metricsSinceMs });
    expect(again.reads).toBe(0);
    const byTime = <T extends { timestampMs: number }>(ws: readonly T[]) =>
      [...ws].sort((a, b) => a.timestampMs - b.timestampMs);
    expect(byTime(again.writes)).toEqual(byTime(first.writes));
  });

  it('reads the table again once a run has ended after its last read, and only then', async () => {
    const sinceMs = NOW - 20 * DAY;
    const tables = new Map([['main.sales.busy', 'job-1']]);
    await wh.session.run(
      `INSERT INTO sim_world.delta_commits (table_name, version, "timestamp", operation, job, operationMetrics, _visible_at)
       VALUES ('main.sales.busy', $v, make_timestamp($at * 1000), 'WRITE', {'jobId': 'job-1', 'jobName': 'busy', 'runId': 'late'}, MAP {'numOutputRows': '7'}, make_timestamp($at * 1000))`,
      { v: COMMITS + 1, at: NOW + 30_000 },
    );
    await wh.session.run('UPDATE sim_world.clock SET now_ms = $now', { now: NOW + 2 * MIN });
    // A run that ended before the table was last read (at NOW) brings nothing to read.
    const before = await readTableWrites(
      wh,
      tables,
      new Map([['main.sales.busy', NOW - 1_000]]),
      flatHorizon(sinceMs),
      NOW + 2 * MIN,
    );
    expect(before.reads).toBe(0);
    expect(before.writes.some((w) => w.rows === 7)).toBe(false);
    const after = await readTableWrites(
      wh,
      tables,
      new Map([['main.sales.busy', NOW + 31_000]]),
      flatHorizon(sinceMs),
      NOW + 2 * MIN,
    );
    expect(after.reads).toBe(1);
    expect(after.writes.filter((w) => w.rows === 7)).toHaveLength(1);
  });

  it('reads an upstream table with no runs to go by again only once its cadence says a commit is due', async () => {
    const sinceMs = NOW - 20 * DAY;
    const tables = new Map([['main.raw.feed', 'table:main.raw.feed']]);
    const byCadence = new Set(tables.keys());
    // Ingestion every 15 minutes, the newest commit at NOW + 1 minute.
    await wh.session.run(
      `INSERT INTO sim_world.delta_commits (table_name, version, "timestamp", operation, job, operationMetrics, _visible_at)
       SELECT 'main.raw.feed', v, make_timestamp(($now + 60000 - ($n - v) * 15 * 60000) * 1000), 'STREAMING UPDATE',
         {'jobId': NULL, 'jobName': NULL, 'runId': NULL}, MAP {'numOutputRows': '500'}, make_timestamp(($now + 60000 - ($n - v) * 15 * 60000) * 1000)
       FROM range(1, $n + 1) t(v)`,
      { now: NOW, n: 2_000 },
    );
    const read = (at: number) =>
      readTableWrites(wh, tables, new Map(), flatHorizon(sinceMs), at, {
        metricsSinceMs: at + 1,
        dueByCadence: byCadence,
      });
    expect((await read(NOW + 2 * MIN)).reads).toBeGreaterThan(0);
    // The next commit is due at NOW + 16 minutes.
    expect((await read(NOW + 10 * MIN)).reads).toBe(0);
    expect((await read(NOW + 15 * MIN)).reads).toBe(0);
    expect((await read(NOW + 16 * MIN)).reads).toBe(1);
  });
});

describe('first history read of many busy tables', () => {
  it('keeps what it has read as it goes, so a tick stopped half way leaves the next one less to read', async () => {
    const wh = await emptyWorldAt(NOW);
    const n = FLUSH_COMMITS + 5_000;
    // Two tables written every minute: the first one alone holds more history than is kept in memory.
    for (const t of ['main.sales.first', 'main.sales.second']) {
      await wh.session.run(
        `INSERT INTO sim_world.delta_commits (table_name, version, "timestamp", operation, job, operationMetrics, _visible_at)
         SELECT $t, v, make_timestamp(($now - ($n - v) * 60000) * 1000), 'WRITE', {'jobId': 'job-1', 'jobName': 'busy', 'runId': 'r' || v},
           MAP {'numOutputRows': '10'}, make_timestamp(($now - ($n - v) * 60000) * 1000)
         FROM range(1, $n + 1) r(v)`,
        { t, now: NOW, n },
      );
    }
    const cachedWhenSecondRead: number[] = [];
    const describe = wh.describeHistory.bind(wh);
    wh.describeHistory = async (table, limit) => {
      if (table === 'main.sales.second') {
        const [row] = await wh.session.all(
          "SELECT count(*) AS n FROM postflight.table_commits WHERE table_name = 'main.sales.first'",
        );
        cachedWhenSecondRead.push(Number(row!.n));
      }
      return describe(table, limit);
    };
    // Tables are read a few at a time: quiet ones (never written) fill the first group, so the
    // second busy table is read after what the first group read has been kept.
    const quiet = ['a', 'b', 'c', 'd', 'e'].map((x) => [`main.sales.quiet_${x}`, 'job-1'] as const);
    const tables = new Map([['main.sales.first', 'job-1'], ...quiet, ['main.sales.second', 'job-1']]);
    const out = await readTableWrites(wh, tables, new Map(), flatHorizon(NOW - 30 * DAY), NOW);
    expect(out.errors).toEqual([]);
    expect(cachedWhenSecondRead[0]).toBe(n);
    expect(out.writes.filter((w) => w.table === 'main.sales.second')).toHaveLength(n);
    expect(out.writes.filter((w) => w.table === 'main.sales.first')).toHaveLength(n);
    const [after] = await wh.session.all('SELECT count(*) AS n FROM postflight.table_commits');
    expect(Number(after!.n)).toBe(2 * n);
    await wh.close();
  });
});

describe('history reads of several tables at once', () => {
  it('gives each table its own history', async () => {
    const wh = await emptyWorldAt(NOW);
    const names = Array.from({ length: 7 }, (_, i) => `main.sales.t${i}`);
    for (const [i, t] of names.entries()) {
      // Table i holds 10 + i commits of i + 1 rows each.
      await wh.session.run(
        `INSERT INTO sim_world.delta_commits (table_name, version, "timestamp", operation, job, operationMetrics, _visible_at)
         SELECT $t, v, make_timestamp(($now - v * 3600000) * 1000), 'WRITE', {'jobId': 'job-1', 'jobName': 'j', 'runId': 'r' || v},
           MAP {'numOutputRows': CAST($rows AS VARCHAR)}, make_timestamp(($now - v * 3600000) * 1000)
         FROM range(1, $n + 1) r(v)`,
        { t, now: NOW, n: 10 + i, rows: i + 1 },
      );
    }
    const out = await readTableWrites(
      wh,
      new Map(names.map((t) => [t, 'job-1'])),
      new Map(),
      flatHorizon(NOW - 5 * DAY),
      NOW,
    );
    expect(out.errors).toEqual([]);
    expect(out.reads).toBe(names.length);
    for (const [i, t] of names.entries()) {
      const own = out.writes.filter((w) => w.table === t);
      expect(own).toHaveLength(10 + i);
      expect(new Set(own.map((w) => w.rows))).toEqual(new Set([i + 1]));
    }
    await wh.close();
  });
});
