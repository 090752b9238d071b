import { at } from './indexing.js';
import { normalSf } from './normal.js';
import { rank } from './ranks.js';
import { uSf } from './wilcoxon-distribution.js';

/** 'greater': x (post-deploy) is stochastically larger than y (baseline). */
export type Alternative = 'two-sided' | 'greater' | 'less';

export interface MannWhitneyStatistics {
  readonly n1: number;
  readonly n2: number;
  /** Rank sum of x in the pooled sample, average ranks for ties. */
  readonly rankSumX: number;
  readonly u1: number;
  readonly u2: number;
  /** n1·n2/2, the null mean of U. */
  readonly mu: number;
  readonly tieGroupSizes: readonly number[];
  readonly tieTerm: number;
  /** Tie-corrected null standard deviation of U. */
  readonly sigma: number;
}

export function mannWhitneyStatistics(x: readonly number[], y: readonly number[]): MannWhitneyStatistics {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('both samples must be non-empty');
  const { ranks, tieGroupSizes, tieTerm } = rank([...x, ...y]);
  let rankSumX = 0;
  for (let i = 0; i < n1; i++) rankSumX += at(ranks, i);
  const u1 = rankSumX - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  const total = n1 + n2;
  const sigma = Math.sqrt(((n1 * n2) / 12) * (total + 1 - tieTerm / (total * (total - 1))));
  return { n1, n2, rankSumX, u1, u2, mu: (n1 * n2) / 2, tieGroupSizes, tieTerm, sigma };
}

export interface MannWhitneyOptions {
  readonly alternative?: Alternative;
  /** Continuity correction of the normal approximation (scipy's default, true). */
  readonly continuity?: boolean;
  /**
   * 'exact' uses the null distribution of U and requires data without ties:
   * scipy truncates a non-integer U there, so with ties and small samples use a
   * permutation test instead.
   */
  readonly method?: 'asymptotic' | 'exact';
}

export interface MannWhitneyResult extends MannWhitneyStatistics {
  readonly alternative: Alternative;
  readonly method: 'asymptotic' | 'exact';
  /** The U the p-value is computed from: max(U1, U2), U1 or U2 by alternative. */
  readonly u: number;
  /** Normal deviate of the asymptotic test; NaN for the exact test. */
  readonly z: number;
  readonly pValue: number;
}

/** Mann-Whitney U test with scipy.stats.mannwhitneyu conventions. */
export function mannWhitneyTest(
  x: readonly number[],
  y: readonly number[],
  options: MannWhitneyOptions = {},
): MannWhitneyResult {
  const { alternative = 'two-sided', continuity = true, method = 'asymptotic' } = options;
  const stats = mannWhitneyStatistics(x, y);
  const u =
    alternative === 'two-sided' ? Math.max(stats.u1, stats.u2) : alternative === 'greater' ? stats.u1 : stats.u2;
  const sides = alternative === 'two-sided' ? 2 : 1;
  if (method === 'exact') {
    if (stats.tieTerm > 0) throw new RangeError('the exact Mann-Whitney p-value needs samples without ties');
    const pValue = Math.min(1, sides * uSf(u, stats.n1, stats.n2));
    return { ...stats, alternative, method, u, z: Number.NaN, pValue };
  }
  const z = (u - stats.mu - (continuity ? 0.5 : 0)) / stats.sigma;
  return { ...stats, alternative, method, u, z, pValue: Math.min(1, sides * normalSf(z)) };
}

export interface MinAttainableP {
  readonly exactOneSided: number;
  readonly exactTwoSided: number;
  readonly asymptoticOneSided: number;
  readonly asymptoticTwoSided: number;
}

/**
 * Smallest p-value a Mann-Whitney test can produce (complete separation, no ties).
 * A test that cannot reach alpha must not be allowed to decide (detection.md §2.4).
 */
export function minAttainableP(nBaseline: number, nPost: number): MinAttainableP {
  // 1/C(n + m, m) as a product of ratios, which never overflows.
  let exactOneSided = 1;
  for (let i = 1; i <= nPost; i++) exactOneSided *= i / (nBaseline + i);
  const mn = nBaseline * nPost;
  const sigma = Math.sqrt((mn * (nBaseline + nPost + 1)) / 12);
  const asymptoticOneSided = normalSf((mn / 2 - 0.5) / sigma);
  return {
    exactOneSided,
    exactTwoSided: Math.min(1, 2 * exactOneSided),
    asymptoticOneSided,
    asymptoticTwoSided: Math.min(1, 2 * asymptoticOneSided),
  };
}
