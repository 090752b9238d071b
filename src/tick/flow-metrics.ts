// Data-quality and backlog figures a Lakeflow flow reports with each flow_progress event. They
// are cached with the flow's commit (table_commits) so baselines need no second read of the log.

import type { BacklogSample, ExpectationRecord, TableWrite } from '../types.js';

export interface FlowMetrics {
  /** The event's data_quality.expectations array, as JSON text. */
  readonly expectationsJson: string | null;
  readonly backlogRecords: number | null;
  readonly backlogSeconds: number | null;
}

/** A commit with the flow metrics that came with it (null for commits read from Delta history). */
export type FlowCommit = TableWrite & { readonly metrics: FlowMetrics | null };

const num = (v: unknown): number | null => {
  if (v === null || v === undefined || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
};

export function flowMetricsOf(expectations: unknown, backlogRecords: unknown, backlogSeconds: unknown): FlowMetrics {
  return {
    expectationsJson: typeof expectations === 'string' && expectations !== '' ? expectations : null,
    backlogRecords: num(backlogRecords),
    backlogSeconds: num(backlogSeconds),
  };
}

/**
 * Expectation records of one flow commit. A malformed entry is skipped rather than guessed at:
 * the check then has fewer runs and says so, which is better than a made-up count.
 */
export function expectationsOf(c: FlowCommit): ExpectationRecord[] {
  if (!c.metrics?.expectationsJson || c.runId === null) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(c.metrics.expectationsJson);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  const out: ExpectationRecord[] = [];
  for (const e of parsed as Array<Record<string, unknown>>) {
    const passed = num(e?.passed_records);
    const failed = num(e?.failed_records);
    if (typeof e?.name !== 'string' || passed === null || failed === null || passed < 0 || failed < 0) continue;
    out.push({
      subjectId: c.subjectId,
      runId: c.runId,
      timestampMs: c.timestampMs,
      name: e.name,
      dataset: typeof e.dataset === 'string' ? e.dataset : null,
      // The event log does not say which expectations fail the update; a failed update shows in run health.
      severity: 'warn',
      passed,
      failed,
      outcome: failed > 0 ? 'fail' : 'pass',
      source: 'dlt',
      plane: c.plane,
    });
  }
  return out;
}

export function backlogOf(c: FlowCommit): BacklogSample | null {
  if (!c.metrics || (c.metrics.backlogRecords === null && c.metrics.backlogSeconds === null)) return null;
  return {
    subjectId: c.subjectId,
    flow: c.table.split('.').pop()!,
    timestampMs: c.timestampMs,
    runId: c.runId,
    backlogRecords: c.metrics.backlogRecords,
    backlogSeconds: c.metrics.backlogSeconds,
    plane: c.plane,
  };
}
