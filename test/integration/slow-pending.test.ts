import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flatHorizon } from '../../src/checks/baseline-window.js';
import { observedRunRows, readRuns, readSlowPending } from '../../src/tick/runs.js';
import type { RunRecord } from '../../src/types.js';
import type { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { emptyWorldAt } from '../support/empty-world.js';

const NOW = Date.UTC(2026, 10, 2, 12);
const HOUR = 3_600_000;

function fastRun(subjectId: string, runId: string, startMs: number, endMs: number | null): RunRecord {
  return {
    subjectId,
    runId,
    startMs,
    endMs,
    result: endMs === null ? 'RUNNING' : 'SUCCESS',
    rawResult: null,
    cause: 'unknown',
    failedTasks: [],
    plane: 'fast',
  };
}

describe('slow-plane runs the fast plane never recorded', () => {
  let wh: DuckDbWarehouse;
  beforeAll(async () => {
    wh = await emptyWorldAt(NOW);
    const jobRun = (job: string, run: string, startMs: number, state: string | null, workspace = '4242') =>
      wh.session.run(
        `INSERT INTO sim_world.system_lakeflow__job_run_timeline BY NAME
         SELECT $workspace AS workspace_id, $job AS job_id, $run AS run_id, make_timestamp($s * 1000) AS period_start_time, make_timestamp(($s + 600000) * 1000) AS period_end_time,
           $state AS result_state, make_timestamp(($s + 600000) * 1000) AS _visible_at`,
        { job, run, s: startMs, state, workspace },
      );
    // job-a: one run before the deploy, one after that the Jobs API listing recorded.
    await jobRun('job-a', 'a-1', NOW - 5 * HOUR, 'SUCCEEDED');
    await jobRun('job-a', 'a-2', NOW - 2 * HOUR, 'SUCCEEDED');
    // job-b: a post-deploy run the listing never saw (an outage of the fast plane).
    await jobRun('job-b', 'b-1', NOW - 2 * HOUR, 'FAILED');
    // job-c: a post-deploy run the listing saw start but never saw finish.
    await jobRun('job-c', 'c-1', NOW - 2 * HOUR, 'SUCCEEDED');
    // job-d: a run still in progress in the slow plane (no result yet).
    await jobRun('job-d', 'd-1', NOW - 2 * HOUR, null);
    // Another workspace of the region has a job of the same id, with a run the listing never saw.
    await jobRun('job-a', 'other-1', NOW - 2 * HOUR, 'FAILED', '9999');
    await wh.session.run(
      `INSERT INTO sim_world.system_lakeflow__pipeline_update_timeline BY NAME
       SELECT '4242' AS workspace_id, 'pipe-e' AS pipeline_id, 'e-1' AS update_id, make_timestamp($s * 1000) AS period_start_time, make_timestamp(($s + 600000) * 1000) AS period_end_time,
         'COMPLETED' AS result_state, make_timestamp(($s + 600000) * 1000) AS _visible_at`,
      { s: NOW - 2 * HOUR },
    );
    await wh.execute(
      'tick/merge_observed_runs',
      {},
      observedRunRows(
        [
          fastRun('job-a', 'a-2', NOW - 2 * HOUR, NOW - 2 * HOUR + 600_000),
          fastRun('job-c', 'c-1', NOW - 2 * HOUR, null),
        ],
        NOW,
      ),
    );
  });
  afterAll(async () => wh.close());

  it('names the deployments whose post-deploy runs only the system tables hold', async () => {
    const deployed = (...ids: string[]) => ({ finishedMs: NOW - 3 * HOUR, resources: ids.map((id) => ({ id })) });
    const pending = await readSlowPending(wh, [
      deployed('job-a'),
      deployed('job-b'),
      deployed('job-a', 'job-c'),
      deployed('job-d'),
      deployed('pipe-e'),
    ]);
    expect([...pending].sort()).toEqual([1, 2, 4]);
  });

  it('ignores runs that started before the deploy', async () => {
    const pending = await readSlowPending(wh, [{ finishedMs: NOW - 1 * HOUR, resources: [{ id: 'job-b' }] }]);
    expect(pending.size).toBe(0);
  });

  it('stops naming a deployment once its slow-plane run is in the run cache, which reads it back once', async () => {
    const deployed = { finishedMs: NOW - 3 * HOUR, resources: [{ id: 'job-b' }] };
    const [slowRun] = (await readRuns(wh, ['job-b'], flatHorizon(NOW - 4 * HOUR))).filter((r) => r.runId === 'b-1');
    expect(slowRun).toMatchObject({ plane: 'slow', result: 'FAILED' });
    await wh.execute('tick/merge_observed_runs', {}, observedRunRows([slowRun!], NOW));
    expect((await readSlowPending(wh, [deployed])).size).toBe(0);
    const again = await readRuns(wh, ['job-b'], flatHorizon(NOW - 4 * HOUR));
    expect(again).toEqual([slowRun]);
  });

  it('costs no statement when nothing is open', async () => {
    const before = wh.stats.statements;
    expect((await readSlowPending(wh, [])).size).toBe(0);
    expect(wh.stats.statements).toBe(before);
  });
});
