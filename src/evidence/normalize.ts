// One vocabulary for run outcomes. The Jobs API says SUCCESS/TIMEDOUT, the system tables say
// SUCCEEDED/TIMED_OUT, pipeline updates say COMPLETED; an outcome we do not know is UNKNOWN,
// which the run-health check reports as a measurement error rather than guessing.

import type { FailureCause, RunRecord, RunResult, TaskRunRecord } from '../types.js';
import type { ApiRun, ApiTaskRun } from '../workspace/port.js';

const RESULTS: Readonly<Record<string, RunResult>> = {
  SUCCESS: 'SUCCESS',
  SUCCEEDED: 'SUCCESS',
  COMPLETED: 'SUCCESS',
  FAILED: 'FAILED',
  ERROR: 'FAILED',
  SUCCESS_WITH_FAILURES: 'FAILED',
  UPSTREAM_FAILED: 'FAILED',
  TIMEDOUT: 'TIMED_OUT',
  TIMED_OUT: 'TIMED_OUT',
  CANCELED: 'CANCELED',
  CANCELLED: 'CANCELED',
  UPSTREAM_CANCELED: 'CANCELED',
  SKIPPED: 'SKIPPED',
  EXCLUDED: 'SKIPPED',
  DISABLED: 'SKIPPED',
  MAXIMUM_CONCURRENT_RUNS_REACHED: 'SKIPPED',
};

/** Termination types and codes that are the platform's fault, not the deployed code's. */
const INFRA = new Set([
  'CLOUD_FAILURE',
  'INTERNAL_ERROR',
  'CLUSTER_ERROR',
  'DRIVER_ERROR',
  'CLUSTER_REQUEST_LIMIT_EXCEEDED',
  'WORKSPACE_RUN_LIMIT_EXCEEDED',
  'MAX_SPARK_CONTEXTS_EXCEEDED',
  'STORAGE_ACCESS_ERROR',
]);

export function normalizeResult(raw: string | null | undefined): RunResult {
  if (raw === null || raw === undefined || raw === '') return 'UNKNOWN';
  return RESULTS[raw.toUpperCase()] ?? 'UNKNOWN';
}

export function failureCause(
  result: RunResult,
  terminationType: string | null | undefined,
  terminationCode: string | null | undefined,
): FailureCause {
  if (result === 'SUCCESS' || result === 'RUNNING' || result === 'SKIPPED') return 'user';
  if ((terminationType && INFRA.has(terminationType)) || (terminationCode && INFRA.has(terminationCode)))
    return 'infrastructure';
  if (
    terminationType === 'CLIENT_ERROR' ||
    terminationCode === 'RUN_EXECUTION_ERROR' ||
    terminationCode === 'USER_CANCELED'
  )
    return 'user';
  return 'unknown';
}

const RUNNING = new Set(['QUEUED', 'PENDING', 'RUNNING', 'TERMINATING', 'BLOCKED', 'WAITING', 'WAITING_FOR_RETRY']);

/** A task run with its times, for the task's own SLA; null before it has started. */
function taskFromApi(t: ApiTaskRun): TaskRunRecord | null {
  if (!t.start_time) return null;
  const life = t.status?.state ?? t.state?.life_cycle_state ?? '';
  const finished = !RUNNING.has(life) && (t.end_time ?? 0) > 0;
  return {
    taskKey: t.task_key,
    startMs: t.start_time,
    endMs: finished ? t.end_time! : null,
    result: finished ? normalizeResult(t.state?.result_state ?? t.status?.termination_details?.code) : 'RUNNING',
  };
}

/** A Jobs API run as the core sees it. */
export function runFromApi(run: ApiRun): RunRecord {
  const life = run.status?.state ?? run.state?.life_cycle_state ?? '';
  const finished = !RUNNING.has(life) && (run.end_time ?? 0) > 0;
  const raw = finished ? (run.state?.result_state ?? run.status?.termination_details?.code ?? null) : null;
  let result: RunResult = finished ? normalizeResult(raw) : 'RUNNING';
  const code = run.status?.termination_details?.code;
  if (finished && result === 'UNKNOWN' && code)
    result = normalizeResult(code === 'SUCCESS' ? 'SUCCESS' : code === 'USER_CANCELED' ? 'CANCELED' : undefined);
  const failedTasks = (run.tasks ?? [])
    .filter((t) => ['FAILED', 'TIMEDOUT', 'CANCELED'].includes(t.state?.result_state ?? ''))
    .map((t) => t.task_key);
  const tasks = (run.tasks ?? []).map(taskFromApi).filter((t): t is TaskRunRecord => t !== null);
  return {
    subjectId: String(run.job_id),
    runId: String(run.run_id),
    startMs: run.start_time,
    endMs: finished ? run.end_time! : null,
    result,
    rawResult: finished ? (code && code !== 'SUCCESS' ? code : raw) : life || null,
    cause: failureCause(result, run.status?.termination_details?.type, code),
    failedTasks,
    plane: 'fast',
    ...(tasks.length ? { tasks } : {}),
  };
}
