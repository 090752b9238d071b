// Whether a series follows the time of day, the kind of day (weekday or weekend), both or
// neither, learnt from its own history (detection spec §2.2 step 3: a pattern that explains less
// than a tenth of the variance is dropped, for a baseline with more points). Each is measured as
// the share of the residual variance it removes once the other is accounted for, so a series
// busy in the day and quiet at weekends follows both, and a flat one neither.
//
// The two errors are not alike. Taking noise for a pattern keeps the same-slot baseline the
// series had before: thinner, never wrong. Missing a pattern of less than a tenth of the variance
// leaves it in the noise, which history-noise.ts measures around the very centres the baseline
// then uses, so the checks see it as noise and correlation, not as an unmeasured bias.

import { cleanedPoints, type NoisePoint } from './history-noise.js';
import { FOLLOWS_BOTH, type Follows, isWeekend, slotKey } from './slots.js';

const DAY = 86_400_000;
/** A pattern that explains less than this share of the variance is left to the noise. */
export const MIN_PATTERN_SHARE = 0.1;
/** Residual degrees of freedom the full model needs before the history can tell anything. */
const MIN_DF = 10;
/** Days of each kind the history needs before the kind of day can be judged. */
const MIN_DAYS_PER_KIND = 2;

export interface SeriesPattern extends Follows {
  /** Share of the variance left by the kind of day that the time of day removes; null when the history cannot tell. */
  readonly hourShare: number | null;
  /** Share of the variance left by the time of day that the kind of day removes; null when the history cannot tell. */
  readonly dayTypeShare: number | null;
}

/** What a series is taken to follow until its history shows otherwise. */
export const ASSUMED_PATTERN: SeriesPattern = { ...FOLLOWS_BOTH, hourShare: null, dayTypeShare: null };

/** Mean square within groups: the residual variance of a model that gives each group its own mean. */
function withinMeanSquare(points: readonly NoisePoint[], key: (p: NoisePoint) => number): number {
  const groups = new Map<number, { sum: number; sq: number; n: number }>();
  for (const p of points) {
    const k = key(p);
    const g = groups.get(k);
    if (g) {
      g.sum += p.y;
      g.sq += p.y * p.y;
      g.n++;
    } else groups.set(k, { sum: p.y, sq: p.y * p.y, n: 1 });
  }
  let ss = 0;
  for (const g of groups.values()) ss += Math.max(0, g.sq - (g.sum * g.sum) / g.n);
  const df = points.length - groups.size;
  return df > 0 ? ss / df : Number.NaN;
}

/** 1 - full / reduced, clamped to [0, 1]: how much of the reduced model's residual variance the extra factor removes. */
function share(full: number, reduced: number): number {
  if (!(reduced > 0)) return 0;
  return Math.min(1, Math.max(0, 1 - full / reduced));
}

/**
 * The pattern of a series from its history, on the scale it is judged on. Outliers are dropped
 * within each same-slot group first, so one outage cannot hide a pattern or fake one.
 */
export function seriesPattern(history: readonly NoisePoint[], cadenceMs: number | null): SeriesPattern {
  const groups = new Map<number, NoisePoint[]>();
  for (const p of history) {
    const k = slotKey(p.timestampMs, cadenceMs);
    const list = groups.get(k);
    if (list) list.push(p);
    else groups.set(k, [p]);
  }
  const points = [...groups.values()].flatMap((g) => cleanedPoints(g));
  if (points.length - groups.size < MIN_DF) return ASSUMED_PATTERN;
  const stretch = (p: NoisePoint) => slotKey(p.timestampMs, cadenceMs, { hour: true, dayType: false });
  const kind = (p: NoisePoint) => (isWeekend(p.timestampMs) ? 1 : 0);
  const full = withinMeanSquare(points, (p) => slotKey(p.timestampMs, cadenceMs));
  const hourOnly = withinMeanSquare(points, stretch);
  const kindOnly = withinMeanSquare(points, kind);
  const stretches = new Set(points.map(stretch)).size;
  // A series that always runs at one time of day has its same slot in every run: nothing to learn.
  const hourShare = stretches < 2 ? null : share(full, kindOnly);
  const days = [new Set<number>(), new Set<number>()];
  for (const p of points) days[kind(p)]!.add(Math.floor(p.timestampMs / DAY));
  const judgeable = days.every((d) => d.size >= MIN_DAYS_PER_KIND);
  const dayTypeShare = judgeable ? share(full, hourOnly) : null;
  return {
    hour: hourShare === null || hourShare >= MIN_PATTERN_SHARE,
    dayType: dayTypeShare === null || dayTypeShare >= MIN_PATTERN_SHARE,
    hourShare,
    dayTypeShare,
  };
}
