// A series' noise learnt from its whole history rather than from one slot (detection spec §2.2).
// One slot holds 8 to 20 runs, so its own standard deviation is often well under the true noise;
// a sequential test weighs each run by 1/sigma^2 and would then cross its boundary on ordinary
// noise. Pooled over every slot, hundreds of degrees of freedom pin it down. Real series also
// drift by the day: consecutive runs sit above or below their slot means together, and counting
// them as independent evidence overstates it.

import { mean } from 'simple-statistics';
import { cleanBaseline } from '../stats/index.js';
import { FOLLOWS_BOTH, type Follows, slotKey } from './slots.js';

export interface HistoryNoise {
  /** Run-to-run noise around the slot means, pooled over every slot; null without two runs in a slot. */
  readonly scale: number | null;
  /** Correlation of consecutive runs' deviations from their slot means (0 when not clearly positive). */
  readonly rho: number;
  /**
   * How many times the variance of the mean of k consecutive runs' deviations exceeds that of k
   * independent ones: 1 when consecutive runs are not clearly correlated.
   */
  designEffect(k: number): number;
}

/** One observation of the series, already on the scale it is judged on. */
export interface NoisePoint {
  readonly timestampMs: number;
  readonly y: number;
}

/** A sample with its outliers removed (IQR fences, spec §2.2) once it has enough values to tell. */
export function cleaned(raw: readonly number[]): readonly number[] {
  return raw.length >= 4 ? cleanBaseline(raw).kept : raw;
}

/** As cleaned, keeping the points rather than their values. */
export function cleanedPoints<P extends NoisePoint>(raw: readonly P[]): readonly P[] {
  if (raw.length < 4) return raw;
  const { dropped, fences } = cleanBaseline(raw.map((p) => p.y));
  return dropped.length ? raw.filter((p) => p.y >= fences.lower && p.y <= fences.upper) : raw;
}

/** The points grouped by slot (time of day and kind of day, each where the series follows it; see slotKey). */
export function bySlot(
  history: readonly NoisePoint[],
  cadence: number | null,
  follows: Follows = FOLLOWS_BOTH,
): Map<number, NoisePoint[]> {
  const slots = new Map<number, NoisePoint[]>();
  for (const p of history) {
    const k = slotKey(p.timestampMs, cadence, follows);
    const list = slots.get(k);
    if (list) list.push(p);
    else slots.set(k, [p]);
  }
  return slots;
}

/**
 * The series' noise around the centres its baselines use: the slot means where it follows the
 * time of day or the kind of day, the mean of every run where it follows neither. A pattern too
 * weak to split the baseline by is then part of the noise, and its runs' shared deviations part
 * of the correlation, rather than a bias nobody measured.
 */
export function pooledNoise(
  history: readonly NoisePoint[],
  cadence: number | null,
  follows: Follows = FOLLOWS_BOTH,
): HistoryNoise {
  const slots = bySlot(history, cadence, follows);
  let ss = 0;
  let df = 0;
  const deviations: Array<{ ms: number; d: number }> = [];
  for (const group of slots.values()) {
    const raw = group.map((p) => p.y);
    const values = cleaned(raw);
    if (values.length < 2) continue;
    const m = mean(values as number[]);
    for (const v of values) ss += (v - m) * (v - m);
    df += values.length - 1;
    for (const [i, p] of group.entries()) deviations.push({ ms: p.timestampMs, d: raw[i]! - m });
  }
  deviations.sort((a, b) => a.ms - b.ms);
  let cross = 0;
  let square = 0;
  let pairs = 0;
  for (let i = 0; i < deviations.length; i++) {
    square += deviations[i]!.d ** 2;
    const next = deviations[i + 1];
    if (next && cadence !== null && next.ms - deviations[i]!.ms <= 1.5 * cadence) {
      cross += deviations[i]!.d * next.d;
      pairs++;
    }
  }
  const r = square > 0 ? cross / square : 0;
  // Only a correlation clearly above chance (two standard errors) is taken into account.
  const rho = pairs > 0 && r > 2 / Math.sqrt(pairs) ? Math.min(r, 0.95) : 0;
  // A clearly positive correlation implies a non-zero mean square, which the measure divides by.
  const designEffect =
    rho === 0 ? () => 1 : measuredDesignEffect(deviations, cadence!, square / deviations.length, rho);
  return { scale: df > 0 ? Math.sqrt(ss / df) : null, rho, designEffect };
}

/** Stretches of history that hold at least this many k-run windows per k measure the design effect directly. */
const MIN_BLOCKS = 10;

/**
 * The design effect of k consecutive runs, read off the history: the mean square of the means of
 * every k consecutive deviations against the mean square of one deviation, over k. Taking lag-one
 * correlation as the correlation of every pair (1 + (k - 1) rho) overstates it for series whose
 * correlation fades with the lag (hourly traffic: 0.88 at one hour, 0.2 at six), and with it
 * hides a doubling for a whole day. Too short a history for k-run windows keeps that bound.
 */
function measuredDesignEffect(
  deviations: ReadonlyArray<{ ms: number; d: number }>,
  cadence: number,
  meanSquare: number,
  rho: number,
): (k: number) => number {
  // Prefix sums per stretch of consecutive runs (no gap over 1.5 cadences).
  const stretches: number[][] = [];
  let prefix: number[] = [];
  deviations.forEach((x, i) => {
    if (i === 0 || x.ms - deviations[i - 1]!.ms > 1.5 * cadence) {
      prefix = [0];
      stretches.push(prefix);
    }
    prefix.push(prefix[prefix.length - 1]! + x.d);
  });
  const cache = new Map<number, number>();
  return (k) => {
    if (k <= 1) return 1;
    let de = cache.get(k);
    if (de !== undefined) return de;
    let sum = 0;
    let windows = 0;
    for (const p of stretches) {
      for (let i = k; i < p.length; i++) {
        const m = (p[i]! - p[i - k]!) / k;
        sum += m * m;
        windows++;
      }
    }
    de = windows >= MIN_BLOCKS * k ? Math.max(1, sum / windows / (meanSquare / k)) : 1 + (k - 1) * rho;
    cache.set(k, de);
    return de;
  };
}

const DAY = 86_400_000;

/**
 * Variance of the mean of a baseline that holds every run rather than one per day: runs of one
 * day share its conditions, so the mean is only as certain as the days it spans (batch means,
 * one batch a UTC day), and never less than `spread`^2 / n. Fewer than three days cannot measure
 * it: each counts as one observation then.
 */
export function centreVariance(points: readonly NoisePoint[], spread: number): number {
  const n = points.length;
  if (n === 0) return Number.POSITIVE_INFINITY;
  const days = new Map<number, { sum: number; n: number }>();
  for (const p of points) {
    const d = Math.floor(p.timestampMs / DAY);
    const acc = days.get(d);
    if (acc) {
      acc.sum += p.y;
      acc.n++;
    } else days.set(d, { sum: p.y, n: 1 });
  }
  const independent = (spread * spread) / n;
  const k = days.size;
  if (k === n) return independent;
  if (k < 3) return (spread * spread) / k;
  const means = [...days.values()].map((a) => a.sum / a.n);
  const m = mean(means);
  const between = means.reduce((a, x) => a + (x - m) ** 2, 0) / (k - 1);
  return Math.max(independent, between / k);
}
