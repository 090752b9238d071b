// Scores run durations on the log scale against their baselines (detection spec §2.2-§2.4, §4):
// the same slot, or the runs that match on what the series follows (series-pattern.ts), with
// weekday levels taken out as for volume. Folds runs into one value per cycle for the rank test:
// runs within one day share that day's conditions, so the independent observations are days.

import { mean, sampleStandardDeviation } from 'simple-statistics';
import { flooredScale, predictionThreshold } from '../stats/index.js';
import type { RunRecord } from '../types.js';
import { centreVariance, cleanedPoints, type HistoryNoise, pooledNoise } from './history-noise.js';
import type { Policy } from './policy.js';
import { type SeriesPattern, seriesPattern } from './series-pattern.js';
import { type BaselineKind, effectiveRuns, everyRun, SlotIndex, type SlotScore, slotKey } from './slots.js';
import { adjusted, type WeekdayLevels, weekdayLevels } from './weekday-levels.js';

const DAY = 86_400_000;
/** Runs this far apart or more are separate cycles on their own. */
const SUB_DAILY_BELOW_MS = 20 * 3_600_000;
/** Non-seasonal fallback baseline (spec §2.2 step 4). */
const RECENT_RUNS = 28;

export interface TimedRun {
  readonly timestampMs: number;
  readonly run: RunRecord;
  readonly seconds: number;
}

/** A run's ln(seconds) against its same-slot baseline. */
export interface DurationScore extends SlotScore {
  readonly item: TimedRun;
}

/** Seconds a finished run took; NaN when its times cannot give one. */
export function runSeconds(run: RunRecord): number {
  if (run.endMs === null || !Number.isFinite(run.startMs) || !Number.isFinite(run.endMs)) return Number.NaN;
  const s = (run.endMs - run.startMs) / 1000;
  return s > 0 ? s : Number.NaN;
}

export function timed(runs: readonly RunRecord[]): TimedRun[] {
  return runs
    .map((run) => ({ timestampMs: run.startMs, run, seconds: runSeconds(run) }))
    .sort((a, b) => a.timestampMs - b.timestampMs);
}

interface SlotSample {
  readonly items: readonly TimedRun[];
  readonly kind: BaselineKind;
}

/** What scoring a series needs beyond its runs: its pattern, weekday levels and noise, learnt once. */
export interface DurationModel {
  readonly cadenceMs: number | null;
  readonly pattern: SeriesPattern;
  readonly levels: WeekdayLevels;
  readonly noise: HistoryNoise;
  /** ln(seconds) of a run with its weekday's level taken out. */
  readonly level: (run: TimedRun) => number;
  readonly slots: (atMs: number) => SlotSample;
}

/** Learns a duration series' pattern, weekday levels and noise from its successful runs before the deploy. */
export function durationModel(history: readonly TimedRun[], cadenceMs: number | null, policy: Policy): DurationModel {
  const raw = history.map((h) => ({ timestampMs: h.timestampMs, y: Math.log(h.seconds) }));
  const pattern = seriesPattern(raw, cadenceMs);
  const levels = weekdayLevels(raw, cadenceMs, pattern);
  const level = (h: TimedRun) => adjusted(levels, h.timestampMs, Math.log(h.seconds));
  const noise = pooledNoise(
    history.map((h) => ({ timestampMs: h.timestampMs, y: level(h) })),
    cadenceMs,
    pattern,
  );
  // Dense jobs ask for the same slot thousands of times, and the answer depends on nothing else.
  const index = new SlotIndex(history);
  const cache = new Map<number, SlotSample>();
  const slots = (atMs: number) => {
    const key = slotKey(atMs, cadenceMs, pattern) * 1440 + Math.floor((atMs % DAY) / 60_000);
    let slot = cache.get(key);
    if (!slot) {
      slot = index.baseline(atMs, cadenceMs, policy.minBaseline, (i) => i.seconds, pattern);
      cache.set(key, slot);
    }
    return slot;
  };
  return { cadenceMs, pattern, levels, noise, level, slots };
}

/** The baseline of a run starting at `atMs`, or the recent runs when its slot is thin. */
function baselineFor(
  history: readonly TimedRun[],
  model: DurationModel,
  atMs: number,
  policy: Policy,
  leaveOut: TimedRun | null = null,
): SlotSample {
  const slot = model.slots(atMs);
  const items = leaveOut ? slot.items.filter((i) => i !== leaveOut) : slot.items;
  if (items.length >= policy.minBaseline) return { items, kind: slot.kind };
  const recent = history.filter((h) => h.timestampMs < atMs && h !== leaveOut).slice(-RECENT_RUNS);
  return recent.length > items.length
    ? { items: recent, kind: 'recent runs, no usable slot' }
    : { items, kind: slot.kind };
}

interface Summary {
  readonly n: number;
  readonly runs: number;
  readonly center: number;
  readonly spread: number;
  readonly sigma: number;
  /** The runs the cleaned baseline kept, and the sum of their values. */
  readonly kept: ReadonlySet<TimedRun>;
  readonly sum: number;
  readonly points: ReadonlyArray<{ readonly timestampMs: number; readonly y: number }>;
}

/** Centre, spread and prediction sigma of a baseline; the spread never under the series' own noise. */
function summarise(sample: SlotSample, model: DurationModel): Summary {
  const points = cleanedPoints(sample.items.map((i) => ({ timestampMs: i.timestampMs, y: model.level(i), run: i })));
  const values = points.map((p) => p.y);
  const runs = values.length;
  const pooled = model.noise.scale ?? 0;
  const spread = flooredScale(Math.max(runs > 1 ? sampleStandardDeviation(values) : 0, pooled));
  const centre = everyRun(sample.kind) ? centreVariance(points, spread) : (spread * spread) / Math.max(runs, 1);
  const sum = values.reduce((a, v) => a + v, 0);
  return {
    n: effectiveRuns(runs, spread, centre),
    runs,
    center: runs ? sum / runs : Number.NaN,
    spread,
    sigma: Math.sqrt(spread * spread + centre),
    kept: new Set(points.map((p) => p.run)),
    sum,
    points,
  };
}

/** Scores each successful post-deploy run against its own baseline. History: successful runs before the deploy. */
export function scoreDurations(
  history: readonly TimedRun[],
  post: readonly TimedRun[],
  model: DurationModel,
  policy: Policy,
): DurationScore[] {
  return post.map((item) => {
    const slot = baselineFor(history, model, item.timestampMs, policy);
    const { n, runs, center: mid, spread, sigma, points } = summarise(slot, model);
    // The baseline's mean moved to this run's weekday level: what the run was expected to take.
    const center = mid + (Math.log(item.seconds) - model.level(item));
    const r = Math.log(item.seconds) - center;
    return {
      item,
      baselineN: n,
      baselineRuns: runs,
      center,
      spread,
      sigma,
      r,
      t: r / sigma,
      threshold: n >= 2 ? predictionThreshold(n, policy.warnAlpha) : Infinity,
      slotKind: slot.kind,
      baselinePoints: points,
      baselineMean: mid,
    };
  });
}

export function isSubDaily(cadenceMs: number | null): boolean {
  return cadenceMs !== null && cadenceMs < SUB_DAILY_BELOW_MS;
}

/**
 * Residuals of the baseline runs against their own slot with themselves left out, so they are
 * comparable with the post-deploy residuals (which never sit in their own baseline).
 */
export function baselineResiduals(
  history: readonly TimedRun[],
  model: DurationModel,
  policy: Policy,
): Array<{ timestampMs: number; r: number }> {
  const out: Array<{ timestampMs: number; r: number }> = [];
  // A baseline of every run is one array for every run of the history: summarised once, each run
  // then left out of its sum, rather than every run summarising every other (quadratic).
  const whole = new Map<readonly TimedRun[], Summary>();
  for (const item of history) {
    const slot = model.slots(item.timestampMs);
    let n: number;
    let center: number;
    if (everyRun(slot.kind) && slot.items.length > policy.minBaseline) {
      let s = whole.get(slot.items);
      if (!s) {
        s = summarise(slot, model);
        whole.set(slot.items, s);
      }
      const own = s.kept.has(item);
      n = own ? Math.min(s.n, s.runs - 1) : s.n;
      center = own ? (s.sum - model.level(item)) / (s.runs - 1) : s.center;
    } else ({ n, center } = summarise(baselineFor(history, model, item.timestampMs, policy, item), model));
    if (n >= policy.minBaseline) out.push({ timestampMs: item.timestampMs, r: model.level(item) - center });
  }
  return out;
}

/** One value per cycle: each run for daily or slower jobs, the mean residual of each UTC day otherwise. */
export function perCycle(residuals: ReadonlyArray<{ timestampMs: number; r: number }>, subDaily: boolean): number[] {
  if (!subDaily) return residuals.map((x) => x.r);
  const days = new Map<number, number[]>();
  for (const x of residuals) {
    const d = Math.floor(x.timestampMs / DAY);
    const list = days.get(d) ?? [];
    list.push(x.r);
    days.set(d, list);
  }
  return [...days.keys()].sort((a, b) => a - b).map((d) => mean(days.get(d)!));
}
