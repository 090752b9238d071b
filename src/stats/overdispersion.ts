import { chiSquaredSf } from './chi-squared.js';
import { normalSf } from './normal.js';

/** Failed and checked record counts of the baseline runs, one entry per run. */
export interface BaselineRuns {
  readonly failed: readonly number[];
  readonly total: readonly number[];
}

export interface Overdispersion {
  /** Σ failed / Σ total. */
  readonly pooledRate: number;
  /** Pearson X² of the runs against one common rate. */
  readonly pearsonX2: number;
  readonly df: number;
  /** X²/df, unclamped; values far above 1 mean the runs are not one binomial rate. */
  readonly phi: number;
  /** P[χ²_df > X²]: the homogeneity test of the baseline runs. */
  readonly pHomogeneity: number;
}

export function overdispersion(runs: BaselineRuns): Overdispersion {
  const k = checkRuns(runs);
  const failed = sum(runs.failed);
  const total = sum(runs.total);
  const p0 = failed / total;
  let pearsonX2 = 0;
  for (let i = 0; i < k; i++) {
    const n = runs.total[i] ?? 0;
    const residual = (runs.failed[i] ?? 0) - n * p0;
    pearsonX2 += (residual * residual) / (n * p0 * (1 - p0));
  }
  const df = k - 1;
  return { pooledRate: p0, pearsonX2, df, phi: pearsonX2 / df, pHomogeneity: chiSquaredSf(pearsonX2, df) };
}

export interface QuasiBinomialResult {
  readonly z: number;
  /** One-sided p-value for "post rate is higher". */
  readonly pGreater: number;
}

/**
 * z_qb = (x1/n1 − p0) / √(φ·p0(1−p0)/n1 + p0(1−p0)/Σn_i) with φ clamped to ≥ 1:
 * the post run's binomial variance inflated by the baseline's dispersion, plus
 * the uncertainty of p0 itself. φ = 1 gives the naive binomial z.
 */
export function quasiBinomialZ(
  failedPost: number,
  totalPost: number,
  runs: BaselineRuns,
  phi: number,
): QuasiBinomialResult {
  checkRuns(runs);
  const p0 = sum(runs.failed) / sum(runs.total);
  const variance = p0 * (1 - p0);
  const z =
    (failedPost / totalPost - p0) / Math.sqrt((Math.max(phi, 1) * variance) / totalPost + variance / sum(runs.total));
  return { z, pGreater: normalSf(z) };
}

export function checkRuns(runs: BaselineRuns): number {
  const k = runs.failed.length;
  if (k !== runs.total.length) throw new RangeError(`failed (${k}) and total (${runs.total.length}) differ in length`);
  if (k < 2) throw new RangeError(`need at least 2 baseline runs, got ${k}`);
  return k;
}

function sum(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}
