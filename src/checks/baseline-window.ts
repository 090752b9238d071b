// How far back a baseline reaches. Same-slot baselines take one run per day of the same kind
// (weekday or weekend), so a fixed span holds far fewer weekend cycles than weekday ones: 28 days
// give 20 weekdays but only 8 weekend days, under the runs a rollback needs. Each kind of day
// reaches back whole weeks until it holds that many, never less than policy.baselineDays.

import type { Policy } from './policy.js';
import { isWeekend } from './slots.js';

const DAY = 86_400_000;

/** The two policy settings a baseline's reach depends on. */
export type BaselineSpan = Pick<Policy, 'baselineDays' | 'minBaselineForRollback'>;

export function lookbackDays(policy: BaselineSpan, weekend: boolean): number {
  const perWeek = weekend ? 2 : 5;
  return Math.max(policy.baselineDays, 7 * Math.ceil(policy.minBaselineForRollback / perWeek));
}

/** The baseline's two horizons before `fromMs`: the older one (weekends') and the weekdays'. */
export function baselineHorizons(fromMs: number, policy: BaselineSpan): Horizon {
  const weekend = lookbackDays(policy, true);
  const weekday = lookbackDays(policy, false);
  return { sinceMs: fromMs - Math.max(weekend, weekday) * DAY, weekdaySinceMs: fromMs - weekday * DAY };
}

/** Whether an observation at `ms` belongs to the baseline of a deploy at `fromMs`. */
export function inBaseline(ms: number, fromMs: number, policy: BaselineSpan): boolean {
  return ms < fromMs && ms >= fromMs - lookbackDays(policy, isWeekend(ms)) * DAY;
}

/** How far back a read reaches: weekend observations from sinceMs, the rest from weekdaySinceMs. */
export interface Horizon {
  readonly sinceMs: number;
  readonly weekdaySinceMs: number;
}

/** One horizon for every kind of day. */
export function flatHorizon(ms: number): Horizon {
  return { sinceMs: ms, weekdaySinceMs: ms };
}

export function withinHorizon(ms: number, h: Horizon): boolean {
  return ms >= h.weekdaySinceMs || (ms >= h.sinceMs && isWeekend(ms));
}
