// Scores run durations on the log scale against same-slot baselines (detection spec §2.2-§2.4,
// §4), and folds runs into one value per cycle for the rank test: runs within one day share
// that day's conditions, so the independent observations are days, not runs.

import { mean, sampleStandardDeviation } from 'simple-statistics';
import { cleanBaseline, flooredScale, predictionSigma, predictionThreshold } from '../stats/index.js';
import type { RunRecord } from '../types.js';
import { pooledNoise } from './history-noise.js';
import type { Policy } from './policy.js';
import { isWeekend, type SlotScore, slotBaseline } from './slots.js';

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
  readonly values: readonly number[];
  readonly kind: string;
}

type SlotLookup = (atMs: number) => { readonly items: readonly TimedRun[]; readonly kind: string };

/**
 * Same-slot baselines from `history`, memoised by minute of day and kind of day: dense jobs ask
 * for the same slot thousands of times, and the answer depends on nothing else.
 */
function slotLookup(history: readonly TimedRun[], cadenceMs: number | null, policy: Policy): SlotLookup {
  const cache = new Map<string, { items: readonly TimedRun[]; kind: string }>();
  return (atMs) => {
    const key = `${Math.floor((atMs % DAY) / 60_000)}|${isWeekend(atMs)}`;
    let slot = cache.get(key);
    if (!slot) {
      const found = slotBaseline(history, atMs, cadenceMs, policy.minBaseline, (i) => i.seconds);
      slot = { items: found.items, kind: found.kind };
      cache.set(key, slot);
    }
    return slot;
  };
}

/** The same-slot baseline of a run starting at `atMs`, or the recent runs when the slot is thin. */
function baselineFor(
  history: readonly TimedRun[],
  slots: SlotLookup,
  atMs: number,
  policy: Policy,
  leaveOut: TimedRun | null = null,
): SlotSample {
  const slot = slots(atMs);
  const items = leaveOut ? slot.items.filter((i) => i !== leaveOut) : slot.items;
  const sameSlot = { values: items.map((i) => Math.log(i.seconds)), kind: `same-slot runs (${slot.kind})` };
  if (items.length >= policy.minBaseline) return sameSlot;
  const recent = history.filter((h) => h.timestampMs < atMs && h !== leaveOut).slice(-RECENT_RUNS);
  return recent.length > items.length
    ? { values: recent.map((i) => Math.log(i.seconds)), kind: 'recent runs (no usable slot)' }
    : sameSlot;
}

/** Centre and spread of a slot; the spread never under `pooled`, the series' own noise. */
function summarise(raw: readonly number[], pooled = 0): { n: number; center: number; spread: number } {
  const values = raw.length >= 4 ? cleanBaseline(raw).kept : raw;
  const n = values.length;
  return {
    n,
    center: n ? mean(values as number[]) : Number.NaN,
    spread: flooredScale(Math.max(n > 1 ? sampleStandardDeviation(values as number[]) : 0, pooled)),
  };
}

/** Scores each successful post-deploy run against its own slot. History: successful runs before the deploy. */
export function scoreDurations(
  history: readonly TimedRun[],
  post: readonly TimedRun[],
  cadenceMs: number | null,
  policy: Policy,
): DurationScore[] {
  const slots = slotLookup(history, cadenceMs, policy);
  // A slot that happens to look calmer than the series as a whole does not make it so.
  const pooled =
    pooledNoise(
      history.map((h) => ({ timestampMs: h.timestampMs, y: Math.log(h.seconds) })),
      cadenceMs,
    ).scale ?? 0;
  return post.map((item) => {
    const slot = baselineFor(history, slots, item.timestampMs, policy);
    const { n, center, spread } = summarise(slot.values, pooled);
    const sigma = predictionSigma(spread, Math.max(n, 1));
    const r = Math.log(item.seconds) - center;
    return {
      item,
      baselineN: n,
      center,
      spread,
      sigma,
      r,
      t: r / sigma,
      threshold: n >= 2 ? predictionThreshold(n, policy.warnAlpha) : Infinity,
      slotKind: slot.kind,
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
  cadenceMs: number | null,
  policy: Policy,
): Array<{ timestampMs: number; r: number }> {
  const slots = slotLookup(history, cadenceMs, policy);
  const out: Array<{ timestampMs: number; r: number }> = [];
  for (const item of history) {
    const { n, center } = summarise(baselineFor(history, slots, item.timestampMs, policy, item).values);
    if (n >= policy.minBaseline) out.push({ timestampMs: item.timestampMs, r: Math.log(item.seconds) - center });
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
