// A whole backfill: slices until no past deployment is left without a verdict, each slice timed.
// The bounds a backfill may reach are checked first, so a request the history cannot answer is
// refused before anything is judged.

import { lookbackDays } from '../checks/baseline-window.js';
import type { Policy } from '../checks/policy.js';
import type { Warehouse } from '../warehouse/port.js';
import { type BackfillDeps, backfillSlice, type PastJudgement } from './run-backfill.js';

const DAY = 86_400_000;
/** How long the system tables keep job and pipeline runs (system.lakeflow.*: 365 days). */
export const SYSTEM_RETENTION_DAYS = 365;

export interface SliceReport {
  readonly judged: number;
  readonly remaining: number;
  readonly firstReads: number;
  readonly ms: number;
}

export interface BackfillReport {
  readonly days: number;
  readonly judged: readonly PastJudgement[];
  readonly slices: readonly SliceReport[];
  /** Past deployments still without a verdict (a slice that judged none stops the run). */
  readonly remaining: number;
  readonly errors: readonly string[];
}

/** The most days a backfill may reach: the baselines of its oldest deployments within retention. */
export function maxBackfillDays(policy: Pick<Policy, 'baselineDays' | 'minBaselineForRollback'>): number {
  return SYSTEM_RETENTION_DAYS - Math.max(lookbackDays(policy, true), lookbackDays(policy, false));
}

/** Why `days` cannot be backfilled, or null. `oldestMs`: the oldest deployment recorded. */
export function backfillDaysProblem(
  days: number,
  nowMs: number,
  oldestMs: number | null,
  policy: Pick<Policy, 'baselineDays' | 'minBaselineForRollback'>,
): string | null {
  const max = maxBackfillDays(policy);
  if (days > max)
    return `--days ${days} reaches past the system tables' ${SYSTEM_RETENTION_DAYS}-day retention with its baselines; use --days ${max} or less`;
  if (oldestMs === null) return null;
  const held = Math.ceil((nowMs - oldestMs) / DAY);
  if (days > held)
    return `--days ${days} is more than the history holds: the oldest deployment recorded finished ${new Date(oldestMs).toISOString()}, ${held} days ago; use --days ${held} or less`;
  return null;
}

/** The oldest deployment recorded and how many there are. */
export async function deploymentSpan(
  wh: Warehouse,
  nowMs: number,
): Promise<{ oldestMs: number | null; count: number }> {
  const [r] = await wh.query('tick/deployments_span', { now_ms: nowMs });
  const oldest = r?.oldest_ms;
  return {
    oldestMs: oldest === null || oldest === undefined ? null : Number(oldest),
    count: Number(r?.deployments ?? 0),
  };
}

export async function runBackfill(
  deps: BackfillDeps,
  nowMs: number,
  days: number,
  onSlice?: (s: SliceReport, judgedSoFar: number, total: number) => void,
  wallClock: () => number = Date.now,
): Promise<BackfillReport> {
  const judged: PastJudgement[] = [];
  const slices: SliceReport[] = [];
  const errors = new Set<string>();
  let remaining = 0;
  for (;;) {
    const t0 = wallClock();
    const out = await backfillSlice(deps, nowMs, days);
    for (const e of out.errors) errors.add(`${e.subject}: ${e.message}`);
    remaining = out.remaining;
    if (out.judged.length === 0) break;
    judged.push(...out.judged);
    const slice = { judged: out.judged.length, remaining, firstReads: out.firstReads, ms: wallClock() - t0 };
    slices.push(slice);
    onSlice?.(slice, judged.length, judged.length + remaining);
    if (remaining === 0) break;
  }
  return { days, judged, slices, remaining, errors: [...errors] };
}

export { DAY as BACKFILL_DAY_MS };
