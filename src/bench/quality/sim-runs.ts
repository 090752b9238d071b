// A simulated run as the tick's sources give it: a job run as jobs/runs/list lists it (with
// expand_tasks), a pipeline update as the event-log reader maps it.

import type { SimRun } from '../../simulator/runs.js';
import type { RunRecord } from '../../types.js';
import type { ApiRun } from '../../workspace/port.js';

const API_TASK_RESULT = { SUCCEEDED: 'SUCCESS', FAILED: 'FAILED', TIMED_OUT: 'TIMEDOUT' } as const;

export function apiRun(r: SimRun, done: boolean): ApiRun {
  const p = r.pipeline;
  return {
    run_id: r.runId,
    job_id: p.id,
    run_name: p.name,
    start_time: r.startMs,
    end_time: done ? r.endMs : 0,
    state: done
      ? { life_cycle_state: 'TERMINATED', result_state: r.succeeded ? 'SUCCESS' : r.timedOut ? 'TIMEDOUT' : 'FAILED' }
      : { life_cycle_state: 'RUNNING' },
    status: done
      ? { state: 'TERMINATED', termination_details: { code: r.terminationCode, type: r.terminationType } }
      : { state: 'RUNNING' },
    // Listed with expand_tasks: a finished run's task runs carry their times (a running one's are left out).
    tasks: r.tasks.map((t) => ({
      task_key: t.taskKey,
      run_id: t.runId,
      ...(done ? { start_time: t.startMs, end_time: t.endMs } : {}),
      state: done
        ? { life_cycle_state: 'TERMINATED', result_state: API_TASK_RESULT[t.result] }
        : { life_cycle_state: 'RUNNING' },
    })),
  };
}

/** A pipeline update as src/tick/gather.ts reads it from the event log. */
export function pipelineRun(r: SimRun, done: boolean): RunRecord {
  const infra = r.terminationType === 'CLOUD_FAILURE';
  const result = !done ? 'RUNNING' : r.succeeded ? 'SUCCESS' : 'FAILED';
  const rawResult = !done
    ? null
    : r.succeeded
      ? 'COMPLETED'
      : `FAILED (${infra ? 'CloudProviderException' : 'AnalysisException'})`;
  const cause = done && !r.succeeded && infra ? 'infrastructure' : 'user';
  return {
    subjectId: r.pipeline.id,
    runId: r.runId,
    startMs: r.startMs,
    endMs: done ? r.endMs : null,
    result,
    rawResult,
    cause,
    failedTasks: [],
    plane: 'fast',
  };
}
