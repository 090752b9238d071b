// Pipeline event-log rows (tick/pipeline_events) held to the event log's documented schema before
// they become updates and flow writes: every event has a time and an update, a lifecycle event a
// known state, and a completed flow counts it wrote, backlog and expectations that are numbers.

import type { MeasurementError } from '../types.js';
import type { Row } from '../warehouse/port.js';
import {
  checkAmount,
  checkCount,
  checkId,
  checkState,
  checkTime,
  firstReason,
  malformedRow,
  type Reason,
} from './validate-values.js';

/** details:update_progress.state (the Pipelines API's UpdateInfoState). */
const UPDATE_STATES = new Set([
  'QUEUED',
  'CREATED',
  'WAITING_FOR_RESOURCES',
  'INITIALIZING',
  'RESETTING',
  'SETTING_UP_TABLES',
  'RUNNING',
  'STOPPING',
  'COMPLETED',
  'FAILED',
  'CANCELED',
]);

/** details:flow_progress.status as observed; a status outside it is reported, not guessed at. */
const FLOW_STATES = new Set([
  'QUEUED',
  'PLANNING',
  'STARTING',
  'RUNNING',
  'COMPLETED',
  'FAILED',
  'IDLE',
  'SKIPPED',
  'STOPPED',
  'EXCLUDED',
]);

const EVENT_TYPES = new Set(['CREATE_UPDATE', 'UPDATE_PROGRESS', 'FLOW_PROGRESS']);
/** A backlog of more than a year of data is a broken metric, not a slow stream. */
const MAX_BACKLOG_SECONDS = 366 * 86_400;

/** Why an expectations array (as JSON text) is no list of counted rules, or null when it is one. */
export function expectationsReason(json: unknown): Reason {
  if (json === null || json === undefined) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(json));
  } catch {
    return 'data_quality.expectations is not JSON';
  }
  if (!Array.isArray(parsed)) return 'data_quality.expectations is not an array';
  for (const [i, e] of parsed.entries()) {
    const o = (e ?? {}) as Record<string, unknown>;
    const reason = firstReason(
      typeof o.name === 'string' && o.name !== '' ? null : `data_quality.expectations[${i}].name is missing`,
      checkCount(`data_quality.expectations[${i}].passed_records`, o.passed_records, false),
      checkCount(`data_quality.expectations[${i}].failed_records`, o.failed_records, false),
    );
    if (reason) return reason;
  }
  return null;
}

/**
 * The measurement error an event-log row makes, or null when it is well formed. A completed
 * flow's bad counts spoil its table's volume and freshness; its bad expectations or backlog only
 * those checks; anything else the pipeline's runs.
 */
export function malformedEvent(r: Row): MeasurementError | null {
  const pid = String(r.pipeline_id);
  const key = `pipeline ${pid} update ${String(r.update_id)} ${String(r.event_type)} at ${String(r.ts_ms)}`;
  const flowTable = r.event_type === 'flow_progress' && typeof r.table_name === 'string' ? r.table_name : null;
  const base = firstReason(
    checkState('event_type', r.event_type, EVENT_TYPES),
    checkTime('timestamp', r.ts_ms),
    checkId('origin.update_id', r.update_id),
  );
  if (base) {
    return flowTable
      ? malformedRow('writes', `table:${flowTable}`, 'event log', key, base)
      : malformedRow('runs', `pipeline:${pid}`, 'event log', key, base);
  }
  if (r.event_type === 'update_progress') {
    const state = checkState('update_progress.state', r.update_state, UPDATE_STATES);
    return state ? malformedRow('runs', `pipeline:${pid}`, 'event log', key, state) : null;
  }
  if (r.event_type !== 'flow_progress') return null;
  const status = checkState('flow_progress.status', r.flow_status, FLOW_STATES);
  if (status) {
    const subject = flowTable ? `table:${flowTable}` : `pipeline:${pid}`;
    return malformedRow(flowTable ? 'writes' : 'runs', subject, 'event log', key, status);
  }
  // Only a completed flow into a followed table is evidence; the rest is read for nothing.
  if (r.flow_status !== 'COMPLETED' || flowTable === null) return null;
  const rows = checkCount('flow_progress.metrics.num_output_rows', r.num_output_rows);
  if (rows) return malformedRow('writes', `table:${flowTable}`, 'event log', key, rows);
  const backlog = firstReason(
    checkCount('flow_progress.metrics.backlog_records', r.backlog_records),
    checkAmount('flow_progress.metrics.backlog_seconds', r.backlog_seconds, MAX_BACKLOG_SECONDS),
  );
  if (backlog) return malformedRow('backlog', `pipeline:${pid}`, 'event log', key, backlog);
  const expectations = expectationsReason(r.expectations);
  if (expectations) return malformedRow('expectations', `pipeline:${pid}`, 'event log', key, expectations);
  return null;
}
