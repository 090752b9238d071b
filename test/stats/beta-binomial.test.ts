import { describe, expect, it } from 'vitest';
import {
  type BaselineRuns,
  betaBinomialPredictiveP,
  betaBinomialUpperTail,
  fitBetaBinomial,
  overdispersion,
  quasiBinomialZ,
} from '../../src/stats/index.js';
import { expectClose, vector } from './vectors.js';

describe('overdispersion and quasi-binomial z', () => {
  const v = vector('overdispersion_quasibinomial');
  const runs: BaselineRuns = { failed: v.inputNumbers('baseline_failed'), total: v.inputNumbers('baseline_total') };
  const post = [v.inputNumber('post_failed'), v.inputNumber('post_total')] as const;
  const rel = v.tolerance('rel');

  it('Pearson X², phi and the homogeneity test of the baseline', () => {
    const o = overdispersion(runs);
    expectClose(o.pooledRate, v.resultNumber('outputs', 'p_baseline_pooled'), { rel }, 'p0');
    expectClose(o.pearsonX2, v.resultNumber('outputs', 'pearson_X2'), { rel }, 'X2');
    expect(o.df).toBe(v.resultNumber('outputs', 'df'));
    expectClose(o.phi, v.resultNumber('outputs', 'phi'), { rel }, 'phi');
    expectClose(o.pHomogeneity, v.resultNumber('outputs', 'p_chi2_homogeneity_baseline'), { rel }, 'p homogeneity');
  });

  it('naive (phi = 1) and quasi-binomial z with one-sided p-values', () => {
    const naive = quasiBinomialZ(post[0], post[1], runs, 1);
    expectClose(naive.z, v.resultNumber('outputs', 'z_naive_pooled'), { rel }, 'z naive');
    expectClose(naive.pGreater, v.resultNumber('outputs', 'p_naive_one_sided'), { rel }, 'p naive');
    const qb = quasiBinomialZ(post[0], post[1], runs, overdispersion(runs).phi);
    expectClose(qb.z, v.resultNumber('outputs', 'z_quasibinomial'), { rel }, 'z qb');
    expectClose(qb.pGreater, v.resultNumber('outputs', 'p_quasibinomial_one_sided'), { rel }, 'p qb');
  });

  it('never deflates the variance below binomial', () => {
    expect(quasiBinomialZ(post[0], post[1], runs, 0.2).z).toBe(quasiBinomialZ(post[0], post[1], runs, 1).z);
  });

  it('rejects mismatched or too few runs', () => {
    expect(() => overdispersion({ failed: [1, 2], total: [10] })).toThrow(RangeError);
    expect(() => overdispersion({ failed: [1], total: [10] })).toThrow(RangeError);
  });
});

describe('beta-binomial predictive p-value', () => {
  const v = vector('betabinomial_predictive');
  const runs: BaselineRuns = { failed: v.inputNumbers('baseline_failed'), total: v.inputNumbers('baseline_total') };
  const failedPost = v.inputNumber('post_failed');
  const totalPost = v.inputNumber('post_total');
  const rel = v.tolerance('rel');

  it('method-of-moments fit', () => {
    const fit = fitBetaBinomial(runs);
    expectClose(fit.p0, v.resultNumber('outputs', 'p0'), { rel }, 'p0');
    expectClose(fit.s2, v.resultNumber('outputs', 's2'), { rel }, 's2');
    expectClose(fit.vBetween, v.resultNumber('outputs', 'v_between'), { rel }, 'v_between');
    expectClose(fit.a, v.resultNumber('outputs', 'a'), { rel }, 'a');
    expectClose(fit.b, v.resultNumber('outputs', 'b'), { rel }, 'b');
    expect(fit.binomial).toBe(false);
  });

  it('predictive upper tail against the plain binomial', () => {
    const fit = fitBetaBinomial(runs);
    expectClose(
      betaBinomialPredictiveP(failedPost, totalPost, fit),
      v.resultNumber('outputs', 'p_betabinomial_greater_equal'),
      { rel },
      'bb',
    );
    expectClose(
      betaBinomialPredictiveP(failedPost, totalPost, { ...fit, binomial: true }),
      v.resultNumber('outputs', 'p_binomial_greater_equal'),
      { rel },
      'binomial',
    );
  });

  it('falls back to the binomial when the runs show no extra variance', () => {
    const fit = fitBetaBinomial({ failed: [100, 100, 100], total: [100_000, 100_000, 100_000] });
    expect(fit.binomial).toBe(true);
    expect(fit.vBetween).toBe(1e-12);
  });

  // scipy.stats.betabinom.sf(k - 1, n, a, b): a < 1 (J-shaped) and a, b < 1 (U-shaped) pmfs.
  it('handles pmfs that are not log-concave', () => {
    expectClose(betaBinomialUpperTail(10, 1000, 0.3, 50), 0.19645776247044056, { rel: 1e-9 }, 'a < 1');
    expectClose(betaBinomialUpperTail(500, 1000, 0.5, 0.5), 0.5003181507711085, { rel: 1e-9 }, 'U-shaped');
  });
});
