// Same-slot baselines: the runs before the deploy at the same time of day on the same kind of
// day (weekday or weekend), one per day, so seasonality is handled without a model and the
// sample counts independent cycles rather than correlated runs.

const MIN = 60_000;
const DAY = 86_400_000;

export interface Timed {
  readonly timestampMs: number;
}

function minuteOfDay(ms: number): number {
  return Math.floor((ms % DAY) / MIN);
}

/** Saturday or Sunday (UTC). Day 0 of the epoch was a Thursday; no Date objects in this hot path. */
function isWeekend(ms: number): boolean {
  const d = (((Math.floor(ms / DAY) + 4) % 7) + 7) % 7;
  return d === 0 || d === 6;
}

export function medianGapMs(sortedTimes: readonly number[]): number | null {
  if (sortedTimes.length < 2) return null;
  const gaps: number[] = [];
  for (let i = 1; i < sortedTimes.length; i++) gaps.push(sortedTimes[i]! - sortedTimes[i - 1]!);
  gaps.sort((a, b) => a - b);
  const m = gaps.length >> 1;
  return gaps.length % 2 ? gaps[m]! : (gaps[m - 1]! + gaps[m]!) / 2;
}

export type SlotKind = 'time-of-day, same day type' | 'time-of-day';

export interface SlotBaseline<T extends Timed> {
  readonly items: readonly T[];
  readonly kind: SlotKind;
}

/**
 * Picks the baseline for one post-deploy observation at `atMs` from `history` (all before the
 * deploy). Falls back from the same kind of day to any day
 * when a slot has fewer than `minN` cycles, and only when the two kinds of day look alike.
 */
export function slotBaseline<T extends Timed & { readonly rows?: number | null }>(history: readonly T[], atMs: number, cadenceMs: number | null, minN: number): SlotBaseline<T> {
  const tolMin = Math.max(5, Math.min(30, (cadenceMs ?? 3_600_000) / MIN / 2));
  const target = minuteOfDay(atMs);
  const weekend = isWeekend(atMs);
  const pickPerDay = (sameDayType: boolean): T[] => {
    const best = new Map<number, { item: T; dist: number }>();
    for (const item of history) {
      if (sameDayType && isWeekend(item.timestampMs) !== weekend) continue;
      const diff = Math.abs(minuteOfDay(item.timestampMs) - target);
      const dist = Math.min(diff, 1440 - diff);
      if (dist > tolMin) continue;
      // Attribute an observation near midnight to the day of the slot it matches.
      const day = Math.floor((item.timestampMs - (minuteOfDay(item.timestampMs) - target) * MIN) / DAY);
      const prev = best.get(day);
      if (!prev || dist < prev.dist) best.set(day, { item, dist });
    }
    return [...best.values()].map((b) => b.item).sort((a, b) => a.timestampMs - b.timestampMs);
  };
  const sameType = pickPerDay(true);
  if (sameType.length >= minN) return { items: sameType, kind: 'time-of-day, same day type' };
  // Mixing weekdays and weekends is only fair when they look alike at this time of day;
  // otherwise a thin slot stays thin and the check says it needs more history.
  const other = pickPerDay(false).filter((i) => isWeekend(i.timestampMs) !== weekend);
  if (sameType.length > 0 && other.length > 0 && similar(sameType, other) && sameType.length + other.length >= minN) {
    return { items: [...sameType, ...other].sort((a, b) => a.timestampMs - b.timestampMs), kind: 'time-of-day' };
  }
  return { items: sameType, kind: 'time-of-day, same day type' };
}

function medianOf(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Medians of the two groups' values within 10% of each other (values are rows written). */
function similar(a: ReadonlyArray<{ readonly rows?: number | null }>, b: ReadonlyArray<{ readonly rows?: number | null }>): boolean {
  const va = a.map((x) => x.rows ?? NaN).filter(Number.isFinite);
  const vb = b.map((x) => x.rows ?? NaN).filter(Number.isFinite);
  if (va.length === 0 || vb.length === 0) return false;
  const ma = medianOf(va);
  const mb = medianOf(vb);
  return Math.abs(Math.log1p(ma) - Math.log1p(mb)) < Math.log(1.1);
}
