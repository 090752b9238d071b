import { mean, sampleVariance } from 'simple-statistics';
import { binomialUpperTail } from './binomial.js';
import { type DiscreteDistribution, upperTail } from './discrete-tail.js';
import { lnBeta } from './incomplete-beta.js';
import { logChoose } from './log-choose.js';
import { type BaselineRuns, checkRuns } from './overdispersion.js';

/** Floor on the between-run variance: below it the runs look binomial. */
export const MIN_BETWEEN_VARIANCE = 1e-12;

export interface BetaBinomialFit {
  readonly p0: number;
  /** Sample variance (n − 1) of the run failure rates. */
  readonly s2: number;
  /** Between-run variance of the rate, floored at MIN_BETWEEN_VARIANCE. */
  readonly vBetween: number;
  readonly a: number;
  readonly b: number;
  /** True when vBetween hit the floor: no overdispersion, the binomial applies. */
  readonly binomial: boolean;
}

/** Method-of-moments beta prior for the failure rate from the baseline runs (detection.md §5.2). */
export function fitBetaBinomial(runs: BaselineRuns): BetaBinomialFit {
  const k = checkRuns(runs);
  let failed = 0;
  let total = 0;
  const rates: number[] = [];
  const withinVariances: number[] = [];
  for (let i = 0; i < k; i++) {
    const f = runs.failed[i] ?? 0;
    const n = runs.total[i] ?? 0;
    failed += f;
    total += n;
    rates.push(f / n);
  }
  const p0 = failed / total;
  for (const n of runs.total) withinVariances.push((p0 * (1 - p0)) / n);
  const s2 = sampleVariance(rates);
  const excess = s2 - mean(withinVariances);
  const vBetween = Math.max(excess, MIN_BETWEEN_VARIANCE);
  const concentration = (p0 * (1 - p0)) / vBetween - 1;
  return {
    p0,
    s2,
    vBetween,
    a: p0 * concentration,
    b: (1 - p0) * concentration,
    binomial: !(excess > MIN_BETWEEN_VARIANCE),
  };
}

export function betaBinomialDistribution(n: number, a: number, b: number): DiscreteDistribution {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
  if (!(a > 0 && b > 0)) throw new RangeError(`a and b must be positive, got ${a} and ${b}`);
  return {
    lo: 0,
    hi: n,
    // (k + a)/(k + 1) and (n − k)/(n − k − 1 + b) are both non-increasing iff a, b ≥ 1.
    logConcave: a >= 1 && b >= 1,
    logPmf: (k) => logChoose(n, k) + lnBeta(k + a, n - k + b) - lnBeta(a, b),
    logRatio: (k) => Math.log(((n - k) * (k + a)) / ((k + 1) * (n - k - 1 + b))),
  };
}

/** P[X ≥ k] for X ~ BetaBinomial(n, a, b). */
export function betaBinomialUpperTail(k: number, n: number, a: number, b: number): number {
  return upperTail(betaBinomialDistribution(n, a, b), k);
}

/**
 * Predictive p-value of a post-deploy run: P[X ≥ failedPost] under the beta-binomial
 * fitted to the baseline. Without overdispersion the fit degenerates and the
 * plain binomial tail at p0 is used, as its limit.
 */
export function betaBinomialPredictiveP(failedPost: number, totalPost: number, fit: BetaBinomialFit): number {
  if (fit.binomial) return binomialUpperTail(failedPost, totalPost, fit.p0);
  return betaBinomialUpperTail(failedPost, totalPost, fit.a, fit.b);
}
