// Same-slot baselines: the runs before the deploy at the same time of day on the same kind of
// day (weekday or weekend), one per day, so seasonality is handled without a model and the
// sample counts independent cycles rather than correlated runs. A series that follows only one of
// the two, or neither (see series-pattern.ts), draws its baseline from the runs that match on
// what it follows: waiting for same-slot runs it does not need would leave it unjudged for weeks.

const MIN = 60_000;
const DAY = 86_400_000;

export interface Timed {
  readonly timestampMs: number;
}

function minuteOfDay(ms: number): number {
  return Math.floor((ms % DAY) / MIN);
}

/** Day of the week, 0 = Sunday (UTC). Day 0 of the epoch was a Thursday; no Date objects in this hot path. */
export function weekdayOf(ms: number): number {
  return (((Math.floor(ms / DAY) + 4) % 7) + 7) % 7;
}

/** Saturday or Sunday (UTC). */
export function isWeekend(ms: number): boolean {
  const d = weekdayOf(ms);
  return d === 0 || d === 6;
}

/**
 * When the next write of a series is due by its own cadence: its newest write plus the median gap
 * of its recent writes; null with fewer than two writes to go by.
 */
export function nextDueMs(sortedTimes: readonly number[]): number | null {
  const gap = medianGapMs(sortedTimes.slice(-30));
  return gap === null || gap <= 0 ? null : sortedTimes[sortedTimes.length - 1]! + gap;
}

export function medianGapMs(sortedTimes: readonly number[]): number | null {
  if (sortedTimes.length < 2) return null;
  const gaps = new Float64Array(sortedTimes.length - 1);
  for (let i = 1; i < sortedTimes.length; i++) gaps[i - 1] = sortedTimes[i]! - sortedTimes[i - 1]!;
  gaps.sort();
  const m = gaps.length >> 1;
  return gaps.length % 2 ? gaps[m]! : (gaps[m - 1]! + gaps[m]!) / 2;
}

/** What a series' level follows, learnt from its history (series-pattern.ts). */
export interface Follows {
  /** The time of day. */
  readonly hour: boolean;
  /** The kind of day: weekday or weekend. */
  readonly dayType: boolean;
}

/** Same slot, same kind of day: what a series is assumed to follow until its history says otherwise. */
export const FOLLOWS_BOTH: Follows = { hour: true, dayType: true };

export type SlotKind =
  | 'time-of-day, same day type'
  | 'time-of-day'
  | 'any time, same day type'
  | 'recent runs, no daily or weekly pattern';

/** Where a baseline came from: a kind of slot, or the recent runs standing in for a slot too thin to use. */
export type BaselineKind = SlotKind | 'recent runs, no usable slot';

/**
 * A baseline in words, for explanations: "20 same-slot runs (time-of-day, same day type)". A
 * baseline of consecutive runs says how many independent runs it is worth when that is fewer.
 */
export function baselineWords(score: Pick<SlotScore, 'baselineN' | 'baselineRuns' | 'slotKind'>, note = ''): string {
  const { baselineN: n, baselineRuns: runs, slotKind: kind } = score;
  const worth = runs > n ? `, worth ${n} independent runs` : '';
  const extra = `${note ? `, ${note}` : ''}${worth}`;
  if (kind === 'recent runs, no usable slot') return `${runs} recent runs (no usable slot${extra})`;
  if (kind === 'any time, same day type') return `${runs} runs on the same kind of day (no daily pattern${extra})`;
  if (kind === 'recent runs, no daily or weekly pattern')
    return `${runs} recent runs (no daily or weekly pattern${extra})`;
  return `${runs} same-slot runs (${kind}${extra})`;
}

/** How many independent runs a baseline of `runs` values is worth, given the variance of its mean. */
export function effectiveRuns(runs: number, spread: number, centreVariance: number): number {
  if (!(centreVariance > 0)) return runs;
  return Math.min(runs, Math.floor((spread * spread) / centreVariance + 1e-9));
}

/** Whether a baseline of this kind holds consecutive runs rather than one per day. */
export function everyRun(kind: BaselineKind): boolean {
  return kind !== 'time-of-day, same day type' && kind !== 'time-of-day';
}

export interface SlotBaseline<T extends Timed> {
  readonly items: readonly T[];
  readonly kind: SlotKind;
}

/** Rows written, for table writes: the default measure of whether two kinds of day look alike. */
function rowsOf(item: Timed): number | null {
  const rows = (item as { readonly rows?: unknown }).rows;
  return typeof rows === 'number' ? rows : null;
}

/**
 * The history of one series arranged by minute of day, so that each post-deploy observation
 * finds its slot by looking at the few minutes around it rather than at every run.
 */
/** One post-deploy observation on the log scale against its same-slot baseline. */
export interface SlotScore {
  /** Independent runs the baseline is worth: its runs, or fewer where consecutive runs move together. */
  readonly baselineN: number;
  /** Runs in the cleaned baseline. */
  readonly baselineRuns: number;
  /** Mean of the log values over the cleaned slot baseline. */
  readonly center: number;
  /** Floored standard deviation of the log values over the cleaned slot baseline. */
  readonly spread: number;
  /** Prediction sigma: spread widened for the baseline's own uncertainty. */
  readonly sigma: number;
  readonly r: number;
  readonly t: number;
  readonly threshold: number;
  readonly slotKind: BaselineKind;
  /** The cleaned baseline runs on the judged scale (weekday levels out), and their mean. */
  readonly baselinePoints: ReadonlyArray<{ readonly timestampMs: number; readonly y: number }>;
  readonly baselineMean: number;
}

export class SlotIndex<T extends Timed> {
  readonly items: readonly T[];
  readonly #minute: Int16Array;
  readonly #weekend: Uint8Array;
  /** History indices grouped by minute of day (in history order): minute m owns #order[#start[m] .. #start[m + 1]). */
  readonly #start = new Int32Array(1441);
  readonly #order: Int32Array;
  /** Every run of one kind of day (weekday, weekend), built on first use: one array each, so callers can key on it. */
  readonly #byKind: [T[] | null, T[] | null] = [null, null];

  constructor(history: readonly T[]) {
    this.items = history;
    const n = history.length;
    this.#minute = new Int16Array(n);
    this.#weekend = new Uint8Array(n);
    this.#order = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const ms = history[i]!.timestampMs;
      const m = minuteOfDay(ms);
      this.#minute[i] = m;
      this.#weekend[i] = isWeekend(ms) ? 1 : 0;
      this.#start[m + 1]!++;
    }
    for (let m = 0; m < 1440; m++) this.#start[m + 1]! += this.#start[m]!;
    const fill = this.#start.slice(0, 1440);
    for (let i = 0; i < n; i++) this.#order[fill[this.#minute[i]!]!++] = i;
  }

  /**
   * The baseline for one post-deploy observation at `atMs`: the runs before the deploy nearest
   * to its time of day, one per day. Falls back from the same kind of day to any day when a slot
   * has fewer than `minN` cycles, and only when the two kinds of day look alike.
   */
  baseline(
    atMs: number,
    cadenceMs: number | null,
    minN: number,
    measure: (item: T) => number | null = rowsOf,
    follows: Follows = FOLLOWS_BOTH,
  ): SlotBaseline<T> {
    if (!follows.hour) {
      // Every earlier run matches on the time of day; the kind of day still splits them when it matters.
      if (!follows.dayType) return { items: this.items, kind: 'recent runs, no daily or weekly pattern' };
      const kind = isWeekend(atMs) ? 1 : 0;
      let items = this.#byKind[kind];
      if (!items) {
        items = this.items.filter((_, i) => this.#weekend[i] === kind);
        this.#byKind[kind] = items;
      }
      return { items, kind: 'any time, same day type' };
    }
    const tolMin = slotTolerance(cadenceMs);
    const target = minuteOfDay(atMs);
    const weekend = isWeekend(atMs) ? 1 : 0;
    // Candidates in history order, so ties between equally near runs resolve as a full scan would.
    const candidates: number[] = [];
    const reach = Math.floor(tolMin);
    for (let o = -reach; o <= reach; o++) {
      const m = (target + o + 1440) % 1440;
      for (let k = this.#start[m]!; k < this.#start[m + 1]!; k++) candidates.push(this.#order[k]!);
    }
    candidates.sort((a, b) => a - b);
    const pickPerDay = (sameDayType: boolean): T[] => {
      const best = new Map<number, { item: T; dist: number }>();
      for (const i of candidates) {
        if (sameDayType && this.#weekend[i] !== weekend) continue;
        const item = this.items[i]!;
        const minute = this.#minute[i]!;
        const diff = Math.abs(minute - target);
        const dist = Math.min(diff, 1440 - diff);
        // Attribute an observation near midnight to the day of the slot it matches.
        const day = Math.floor((item.timestampMs - (minute - target) * MIN) / DAY);
        const prev = best.get(day);
        if (!prev || dist < prev.dist) best.set(day, { item, dist });
      }
      return [...best.values()].map((b) => b.item).sort((a, b) => a.timestampMs - b.timestampMs);
    };
    if (!follows.dayType) return { items: pickPerDay(false), kind: 'time-of-day' };
    const sameType = pickPerDay(true);
    if (sameType.length >= minN) return { items: sameType, kind: 'time-of-day, same day type' };
    // Mixing weekdays and weekends is only fair when they look alike at this time of day;
    // otherwise a thin slot stays thin and the check says it needs more history.
    const other = pickPerDay(false).filter((i) => isWeekend(i.timestampMs) !== (weekend === 1));
    if (
      sameType.length > 0 &&
      other.length > 0 &&
      similar(sameType.map(measure), other.map(measure)) &&
      sameType.length + other.length >= minN
    ) {
      return { items: [...sameType, ...other].sort((a, b) => a.timestampMs - b.timestampMs), kind: 'time-of-day' };
    }
    return { items: sameType, kind: 'time-of-day, same day type' };
  }
}

/**
 * Which slot an observation falls in, as a number: its kind of day and its stretch of the day,
 * as wide as the slot tolerance, each only where the series follows it. Observations with the
 * same key share a baseline.
 */
export function slotKey(ms: number, cadenceMs: number | null, follows: Follows = FOLLOWS_BOTH): number {
  const step = Math.max(1, Math.floor(slotTolerance(cadenceMs)));
  return (follows.dayType && isWeekend(ms) ? 10_000 : 0) + (follows.hour ? Math.floor(minuteOfDay(ms) / step) : 0);
}

function slotTolerance(cadenceMs: number | null): number {
  return Math.max(5, Math.min(30, (cadenceMs ?? 3_600_000) / MIN / 2));
}

/** One-off lookup; callers judging many observations against one history keep a SlotIndex. */
export function slotBaseline<T extends Timed>(
  history: readonly T[],
  atMs: number,
  cadenceMs: number | null,
  minN: number,
  measure: (item: T) => number | null = rowsOf,
  follows: Follows = FOLLOWS_BOTH,
): SlotBaseline<T> {
  return new SlotIndex(history).baseline(atMs, cadenceMs, minN, measure, follows);
}

function medianOf(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Medians of the two groups' values within 10% of each other, on the log scale. */
function similar(a: ReadonlyArray<number | null>, b: ReadonlyArray<number | null>): boolean {
  const va = a.filter((v): v is number => v !== null && Number.isFinite(v));
  const vb = b.filter((v): v is number => v !== null && Number.isFinite(v));
  if (va.length === 0 || vb.length === 0) return false;
  const ma = medianOf(va);
  const mb = medianOf(vb);
  return Math.abs(Math.log1p(ma) - Math.log1p(mb)) < Math.log(1.1);
}
