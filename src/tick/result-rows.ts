// The rows a tick writes, and the writes of its results. Every write is keyed by stable ids (a
// MERGE; the tick row an insert guarded on its id), so a tick that crashes half way and is run
// again writes no new rows.

import type { CheckResult, Verdict } from '../types.js';
import type { RowBatch, Warehouse } from '../warehouse/port.js';
import type { TickSummary } from './types.js';

export function checkResultRows(
  items: ReadonlyArray<{ deploymentId: string; result: CheckResult }>,
  tickId: string,
  nowMs: number,
): RowBatch {
  return {
    columns: [
      { name: 'deployment_id', type: 'STRING' },
      { name: 'check_name', type: 'STRING' },
      { name: 'subject', type: 'STRING' },
      { name: 'look', type: 'BIGINT' },
      { name: 'status', type: 'STRING' },
      { name: 'critical', type: 'BOOLEAN' },
      { name: 'observed', type: 'DOUBLE' },
      { name: 'baseline_n', type: 'BIGINT' },
      { name: 'baseline_center', type: 'DOUBLE' },
      { name: 'baseline_spread', type: 'DOUBLE' },
      { name: 'threshold', type: 'DOUBLE' },
      { name: 'statistic', type: 'DOUBLE' },
      { name: 'p_value', type: 'DOUBLE' },
      { name: 'effect', type: 'DOUBLE' },
      { name: 'post_n', type: 'BIGINT' },
      { name: 'plane', type: 'STRING' },
      { name: 'evidence_age_s', type: 'DOUBLE' },
      { name: 'explanation', type: 'STRING' },
      { name: 'suppressed_by', type: 'STRING' },
      { name: 'tick_id', type: 'STRING' },
      { name: 'evaluated_at', type: 'TIMESTAMP' },
    ],
    rows: items.map(({ deploymentId, result: r }) => [
      deploymentId,
      r.check,
      r.subject,
      r.look,
      r.status,
      r.critical,
      r.observed,
      r.baselineN,
      r.baselineCenter,
      r.baselineSpread,
      r.threshold,
      r.statistic,
      r.pValue,
      r.effect,
      r.postN,
      r.plane,
      r.evidenceAgeS,
      r.explanation,
      r.suppressedBy,
      tickId,
      nowMs,
    ]),
  };
}

export function verdictRows(verdicts: readonly Verdict[], tickId: string, nowMs: number): RowBatch {
  return {
    columns: [
      { name: 'deployment_id', type: 'STRING' },
      { name: 'state', type: 'STRING' },
      { name: 'reason', type: 'STRING' },
      { name: 'is_final', type: 'BOOLEAN' },
      { name: 'post_runs', type: 'BIGINT' },
      { name: 'updated_at', type: 'TIMESTAMP' },
      { name: 'tick_id', type: 'STRING' },
      { name: 'recheck_at', type: 'TIMESTAMP' },
    ],
    rows: verdicts.map((v) => [
      v.deploymentId,
      v.state,
      v.reason.slice(0, 4000),
      v.final,
      v.postRuns,
      nowMs,
      tickId,
      v.recheckAtMs,
    ]),
  };
}

export async function writeCheckResults(
  wh: Warehouse,
  results: ReadonlyArray<{ deploymentId: string; result: CheckResult }>,
  tickId: string,
  nowMs: number,
): Promise<void> {
  if (results.length) await wh.execute('tick/merge_check_results', {}, checkResultRows(results, tickId, nowMs));
}

/** Written after the check results they rest on (and the audit of their changes), never before. */
export async function writeVerdicts(
  wh: Warehouse,
  verdicts: readonly Verdict[],
  tickId: string,
  nowMs: number,
): Promise<void> {
  if (verdicts.length) await wh.execute('tick/merge_verdicts', {}, verdictRows(verdicts, tickId, nowMs));
}

export async function writeWatermarks(
  wh: Warehouse,
  marks: Readonly<Record<string, number>>,
  nowMs: number,
): Promise<void> {
  await wh.execute(
    'tick/merge_watermarks',
    {},
    {
      columns: [
        { name: 'name', type: 'STRING' },
        { name: 'value_ms', type: 'BIGINT' },
        { name: 'updated_at', type: 'TIMESTAMP' },
      ],
      rows: Object.entries(marks).map(([k, v]) => [k, v, nowMs]),
    },
  );
}

/** The tick's heartbeat row, with the rolling watermarks the next tick starts from. */
/** Every error a tick counted, of every kind. */
export function errorTotal(summary: Pick<TickSummary, 'errorsByKind'>): number {
  return Object.values(summary.errorsByKind).reduce((a, b) => a + b, 0);
}

export function tickRows(
  s: TickSummary,
  runsFromMs: number | null,
  eventLogFromMs: number | null,
  rollbackOpen = false,
): RowBatch {
  return {
    columns: [
      { name: 'tick_id', type: 'STRING' },
      { name: 'started_at', type: 'TIMESTAMP' },
      { name: 'duration_ms', type: 'DOUBLE' },
      { name: 'statements', type: 'BIGINT' },
      { name: 'history_reads', type: 'BIGINT' },
      { name: 'rest_calls', type: 'BIGINT' },
      { name: 'deployments_seen', type: 'BIGINT' },
      { name: 'new_runs', type: 'BIGINT' },
      { name: 'errors', type: 'BIGINT' },
      { name: 'summary', type: 'STRING' },
      { name: 'runs_from_ms', type: 'BIGINT' },
      { name: 'event_log_from_ms', type: 'BIGINT' },
      { name: 'rollback_open', type: 'BOOLEAN' },
      { name: 'audit_head_seq', type: 'BIGINT' },
      { name: 'audit_head_hash', type: 'STRING' },
      { name: 'errors_by_kind', type: 'STRING' },
      { name: 'unfinished', type: 'STRING' },
    ],
    rows: [
      [
        s.tickId,
        s.nowMs,
        s.durationMs,
        s.statements,
        s.historyReads,
        s.restCalls,
        s.deployments,
        s.newRuns,
        errorTotal(s),
        JSON.stringify(s.verdicts),
        runsFromMs,
        eventLogFromMs,
        rollbackOpen,
        s.auditHead?.seq ?? null,
        s.auditHead?.hash ?? null,
        JSON.stringify(s.errorsByKind),
        // What the budget left, judged first by the next tick (tick-budget.ts); NULL when nothing.
        s.unfinished?.length ? JSON.stringify(s.unfinished) : null,
      ],
    ],
  };
}
