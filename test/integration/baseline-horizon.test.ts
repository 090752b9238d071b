import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baselineHorizons, withinHorizon } from '../../src/checks/baseline-window.js';
import { DEFAULT_POLICY } from '../../src/checks/policy.js';
import { isWeekend } from '../../src/checks/slots.js';
import { readRuns } from '../../src/tick/runs.js';
import { readTableWrites } from '../../src/tick/table-history.js';
import type { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { emptyWorldAt } from '../support/empty-world.js';

/** Saturday 2026-12-05 10:00 UTC. */
const NOW = Date.UTC(2026, 11, 5, 10);
const DAY = 86_400_000;
const HOUR = 3_600_000;
const DAYS = 60;

describe('baseline reads reach further back for weekends', () => {
  let wh: DuckDbWarehouse;
  beforeAll(async () => {
    wh = await emptyWorldAt(NOW);
    // One run and one commit a day at 09:00 for 60 days.
    await wh.session.run(
      `INSERT INTO sim_world.system_lakeflow__job_run_timeline BY NAME
       SELECT '4242' AS workspace_id, 'job-1' AS job_id, 'r' || d AS run_id, make_timestamp(($now - d * $day - $hour) * 1000) AS period_start_time,
         make_timestamp(($now - d * $day - $hour + 600000) * 1000) AS period_end_time, 'SUCCEEDED' AS result_state,
         make_timestamp(($now - d * $day - $hour + 600000) * 1000) AS _visible_at
       FROM range(1, $days + 1) t(d)`,
      { now: NOW, day: DAY, hour: HOUR, days: DAYS },
    );
    await wh.session.run(
      `INSERT INTO sim_world.delta_commits (table_name, version, "timestamp", operation, job, operationMetrics, _visible_at)
       SELECT 'main.sales.daily', $days + 1 - d, make_timestamp(($now - d * $day - $hour + 600000) * 1000), 'WRITE',
         {'jobId': 'job-1', 'jobName': 'daily', 'runId': 'r' || d}, MAP {'numOutputRows': '1000'},
         make_timestamp(($now - d * $day - $hour + 600000) * 1000)
       FROM range(1, $days + 1) t(d)`,
      { now: NOW, day: DAY, hour: HOUR, days: DAYS },
    );
  });
  afterAll(async () => wh.close());

  const horizon = baselineHorizons(NOW, DEFAULT_POLICY);
  const expected = Array.from({ length: DAYS }, (_, i) => NOW - (i + 1) * DAY - HOUR).filter((ms) =>
    withinHorizon(ms, horizon),
  );

  it('reads runs from 28 days back, and weekend runs from 49', async () => {
    const runs = await readRuns(wh, ['job-1'], horizon);
    const starts = runs.map((r) => r.startMs).sort((a, b) => a - b);
    expect(starts).toEqual([...expected].sort((a, b) => a - b));
    // 27 days inside four weeks, and 6 weekend days of the three weeks before them.
    expect(starts.filter((ms) => ms < horizon.weekdaySinceMs).every(isWeekend)).toBe(true);
    expect(starts.filter((ms) => ms < horizon.weekdaySinceMs)).toHaveLength(6);
  });

  it('reads commits the same way, from the table history and then from the cache', async () => {
    const tables = new Map([['main.sales.daily', 'job-1']]);
    const first = await readTableWrites(wh, tables, new Map(), horizon, NOW);
    const cached = await readTableWrites(wh, tables, new Map(), horizon, NOW + 60_000);
    expect(first.reads).toBe(1);
    expect(cached.reads).toBe(0);
    for (const out of [first, cached]) {
      const times = out.writes.map((w) => w.timestampMs - 600_000).sort((a, b) => a - b);
      expect(times).toEqual([...expected].sort((a, b) => a - b));
    }
  });
});
