// The numbers behind a check, before and after the deploy, drawn from the same run and commit
// evidence the tick judged: run durations for a job's or pipeline's duration and SLA checks, run
// outcomes for run health, rows written and the gaps between writes for a table. Pure.

import { DEFAULT_POLICY } from '../checks/policy.js';
import { medianGapMs, slotBaseline } from '../checks/slots.js';
import type { RunRecord, TableWrite } from '../types.js';

export interface CheckSeries {
  /** What the values measure, e.g. 'run minutes'. */
  readonly unit: string;
  /** The newest values before the deploy, oldest first. */
  readonly before: readonly number[];
  /** The values since the deploy, oldest first (up to the verdict's end or now). */
  readonly after: readonly number[];
  /** A level (drawn as a sparkline) or an outcome (1 failed, 0 passed; drawn as marks). */
  readonly kind: 'level' | 'outcome';
  /** Which runs before the deploy are drawn: the same-slot runs the level checks hold the first post-deploy run against, or simply the newest. */
  readonly beforeFrom: 'same slot' | 'newest';
}

/** How many of the newest pre-deploy values are drawn: enough to see the level, few enough for a line. */
export const BEFORE_POINTS = 24;
/** Post-deploy values drawn at most (the first ones: the deploy's effect shows there first). */
export const AFTER_POINTS = 24;

export interface SeriesWindow {
  readonly deployedMs: number;
  /** Where the post-deploy values end: when the check was last judged. */
  readonly endMs: number;
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * The values before and after the deploy. A level's values before are its same-slot runs (the
 * time of day and kind of day of the first post-deploy run, as the duration and row-count checks
 * take them), the newest of them; where the slot holds too few, the newest runs.
 */
function split<T>(
  items: readonly T[],
  at: (x: T) => number,
  value: (x: T) => number,
  w: SeriesWindow,
  slotted: boolean,
): Pick<CheckSeries, 'before' | 'after' | 'beforeFrom'> {
  const sorted = [...items].sort((a, b) => at(a) - at(b));
  const pre = sorted.filter((x) => at(x) < w.deployedMs).map((x) => ({ timestampMs: at(x), v: value(x) }));
  const after = sorted.filter((x) => at(x) >= w.deployedMs && at(x) <= w.endMs).slice(0, AFTER_POINTS);
  let before = pre;
  let from: CheckSeries['beforeFrom'] = 'newest';
  if (slotted && pre.length) {
    const anchor = after.length ? at(after[0]!) : w.deployedMs;
    const cadence = medianGapMs(pre.slice(-30).map((p) => p.timestampMs));
    const slot = slotBaseline(pre, anchor, cadence, DEFAULT_POLICY.minBaseline, (p) => p.v);
    if (slot.items.length >= DEFAULT_POLICY.minBaseline) {
      before = [...slot.items].sort((a, b) => a.timestampMs - b.timestampMs);
      from = 'same slot';
    }
  }
  return { before: before.slice(-BEFORE_POINTS).map((p) => p.v), after: after.map(value), beforeFrom: from };
}

/** Minutes each run of the subject took that ran to its end: succeeded, or stopped at its timeout (what the duration checks judge). */
export function durationSeries(runs: readonly RunRecord[], w: SeriesWindow): CheckSeries {
  const done = runs.filter((r) => r.endMs !== null && (r.result === 'SUCCESS' || r.result === 'TIMED_OUT'));
  const minutes = (r: RunRecord) => round((r.endMs! - r.startMs) / 60_000, 2);
  return { unit: 'run minutes', ...split(done, (r) => r.startMs, minutes, w, true), kind: 'level' };
}

/** 1 for a run that did not succeed, 0 for one that did. */
export function outcomeSeries(runs: readonly RunRecord[], w: SeriesWindow): CheckSeries {
  const done = runs.filter((r) => r.endMs !== null && r.result !== 'RUNNING');
  const failed = (r: RunRecord) => (r.result === 'SUCCESS' || r.result === 'SKIPPED' ? 0 : 1);
  return { unit: 'failed runs', ...split(done, (r) => r.startMs, failed, w, false), kind: 'outcome' };
}

/** Rows each write put into the table (writes that report none are left out). */
export function rowsSeries(writes: readonly TableWrite[], w: SeriesWindow): CheckSeries {
  const counted = writes.filter((x) => x.rows !== null);
  return {
    unit: 'rows written',
    ...split(
      counted,
      (x) => x.timestampMs,
      (x) => x.rows!,
      w,
      true,
    ),
    kind: 'level',
  };
}

/** Minutes between one write to the table and the next, each gap placed at the later write. */
export function gapSeries(writes: readonly TableWrite[], w: SeriesWindow): CheckSeries {
  const times = [...new Set(writes.map((x) => x.timestampMs))].sort((a, b) => a - b);
  const gaps = times.slice(1).map((t, i) => ({ t, minutes: round((t - times[i]!) / 60_000, 1) }));
  return {
    unit: 'minutes between writes',
    ...split(
      gaps,
      (g) => g.t,
      (g) => g.minutes,
      w,
      false,
    ),
    kind: 'level',
  };
}

const RUN_CHECKS: Readonly<Record<string, typeof durationSeries>> = {
  duration: durationSeries,
  sla: durationSeries,
  run_health: outcomeSeries,
};
const TABLE_CHECKS: Readonly<Record<string, typeof rowsSeries>> = {
  row_count: rowsSeries,
  freshness: gapSeries,
};

/** The series a check is drawn from, or null for checks whose evidence is not a series (config, expectations). */
export function seriesFor(
  check: string,
  subject: string,
  runsBySubject: ReadonlyMap<string, readonly RunRecord[]>,
  writesByTable: ReadonlyMap<string, readonly TableWrite[]>,
  w: SeriesWindow,
): CheckSeries | null {
  const colon = subject.indexOf(':');
  const kind = subject.slice(0, colon);
  const id = subject.slice(colon + 1);
  if ((kind === 'job' || kind === 'pipeline') && RUN_CHECKS[check])
    return RUN_CHECKS[check]!(runsBySubject.get(id) ?? [], w);
  if (kind === 'table' && TABLE_CHECKS[check]) return TABLE_CHECKS[check]!(writesByTable.get(id) ?? [], w);
  return null;
}
