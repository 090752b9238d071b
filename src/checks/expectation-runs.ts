// Folds expectation records into one observation per rule and run, and says which records
// cannot be used. A DLT expectation can report once per dataset; a run fails a rule when any
// of its reports failed, and its counts are the sums.

import type { ExpectationRecord } from '../types.js';

export interface RuleRun {
  readonly runId: string;
  readonly timestampMs: number;
  readonly outcome: 'pass' | 'fail';
  /** Records checked and failed; null when the rule reports no counts on this run. */
  readonly total: number | null;
  readonly failed: number | null;
  readonly plane: ExpectationRecord['plane'];
}

export interface RuleHistory {
  readonly name: string;
  readonly severity: 'error' | 'warn';
  readonly source: 'dlt' | 'dbt';
  readonly runs: readonly RuleRun[];
  /** Records that could not be used, with the reason, for the explanation. */
  readonly malformed: ReadonlyArray<{ readonly runId: string; readonly reason: string }>;
}

const isCount = (v: number | null): v is number => v !== null && Number.isInteger(v) && v >= 0;

/** Why a record is unusable (the rule errored, or its counts are bad), or null when it is fine. */
export function malformedCounts(rec: ExpectationRecord): string | null {
  if (rec.error !== undefined) return rec.error;
  for (const [field, v] of [
    ['passed', rec.passed],
    ['failed', rec.failed],
  ] as const) {
    if (v !== null && !isCount(v)) return `${field} = ${String(v)}; counts must be whole numbers ≥ 0 or NULL`;
  }
  return null;
}

/** Groups records by rule, one RuleRun per run in time order. */
export function ruleHistories(records: readonly ExpectationRecord[]): RuleHistory[] {
  const byRule = new Map<string, ExpectationRecord[]>();
  for (const r of records) byRule.set(r.name, [...(byRule.get(r.name) ?? []), r]);
  return [...byRule.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, recs]) => {
      const malformed: Array<{ runId: string; reason: string }> = [];
      const byRun = new Map<string, ExpectationRecord[]>();
      for (const r of recs) {
        const why = malformedCounts(r);
        if (why) malformed.push({ runId: r.runId, reason: why });
        else byRun.set(r.runId, [...(byRun.get(r.runId) ?? []), r]);
      }
      const runs = [...byRun.entries()]
        .map(([runId, rs]) => fold(runId, rs))
        .sort((a, b) => a.timestampMs - b.timestampMs);
      // The strictest severity seen wins: a rule that can fail the build is treated as such.
      const severity = recs.some((r) => r.severity === 'error') ? 'error' : 'warn';
      return { name, severity, source: recs[recs.length - 1]!.source, runs, malformed };
    });
}

function fold(runId: string, rs: readonly ExpectationRecord[]): RuleRun {
  const counted = rs.every((r) => r.passed !== null && r.failed !== null);
  const failed = counted ? rs.reduce((a, r) => a + r.failed!, 0) : null;
  const total = counted ? rs.reduce((a, r) => a + r.passed! + r.failed!, 0) : null;
  return {
    runId,
    timestampMs: Math.max(...rs.map((r) => r.timestampMs)),
    outcome: rs.some((r) => r.outcome === 'fail') ? 'fail' : 'pass',
    total,
    failed,
    plane: rs[rs.length - 1]!.plane,
  };
}
