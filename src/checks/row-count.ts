// Row-count drift per target table: rows written by each post-deploy run against its baseline
// before the deploy (the same slot, or the runs that match on what the series follows), on the
// log scale. Zero rows against a non-zero baseline fails at once; otherwise two sequential tests
// decide, and a failure needs the pooled post-deploy ratio beyond the table's materiality.

import { mean, median, sampleStandardDeviation } from 'simple-statistics';
import { flooredScale, predictionThreshold } from '../stats/index.js';
import type { CheckResult, TableWrite } from '../types.js';
import { int, num, pct } from './format.js';
import { centreVariance, cleanedPoints, type NoisePoint, pooledNoise } from './history-noise.js';
import { kMaxFor, materialityFor, type Policy } from './policy.js';
import { pooledBaselineWorth } from './pooled-baseline.js';
import { checkResult } from './result.js';
import { type Residual, runSequential, steadyWithin } from './sequential.js';
import { type SeriesPattern, seriesPattern } from './series-pattern.js';
import { baselineWords, effectiveRuns, everyRun, medianGapMs, SlotIndex, type SlotScore } from './slots.js';
import { adjusted, weekdayLevels } from './weekday-levels.js';

export interface VolumeScore extends SlotScore {
  readonly write: TableWrite;
  /** Variance of the mean of k consecutive runs over that of k independent ones (see history-noise.ts). */
  readonly designEffect: (k: number) => number;
  /** Whether weekday levels learnt from the history were taken out (see weekday-levels.ts). */
  readonly weekdayAdjusted: boolean;
  /** What the series follows, by its history (see series-pattern.ts). */
  readonly pattern: SeriesPattern;
}

const y = (rows: number) => Math.log1p(rows);

/** A baseline's cleaned values on the log scale, with their mean and standard deviation. */
interface Summary {
  readonly points: readonly NoisePoint[];
  readonly mean: number;
  readonly sd: number;
}

const thresholds = new Map<string, number>();

/** predictionThreshold solves for a t quantile; the few (n, alpha) pairs in use are kept. */
function threshold(n: number, alpha: number): number {
  const key = `${n}:${alpha}`;
  let t = thresholds.get(key);
  if (t === undefined) {
    t = predictionThreshold(n, alpha);
    if (thresholds.size < 10_000) thresholds.set(key, t);
  }
  return t;
}

/** Scores each post-deploy write against its own baseline: its slot, or the runs that match on what the series follows. */
export function scoreWrites(
  baseline: readonly TableWrite[],
  post: readonly TableWrite[],
  policy: Policy,
): VolumeScore[] {
  const hist = baseline.filter((w) => w.rows !== null);
  const cadence = medianGapMs(hist.map((w) => w.timestampMs).sort((a, b) => a - b));
  const index = new SlotIndex(hist);
  const raw = hist.map((w) => ({ timestampMs: w.timestampMs, y: y(w.rows!) }));
  const pattern = seriesPattern(raw, cadence);
  const levels = weekdayLevels(raw, cadence, pattern);
  const level = (w: TableWrite) => adjusted(levels, w.timestampMs, y(w.rows!));
  const noise = pooledNoise(
    hist.map((w) => ({ timestampMs: w.timestampMs, y: level(w) })),
    cadence,
    pattern,
  );
  const pooled = noise.scale ?? 0;
  // A baseline of every run (or every run of a kind of day) is the same array for each post-deploy
  // write: summarised once.
  const summaries = new Map<readonly TableWrite[], Summary>();
  const summary = (items: readonly TableWrite[]): Summary => {
    const points = cleanedPoints(items.map((b) => ({ timestampMs: b.timestampMs, y: level(b) })));
    const values = points.map((p) => p.y);
    return {
      points,
      mean: values.length ? mean(values) : NaN,
      sd: values.length > 1 ? sampleStandardDeviation(values) : 0,
    };
  };
  return post
    .filter((w) => w.rows !== null)
    .map((w) => {
      const slot = index.baseline(w.timestampMs, cadence, policy.minBaseline, undefined, pattern);
      const every = everyRun(slot.kind);
      let s = every ? summaries.get(slot.items) : undefined;
      if (!s) {
        s = summary(slot.items);
        if (every) summaries.set(slot.items, s);
      }
      const runs = s.points.length;
      // The baseline's mean moved to this run's weekday level: what the run was expected to write.
      const center = s.mean + (y(w.rows!) - level(w));
      // A slot that happens to look calmer than the series as a whole does not make it so.
      const spread = flooredScale(Math.max(s.sd, pooled));
      const centre = every ? centreVariance(s.points, spread) : (spread * spread) / Math.max(runs, 1);
      const n = effectiveRuns(runs, spread, centre);
      const sigma = Math.sqrt(spread * spread + centre);
      const r = y(w.rows!) - center;
      return {
        write: w,
        baselineN: n,
        baselineRuns: runs,
        center,
        spread,
        sigma,
        r,
        t: r / sigma,
        threshold: n >= 2 ? threshold(n, policy.warnAlpha) : Infinity,
        slotKind: slot.kind,
        baselinePoints: s.points,
        baselineMean: s.mean,
        designEffect: noise.designEffect,
        weekdayAdjusted: levels.any,
        pattern,
      };
    });
}

export function checkRowCount(
  table: string,
  baseline: readonly TableWrite[],
  post: readonly TableWrite[],
  policy: Policy,
  nowMs: number,
  expected: boolean,
): CheckResult {
  const scores = scoreWrites(baseline, post, policy);
  const look = scores.length;
  const base = {
    check: 'row_count' as const,
    subject: `table:${table}`,
    look,
    critical: policy.critical.row_count,
    postN: look,
  };
  const baseRows = baseline.filter((w) => w.rows !== null).map((w) => w.rows!);
  const newest = post.reduce((m, w) => Math.max(m, w.timestampMs), 0);
  const evidence = { plane: post[0]?.plane ?? 'fast', evidenceAgeS: newest ? (nowMs - newest) / 1000 : null } as const;
  const suppressedBy = expected ? 'expected change' : null;

  if (look === 0) {
    return checkResult({
      ...base,
      status: 'INCONCLUSIVE',
      baselineN: baseRows.length,
      explanation: `no post-deploy write to ${table} yet; decides after the first run that writes it`,
    });
  }
  const zero = scores.find((s) => s.write.rows === 0);
  if (zero && baseRows.length > 0 && median(baseRows) > 0) {
    return checkResult({
      ...base,
      ...evidence,
      status: 'FAIL',
      observed: 0,
      baselineN: baseRows.length,
      baselineCenter: median(baseRows),
      suppressedBy,
      decidedAtMs: zero.write.timestampMs,
      explanation: `run ${zero.write.runId ?? '?'} wrote 0 rows to ${table}; before the deploy the median was ${int(median(baseRows))} rows per run`,
    });
  }
  // Runs whose own baseline is too thin (a weekend slot in a short history) are left out of the
  // test; the others decide. Which runs those are depends on the clock, never on their values.
  const scored = scores.filter((s) => s.baselineN >= policy.minBaseline);
  const last = scored[scored.length - 1] ?? scores[scores.length - 1]!;
  const stat = {
    observed: last.write.rows,
    baselineN: last.baselineN,
    baselineCenter: Math.expm1(last.center),
    baselineSpread: last.spread,
    statistic: last.t,
    threshold: last.threshold,
  };
  if (scored.length === 0) {
    return checkResult({
      ...base,
      ...evidence,
      ...stat,
      status: 'INCONCLUSIVE',
      explanation: `${last.baselineRuns > last.baselineN ? `the ${last.baselineRuns} earlier runs that wrote ${table} move together and are worth only ${last.baselineN} independent runs` : `only ${last.baselineN} earlier runs wrote ${table}`} (need ${policy.minBaseline}); not enough history to judge its volume`,
    });
  }
  const residuals: Residual[] = scored.map((s) => ({ r: s.r, sigma: s.sigma }));
  // k correlated runs weigh as much as k / DE(k) independent ones, DE the design effect the
  // history shows; widening every sigma by its root gives the likelihood ratio of k such runs.
  const widen = Math.sqrt(last.designEffect(residuals.length));
  const seq = runSequential(
    residuals.map((x) => ({ r: x.r, sigma: x.sigma * widen })),
    policy.deltaRel,
    policy.alpha,
    policy.beta,
  );
  const pooled = Math.exp(residuals.reduce((a, s) => a + s.r, 0) / residuals.length);
  // What the pooled test and ratio rest on: every baseline run the scored runs used.
  const decisionN = Math.max(last.baselineN, pooledBaselineWorth(scored));
  const effect = {
    ...stat,
    baselineN: decisionN,
    effect: pooled,
    statistic: seq.regression ? (seq.regression.direction === 'down' ? seq.llrDown : seq.llrUp) : last.t,
  };
  const cadence = medianGapMs(baseline.map((w) => w.timestampMs).sort((a, b) => a - b));
  const kMax = kMaxFor(policy, cadence);
  const slotWord = baselineWords(last, last.weekdayAdjusted ? 'weekday levels taken out' : '');
  const pooledWord =
    decisionN > last.baselineN ? ` (their baselines together worth ${decisionN} independent runs)` : '';

  const gate = materialityFor(policy, table);
  if (seq.regression && Math.abs(pooled - 1) >= gate) {
    const eligible = decisionN >= policy.minBaselineForRollback;
    return checkResult({
      ...base,
      ...evidence,
      ...effect,
      threshold: seq.upper,
      suppressedBy,
      status: eligible ? 'FAIL' : 'WARN',
      decidedAtMs: scored[seq.regression.look - 1]!.write.timestampMs,
      explanation: `rows written to ${table} are ${pct(pooled)} against ${slotWord} over ${residuals.length} post-deploy run(s)${pooledWord}; sequential test crossed its boundary (LLR ${num(effect.statistic!)} ≥ ${num(seq.upper)})${eligible ? '' : `; baseline under ${policy.minBaselineForRollback} runs, so no automatic rollback`}`,
    });
  }
  if (seq.clearedDown && seq.clearedUp) {
    return checkResult({
      ...base,
      ...evidence,
      ...effect,
      status: 'PASS',
      explanation: `rows written to ${table} (${int(last.write.rows!)} last run) are in line with ${slotWord}: ${pct(pooled)} over ${residuals.length} run(s)`,
    });
  }
  if (Math.abs(last.t) > last.threshold && Math.abs(Math.exp(last.r) - 1) >= policy.warnRel) {
    return checkResult({
      ...base,
      ...evidence,
      ...stat,
      effect: Math.exp(last.r),
      suppressedBy,
      status: 'WARN',
      decidedAtMs: last.write.timestampMs,
      explanation: `last run wrote ${int(last.write.rows!)} rows to ${table}, ${pct(Math.exp(last.r))} against ${slotWord} (score ${num(last.t)} beyond ${num(last.threshold)}); watching the next runs`,
    });
  }
  // The window has run its course: what the pooled shift shows, with its uncertainty, decides
  // whether the series is steady. The baseline's error is counted as shared by every run.
  const shift = {
    mean: Math.log(pooled),
    variance:
      (last.designEffect(residuals.length) * scored.reduce((a, s) => a + s.spread * s.spread, 0)) /
        residuals.length ** 2 +
      scored.reduce((a, s) => a + s.sigma * s.sigma - s.spread * s.spread, 0) / residuals.length,
  };
  if (look >= kMax && steadyWithin(shift, gate, policy.beta)) {
    return checkResult({
      ...base,
      ...evidence,
      ...effect,
      status: 'PASS',
      explanation: `rows written to ${table} (${int(last.write.rows!)} last run) are steady against ${slotWord}: ${pct(pooled)} over ${residuals.length} run(s), within ±${num(gate * 100)}% at the watch's end`,
    });
  }
  if (look >= kMax) {
    return checkResult({
      ...base,
      ...evidence,
      ...effect,
      status: 'INCONCLUSIVE',
      explanation: `after ${residuals.length} runs the volume of ${table} is neither clearly changed nor clearly steady (${pct(pooled)}); released from watch`,
    });
  }
  return checkResult({
    ...base,
    ...evidence,
    ...effect,
    status: 'INCONCLUSIVE',
    explanation: `rows written to ${table} are ${pct(pooled)} against ${slotWord}; not decided yet, re-check after run ${residuals.length + 1}`,
  });
}
