// Day-of-week levels of a sub-daily series. Same-slot baselines separate weekdays from weekends,
// but business volume also differs between weekdays (Monday catching up on the weekend, a quiet
// Friday). Pooled over Monday to Friday, such a day is noise the baseline does not model: it
// widens the spread, makes a day's runs deviate together, and biases every other weekday's centre.
// A pipeline that runs several times a day shows its weekday level in dozens of runs per day, so
// the level can be learnt from the history itself and taken out before scoring.

import { mean, sampleStandardDeviation } from 'simple-statistics';
import { bySlot, cleaned, type NoisePoint } from './history-noise.js';
import { FOLLOWS_BOTH, type Follows, weekdayOf } from './slots.js';

const DAY = 86_400_000;
/** Levels are learnt only for series that run at least this often (four runs a day). */
const MAX_CADENCE_MS = 6 * 3_600_000;
/** A day counts towards its weekday's level only with this many runs in it. */
const MIN_RUNS_PER_DAY = 4;
/** Weekdays need this many such days for a level. */
const MIN_DAYS = 3;
/** Levels are used only when one stands this many standard errors clear of zero. */
const MIN_T = 3;

export interface WeekdayLevels {
  /** Level of each weekday (0 = Sunday) against the series' slot means, on the judged scale; 0 where none was found. */
  readonly offsets: readonly number[];
  /** Whether any weekday has a level, i.e. whether values are adjusted at all. */
  readonly any: boolean;
}

export const NO_LEVELS: WeekdayLevels = { offsets: [0, 0, 0, 0, 0, 0, 0], any: false };

/**
 * Each weekday's mean deviation from the slot means (a slot: time of day and kind of day where
 * the series follows them, see slotKey), measured day by day so that a day's correlated runs count once. Levels
 * are learnt only when some weekday's days agree on its level clearly (t ≥ MIN_T over at least MIN_DAYS days).
 */
export function weekdayLevels(
  history: readonly NoisePoint[],
  cadenceMs: number | null,
  follows: Follows = FOLLOWS_BOTH,
): WeekdayLevels {
  if (cadenceMs === null || cadenceMs > MAX_CADENCE_MS) return NO_LEVELS;
  const slots = bySlot(history, cadenceMs, follows);
  const days = new Map<number, number[]>();
  for (const group of slots.values()) {
    if (group.length < 2) continue;
    const kept = cleaned(group.map((p) => p.y));
    const centre = mean(kept as number[]);
    // A run's deviation from a mean it is part of is short by 1/n; scaled back, it is its deviation from the others.
    const loo = kept.length > 1 ? kept.length / (kept.length - 1) : 1;
    for (const p of group) {
      const day = Math.floor(p.timestampMs / DAY);
      const d = (p.y - centre) * loo;
      const list = days.get(day);
      if (list) list.push(d);
      else days.set(day, [d]);
    }
  }
  const byWeekday: number[][] = [[], [], [], [], [], [], []];
  for (const [day, deviations] of days) {
    // Outlier fences keep one odd run (an outage, a backfill) from setting its day's level.
    if (deviations.length >= MIN_RUNS_PER_DAY)
      byWeekday[weekdayOf(day * DAY)]!.push(mean(cleaned(deviations) as number[]));
  }
  const clear = byWeekday.some((levels) => {
    if (levels.length < MIN_DAYS) return false;
    const se = sampleStandardDeviation(levels) / Math.sqrt(levels.length);
    return Math.abs(mean(levels)) >= MIN_T * se;
  });
  if (!clear) return NO_LEVELS;
  // Levels are deviations from slot means all weekdays share: once one weekday stands out, the
  // others sit off those means too (a busy Monday leaves the rest a little lower), so every
  // weekday keeps its level; dropping the small ones would bias their days by as much.
  const offsets = byWeekday.map((levels) => (levels.length < MIN_DAYS ? 0 : mean(levels)));
  return { offsets, any: true };
}

/** A value with its weekday's level taken out. */
export function adjusted(levels: WeekdayLevels, timestampMs: number, y: number): number {
  return levels.any ? y - levels.offsets[weekdayOf(timestampMs)]! : y;
}
