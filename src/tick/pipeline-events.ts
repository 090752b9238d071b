// Pipeline updates, rows per flow, expectations and backlog from the published event log.

import type { Horizon } from '../checks/baseline-window.js';
import { normalizeResult } from '../evidence/normalize.js';
import { malformedEvent } from '../evidence/validate-events.js';
import { checkId, checkTime } from '../evidence/validate-values.js';
import type { MeasurementError, RunRecord } from '../types.js';
import { idRows } from '../warehouse/id-rows.js';
import type { Row, RowBatch, Warehouse } from '../warehouse/port.js';
import { type FlowCommit, flowMetricsOf } from './flow-metrics.js';

export interface PipelineEvidence {
  readonly runs: RunRecord[];
  readonly writes: FlowCommit[];
  /** Malformed event-log rows, each an error of the subject it spoils (see validate-events.ts). */
  readonly errors: MeasurementError[];
}

/** Rows for merge_pipeline_targets: each flow of a pipeline is named after the table it writes. */
export function pipelineTargetRows(targets: ReadonlyMap<string, readonly string[]>, nowMs: number): RowBatch {
  return {
    columns: [
      { name: 'pipeline_id', type: 'STRING' },
      { name: 'flow_name', type: 'STRING' },
      { name: 'table_name', type: 'STRING' },
      { name: 'updated_at', type: 'TIMESTAMP' },
    ],
    rows: [...targets].flatMap(([id, tables]) => tables.map((t) => [id, t.split('.').pop()!, t, nowMs])),
  };
}

/**
 * Pipeline updates and rows per flow from the event log (fast plane). Flow rows resolve to their
 * table through pipeline_targets, so a pipeline must be followed (its targets merged) first.
 */
export async function readPipelineEvents(
  wh: Warehouse,
  ids: Iterable<string>,
  since: Horizon,
): Promise<PipelineEvidence & { latestMs: number }> {
  const idList = [...ids];
  if (idList.length === 0) return pipelineEvidence([]);
  return pipelineEvidence(
    await wh.query(
      'tick/pipeline_events',
      { since_ms: since.sinceMs, weekday_since_ms: since.weekdaySinceMs, followed: false },
      idRows(idList),
    ),
  );
}

/** The event-log rows of every followed pipeline from a time on (assemble them with pipelineEvidence). */
export async function readFollowedEvents(wh: Warehouse, sinceMs: number): Promise<Row[]> {
  return wh.query('tick/pipeline_events', { since_ms: sinceMs, weekday_since_ms: sinceMs, followed: true }, idRows([]));
}

/** Updates and flow writes from event-log rows, counting only the rows from `fromMs` on. */
export function pipelineEvidence(all: readonly Row[], fromMs = -Infinity): PipelineEvidence & { latestMs: number } {
  const out = {
    runs: [] as RunRecord[],
    writes: [] as FlowCommit[],
    errors: [] as MeasurementError[],
    latestMs: -Infinity,
  };
  // A row without a time is kept for the validator: it is read again by every tick until it is gone.
  const rows = all.filter((r) => Number(r.ts_ms) >= fromMs || checkTime('timestamp', r.ts_ms) !== null);
  const updates = new Map<
    string,
    { pipelineId: string; start: number | null; end: number | null; state: string | null; error: string | null }
  >();
  for (const r of rows) {
    const pid = String(r.pipeline_id);
    const uid = String(r.update_id);
    const malformed = malformedEvent(r);
    if (malformed) {
      out.errors.push(malformed);
      // A flow's write whose time is sound still shows the table was written (it is not called
      // stale for a bad count); its count is left unknown and the error says why.
      const table = r.event_type === 'flow_progress' && r.flow_status === 'COMPLETED' ? r.table_name : null;
      if (typeof table === 'string' && malformed.kind === 'writes' && checkTime('timestamp', r.ts_ms) === null)
        out.writes.push({
          table,
          subjectId: pid,
          runId: checkId('update_id', r.update_id) === null ? uid : null,
          timestampMs: Number(r.ts_ms),
          rows: null,
          plane: 'fast',
          metrics: null,
        });
      continue;
    }
    const u = updates.get(uid) ?? { pipelineId: pid, start: null, end: null, state: null, error: null };
    const ts = Number(r.ts_ms);
    out.latestMs = Math.max(out.latestMs, ts);
    if (r.event_type === 'create_update') u.start = ts;
    else if (r.event_type === 'update_progress' && r.update_state) {
      const state = String(r.update_state);
      if (['COMPLETED', 'FAILED', 'CANCELED'].includes(state) && (u.end === null || ts >= u.end)) {
        u.end = ts;
        u.state = state;
        u.error = (r.error_class as string | null) ?? null;
      }
    } else if (r.event_type === 'flow_progress' && r.flow_status === 'COMPLETED') {
      const table = (r.table_name as string | null) ?? null;
      if (table) {
        const n = r.num_output_rows === null || r.num_output_rows === undefined ? null : Number(r.num_output_rows);
        out.writes.push({
          table,
          subjectId: pid,
          runId: uid,
          timestampMs: ts,
          rows: n !== null && Number.isFinite(n) ? n : null,
          plane: 'fast',
          metrics: flowMetricsOf(r.expectations, r.backlog_records, r.backlog_seconds),
        });
      }
    }
    updates.set(uid, u);
  }
  for (const [uid, u] of updates) {
    if (u.start === null && u.end === null) continue;
    const result = u.state === null ? 'RUNNING' : normalizeResult(u.state);
    const infra = u.error !== null && /Cloud|Internal|Cluster/i.test(u.error);
    out.runs.push({
      subjectId: u.pipelineId,
      runId: uid,
      startMs: u.start ?? u.end!,
      endMs: u.end,
      result,
      rawResult: u.state === 'FAILED' && u.error ? `FAILED (${u.error})` : u.state,
      cause: result === 'SUCCESS' || result === 'RUNNING' ? 'user' : infra ? 'infrastructure' : 'user',
      failedTasks: [],
      plane: 'fast',
    });
  }
  return out;
}
