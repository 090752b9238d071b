// Run rows held to their sources' schemas before they become RunRecords: the system tables'
// job_run_timeline, job_task_run_timeline and pipeline_update_timeline (tick/runs.sql), and the
// Jobs API's runs/list. A run needs an id (a NULL id once merged separate runs into one), a start,
// an end once it has a result and not before its start, and an outcome the vocabulary knows.

import type { ApiRun } from '../workspace/port.js';
import { normalizeResult } from './normalize.js';
import {
  checkId,
  checkOptionalTime,
  checkSpan,
  checkTime,
  firstReason,
  numeric,
  type Reason,
} from './validate-values.js';

const outcome = (field: string, raw: unknown): Reason =>
  raw === null || raw === undefined || (typeof raw === 'string' && normalizeResult(raw) !== 'UNKNOWN')
    ? null
    : `${field} '${String(raw).slice(0, 40)}' is not a run outcome postflight knows`;

/**
 * Why a row of tick/runs.sql from the system tables (cached = false) cannot be a run, or null.
 * Those rows are finished runs (their result state is set), so they must have an end.
 */
export function systemRunReason(r: Readonly<Record<string, unknown>>): Reason {
  const start = numeric(r.start_ms);
  const end = numeric(r.end_ms);
  return firstReason(
    checkId('run_id', r.run_id),
    r.task_key === undefined || r.task_key === null || checkId('task_key', r.task_key) === null
      ? null
      : 'task_key is empty',
    checkTime('period_start_time', r.start_ms),
    checkTime('period_end_time of a finished run', r.end_ms),
    checkSpan('period_start_time', start, 'period_end_time', end),
    outcome('result_state', r.raw_result),
  );
}

/** Life-cycle states of runs/list (state.life_cycle_state and status.state together). */
const LIFE_CYCLE = new Set([
  'QUEUED',
  'PENDING',
  'RUNNING',
  'TERMINATING',
  'TERMINATED',
  'SKIPPED',
  'INTERNAL_ERROR',
  'BLOCKED',
  'WAITING',
  'WAITING_FOR_RETRY',
]);

const lifeCycle = (field: string, v: unknown): Reason =>
  v === undefined || v === null || (typeof v === 'string' && LIFE_CYCLE.has(v))
    ? null
    : `${field} '${String(v).slice(0, 40)}' is not a life-cycle state of the Jobs API`;

/** Why a runs/list run cannot be a run, or null. end_time 0 means still going (the API's own word). */
export function apiRunReason(run: ApiRun): Reason {
  const end = run.end_time === undefined || run.end_time === 0 ? null : run.end_time;
  return firstReason(
    checkId('run_id', run.run_id),
    checkId('job_id', run.job_id),
    checkTime('start_time', run.start_time),
    checkOptionalTime('end_time', end),
    checkSpan('start_time', numeric(run.start_time), 'end_time', end === null ? null : numeric(end)),
    lifeCycle('state.life_cycle_state', run.state?.life_cycle_state),
    lifeCycle('status.state', run.status?.state),
    outcome('state.result_state', run.state?.result_state),
  );
}
