import { describe, expect, it } from 'vitest';
import {
  binomialLowerTail,
  binomialTestGreater,
  binomialUpperTail,
  chiSquared2x2,
  chiSquaredSf,
  type FailureCounts,
  fisherExact,
  hypergeometricLowerTail,
  hypergeometricUpperTail,
  pooledTwoProportionZ,
  waldTwoProportionZ,
} from '../../src/stats/index.js';
import { expectClose, vector } from './vectors.js';

describe.each(['twoprop_moderate', 'twoprop_large_n_tiny_delta', 'twoprop_small_counts_zero_baseline'])(
  'two-proportion vector %s',
  (id) => {
    const v = vector(id);
    const counts: FailureCounts = {
      failedPost: v.inputNumber('failed_post'),
      totalPost: v.inputNumber('total_post'),
      failedBaseline: v.inputNumber('failed_baseline'),
      totalBaseline: v.inputNumber('total_baseline'),
    };
    const stat = { rel: v.tolerance('statistic_rel') };
    const pv = { rel: v.tolerance('pvalue_rel') };
    const out = (key: string): number => v.resultNumber('outputs', key);

    it('pooled z and its p-values', () => {
      const r = pooledTwoProportionZ(counts);
      expectClose(r.pPost, out('p_post'), stat, 'p_post');
      expectClose(r.pBaseline, out('p_baseline'), stat, 'p_baseline');
      expectClose(r.pPooled, out('p_pooled'), stat, 'p_pooled');
      expectClose(r.z, out('z_pooled'), stat, 'z_pooled');
      expectClose(r.pTwoSided, out('p_two_sided_pooled'), pv, 'two-sided');
      expectClose(r.pGreater, out('p_one_sided_greater_pooled'), pv, 'greater');
    });

    it('Wald z', () => {
      expectClose(waldTwoProportionZ(counts), out('z_unpooled_wald'), stat, 'wald');
    });

    it('chi-squared with and without Yates', () => {
      const plain = chiSquared2x2(counts);
      const yates = chiSquared2x2(counts, true);
      expectClose(plain.statistic, out('chi2_no_yates'), stat, 'chi2');
      expectClose(plain.pValue, out('p_chi2_no_yates'), pv, 'p chi2');
      expectClose(yates.statistic, out('chi2_yates'), stat, 'chi2 yates');
      expectClose(yates.pValue, out('p_chi2_yates'), pv, 'p chi2 yates');
    });

    it('Fisher exact, one-sided and two-sided', () => {
      const greater = fisherExact(counts, 'greater');
      const two = fisherExact(counts, 'two-sided');
      const odds = v.result('outputs', 'fisher_odds_ratio');
      if (odds === 'inf') expect(greater.oddsRatio).toBe(Number.POSITIVE_INFINITY);
      else expectClose(greater.oddsRatio, out('fisher_odds_ratio'), stat, 'odds ratio');
      expectClose(greater.pValue, out('p_fisher_greater'), pv, 'fisher greater');
      expectClose(two.pValue, out('p_fisher_two_sided'), pv, 'fisher two-sided');
    });

    if (counts.failedBaseline > 0) {
      it('binomial test against the fixed baseline rate', () => {
        const p0 = counts.failedBaseline / counts.totalBaseline;
        expectClose(
          binomialTestGreater(counts.failedPost, counts.totalPost, p0),
          out('p_binomtest_post_vs_fixed_baseline_rate_greater'),
          pv,
          'binomtest',
        );
      });
    }
  },
);

// Reference values below are scipy.stats 1.17.1 unless marked mpmath (50 digits).
describe('Fisher exact beyond the vectors', () => {
  const table = (a: number, b: number, c: number, d: number): FailureCounts => ({
    failedPost: a,
    totalPost: a + b,
    failedBaseline: c,
    totalBaseline: c + d,
  });

  it('counts the mirror table of a symmetric design as equally extreme', () => {
    expectClose(fisherExact(table(3, 7, 7, 3)).pValue, 0.1788954079975752, { rel: 1e-12 }, '[[3,7],[7,3]]');
    expectClose(fisherExact(table(10, 0, 0, 10)).pValue, 1.082508822446903e-5, { rel: 1e-12 }, '[[10,0],[0,10]]');
  });

  it('handles the lower tail and a two-sided test observed below the mode', () => {
    expectClose(fisherExact(table(1, 99, 10, 90), 'less').pValue, 0.004829057971759167, { rel: 1e-12 }, 'less');
    expectClose(fisherExact(table(1, 99, 10, 90)).pValue, 0.009658115943518335, { rel: 1e-12 }, 'two-sided');
  });

  it('returns p = 1 for a table with an empty margin', () => {
    expect(fisherExact(table(0, 10, 0, 20)).pValue).toBe(1);
    expect(fisherExact(table(5, 5, 5, 5)).pValue).toBe(1);
  });

  it('stays exact at a billion records, where gammaln-based pmfs lose digits', () => {
    // P[X >= 1200], population 1.1e9, 1e8 post records, 11 000 failures (mpmath).
    expectClose(
      hypergeometricUpperTail(1200, 1_100_000_000, 100_000_000, 11_000),
      6.03746800987154e-11,
      { rel: 1e-10 },
      'huge',
    );
    expectClose(
      hypergeometricUpperTail(1150, 11_000_000, 1_000_000, 11_150),
      5.482569113755251e-6,
      { rel: 1e-10 },
      'vector table, mpmath',
    );
  });

  it('tails are complementary', () => {
    for (const k of [0, 3, 5, 8, 10]) {
      expectClose(
        hypergeometricUpperTail(k + 1, 40, 10, 15) + hypergeometricLowerTail(k, 40, 10, 15),
        1,
        { abs: 1e-14 },
        `k=${k}`,
      );
    }
  });
});

describe('binomial tails', () => {
  it('match scipy far into the upper tail', () => {
    expectClose(binomialUpperTail(190, 100_000, 0.00126), 6.526258325889405e-8, { rel: 1e-10 }, 'n=1e5');
    expectClose(binomialUpperTail(50, 100, 0.1), 5.832038785734386e-24, { rel: 1e-10 }, 'n=100');
  });

  it('are complementary and handle degenerate rates', () => {
    for (const k of [0, 1, 5, 10, 20]) {
      expectClose(binomialUpperTail(k + 1, 20, 0.3) + binomialLowerTail(k, 20, 0.3), 1, { abs: 1e-14 }, `k=${k}`);
    }
    expect(binomialUpperTail(0, 10, 0.2)).toBe(1);
    expect(binomialUpperTail(11, 10, 0.2)).toBe(0);
    expect(binomialUpperTail(1, 10, 0)).toBe(0);
    expect(binomialUpperTail(10, 10, 1)).toBe(1);
    expectClose(binomialUpperTail(10, 10, 0.5), 2 ** -10, { rel: 1e-14 }, 'all successes');
  });
});

describe('chi-squared survival function', () => {
  it.each([
    [3, 1, 0.08326451666355042],
    [100, 5, 5.285148360943219e-20],
    [0.5, 3, 0.9188914116546758],
    [250, 200, 0.009379131668826098],
  ])('chi2.sf(%s, %s)', (x, df, expected) => {
    expectClose(chiSquaredSf(x, df), expected, { rel: 1e-11 }, `sf(${x}, ${df})`);
  });
});
