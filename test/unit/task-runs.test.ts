import { describe, expect, it } from 'vitest';
import { runFromApi } from '../../src/evidence/normalize.js';
import { fromTaskRunsColumn, mergedRun, observedRunRows, taskRunsColumn } from '../../src/tick/runs.js';
import type { ApiRun } from '../../src/workspace/port.js';

// A Jobs 2.2 runs/list entry with expand_tasks=true: each task run carries start_time and end_time
// (epoch ms, 0 until started or ended) and its own state.
const listed: ApiRun = {
  run_id: 9001,
  job_id: 11,
  start_time: 1_000_000,
  end_time: 0,
  status: { state: 'RUNNING' },
  state: { life_cycle_state: 'RUNNING' },
  tasks: [
    {
      task_key: 'ingest',
      run_id: 9002,
      start_time: 1_000_000,
      end_time: 1_700_000,
      state: { life_cycle_state: 'TERMINATED', result_state: 'TIMEDOUT' },
    },
    { task_key: 'transform', run_id: 9003, start_time: 1_700_500, end_time: 0, state: { life_cycle_state: 'RUNNING' } },
    { task_key: 'publish', run_id: 9004, start_time: 0, end_time: 0, state: { life_cycle_state: 'PENDING' } },
  ],
};

describe('task runs from the Jobs API into the run cache', () => {
  it('keeps each started task run with its times and outcome', () => {
    const r = runFromApi(listed);
    expect(r.tasks).toEqual([
      { taskKey: 'ingest', startMs: 1_000_000, endMs: 1_700_000, result: 'TIMED_OUT' },
      { taskKey: 'transform', startMs: 1_700_500, endMs: null, result: 'RUNNING' },
    ]);
    expect(r.failedTasks).toEqual(['ingest']);
  });

  it('stores the task runs in a column of their own beside the failed task keys, and reads them back', () => {
    const r = runFromApi(listed);
    const batch = observedRunRows([r], 5_000_000);
    const row = Object.fromEntries(batch.columns.map((c, i) => [c.name, batch.rows[0]![i]]));
    expect(row.failed_tasks).toBe('["ingest"]');
    expect(fromTaskRunsColumn(row.task_runs)).toEqual(r.tasks);
    // A run whose source gives no task times (the system tables' job runs, a listing without tasks) stores none.
    expect(taskRunsColumn(undefined)).toBeNull();
    expect(taskRunsColumn([])).toBeNull();
    expect(fromTaskRunsColumn(null)).toBeUndefined();
  });

  it('lays a new sighting over the cached run the way the MERGE does: its task runs win', () => {
    const first = runFromApi(listed);
    const done = runFromApi({
      ...listed,
      end_time: 2_000_000,
      status: { state: 'TERMINATED', termination_details: { code: 'RUN_EXECUTION_ERROR', type: 'CLIENT_ERROR' } },
      state: { life_cycle_state: 'TERMINATED', result_state: 'TIMEDOUT' },
      tasks: listed.tasks!.slice(0, 1),
    });
    expect(mergedRun(first, done).tasks).toEqual(done.tasks);
    // A sighting without task runs keeps those cached, as the MERGE's COALESCE does.
    const bare = { ...done, tasks: undefined };
    expect(mergedRun(first, bare).tasks).toEqual(first.tasks);
  });
});
