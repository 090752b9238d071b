import { binomialUpperTail } from './binomial.js';
import { chiSquaredSf } from './chi-squared.js';
import { logAddExp, relativeMass } from './discrete-tail.js';
import { hypergeometricDistribution } from './hypergeometric.js';
import { normalSf } from './normal.js';

/** Failure counts of the post-deploy runs against the baseline. */
export interface FailureCounts {
  readonly failedPost: number;
  readonly totalPost: number;
  readonly failedBaseline: number;
  readonly totalBaseline: number;
}

export interface PooledZResult {
  readonly pPost: number;
  readonly pBaseline: number;
  readonly pPooled: number;
  readonly z: number;
  /** One-sided p-value for "post rate is higher". */
  readonly pGreater: number;
  readonly pTwoSided: number;
}

/**
 * Pooled two-proportion z test (equal to the uncorrected χ² on the 2×2 table).
 * It treats every record as an independent trial; DQ failures are clustered, so
 * for decisions prefer the beta-binomial predictive p-value (detection.md §5.1).
 */
export function pooledTwoProportionZ(c: FailureCounts): PooledZResult {
  const pPost = c.failedPost / c.totalPost;
  const pBaseline = c.failedBaseline / c.totalBaseline;
  const pPooled = (c.failedPost + c.failedBaseline) / (c.totalPost + c.totalBaseline);
  const z = (pPost - pBaseline) / Math.sqrt(pPooled * (1 - pPooled) * (1 / c.totalPost + 1 / c.totalBaseline));
  return { pPost, pBaseline, pPooled, z, pGreater: normalSf(z), pTwoSided: Math.min(1, 2 * normalSf(Math.abs(z))) };
}

/** Unpooled (Wald) two-proportion z. */
export function waldTwoProportionZ(c: FailureCounts): number {
  const p1 = c.failedPost / c.totalPost;
  const p0 = c.failedBaseline / c.totalBaseline;
  return (p1 - p0) / Math.sqrt((p1 * (1 - p1)) / c.totalPost + (p0 * (1 - p0)) / c.totalBaseline);
}

export interface ChiSquaredResult {
  readonly statistic: number;
  readonly pValue: number;
}

/**
 * χ² test of independence on [[x1, n1 − x1], [x0, n0 − x0]]. With `yates`, each
 * |O − E| shrinks by min(½, |O − E|), as scipy.stats.chi2_contingency does.
 */
export function chiSquared2x2(c: FailureCounts, yates = false): ChiSquaredResult {
  const observed = [
    [c.failedPost, c.totalPost - c.failedPost],
    [c.failedBaseline, c.totalBaseline - c.failedBaseline],
  ] as const;
  const rowTotals = [c.totalPost, c.totalBaseline] as const;
  const total = c.totalPost + c.totalBaseline;
  const colTotals = [c.failedPost + c.failedBaseline, total - c.failedPost - c.failedBaseline] as const;
  let statistic = 0;
  for (const i of [0, 1] as const) {
    for (const j of [0, 1] as const) {
      const expected = (rowTotals[i] * colTotals[j]) / total;
      let diff = Math.abs(observed[i][j] - expected);
      if (yates) diff -= Math.min(0.5, diff);
      statistic += (diff * diff) / expected;
    }
  }
  return { statistic, pValue: chiSquaredSf(statistic, 1) };
}

export type FisherAlternative = 'greater' | 'less' | 'two-sided';

export interface FisherResult {
  /** Sample odds ratio (x1·(n0 − x0))/((n1 − x1)·x0); Infinity when a zero sits below it. */
  readonly oddsRatio: number;
  readonly pValue: number;
}

// Tables whose probability equals the observed one up to this factor count as
// "as extreme". R uses 1 + 1e−7; it absorbs rounding in the pmf ratios, which
// scipy's 1 + 1e−14 would not for tables that are equal in exact arithmetic.
const FISHER_RELATIVE_TOLERANCE = 1 + 1e-7;

/**
 * Fisher's exact test on [[x1, n1 − x1], [x0, n0 − x0]]: 'greater' tests a higher
 * failure rate after the deploy. Two-sided sums all tables no more probable than
 * the observed one, as scipy and R do.
 */
export function fisherExact(c: FailureCounts, alternative: FisherAlternative = 'two-sided'): FisherResult {
  const a = c.failedPost;
  const b = c.totalPost - c.failedPost;
  const cc = c.failedBaseline;
  const d = c.totalBaseline - c.failedBaseline;
  const failures = a + cc;
  const total = c.totalPost + c.totalBaseline;
  if (c.totalPost === 0 || c.totalBaseline === 0 || failures === 0 || failures === total) {
    return { oddsRatio: Number.NaN, pValue: 1 };
  }
  const oddsRatio = cc > 0 && b > 0 ? (a * d) / (b * cc) : Number.POSITIVE_INFINITY;
  const dist = hypergeometricDistribution(total, c.totalPost, failures);
  const mass = relativeMass(dist);
  const share = (logPart: number): number => Math.min(1, Math.exp(logPart - mass.logTotal));

  if (alternative === 'greater') return { oddsRatio, pValue: share(mass.logMass(a, dist.hi)) };
  if (alternative === 'less') return { oddsRatio, pValue: share(mass.logMass(dist.lo, a)) };

  const logObserved = mass.logWeight(a);
  const threshold = logObserved + Math.log(FISHER_RELATIVE_TOLERANCE);
  if (logObserved >= -Math.log(FISHER_RELATIVE_TOLERANCE)) return { oddsRatio, pValue: 1 };
  // Walk from the mode into the other tail until tables are as improbable as the observed one.
  let logOther: number;
  if (a > mass.mode) {
    let g = mass.mode;
    let w = 0;
    while (g > dist.lo && w > threshold) {
      w -= dist.logRatio(g - 1);
      g--;
    }
    logOther = w > threshold ? Number.NEGATIVE_INFINITY : mass.logMass(dist.lo, g);
    return { oddsRatio, pValue: share(logAddExp(mass.logMass(a, dist.hi), logOther)) };
  }
  let g = mass.mode;
  let w = 0;
  while (g < dist.hi && w > threshold) {
    w += dist.logRatio(g);
    g++;
  }
  logOther = w > threshold ? Number.NEGATIVE_INFINITY : mass.logMass(g, dist.hi);
  return { oddsRatio, pValue: share(logAddExp(mass.logMass(dist.lo, a), logOther)) };
}

/** Exact binomial test of the post failures against a fixed baseline rate: P[Binom(n1, p0) ≥ x1]. */
export function binomialTestGreater(failed: number, total: number, baselineRate: number): number {
  return binomialUpperTail(failed, total, baselineRate);
}
