import { describe, expect, it } from 'vitest';
import {
  predictionScore,
  predictionSigma,
  predictionThreshold,
  shifflerBound,
  tCdf,
  tQuantile,
  tSf,
} from '../../src/stats/index.js';
import { expectClose, vector } from './vectors.js';

describe('Student-t prediction thresholds', () => {
  const v = vector('small_sample_z_thresholds');
  const rel = v.tolerance('rel');
  const rows = Array.from({ length: v.rows('outputs') }, (_, i) => i);

  it.each(rows)('row %i matches scipy t.ppf(1-a/2, n-1)*sqrt(1+1/n)', (i) => {
    const n = v.resultNumber('outputs', i, 'n_baseline');
    expectClose(
      predictionThreshold(n, 0.01),
      v.resultNumber('outputs', i, 't_prediction_threshold_alpha_0.01'),
      { rel },
      `n=${n} a=0.01`,
    );
    expectClose(
      predictionThreshold(n, 0.001),
      v.resultNumber('outputs', i, 't_prediction_threshold_alpha_0.001'),
      { rel },
      `n=${n} a=0.001`,
    );
    expectClose(
      shifflerBound(n),
      v.resultNumber('outputs', i, 'max_abs_z_if_point_included_in_own_baseline_(n-1)/sqrt(n)'),
      { rel },
      `shiffler n=${n}`,
    );
  });
});

describe('Student-t distribution', () => {
  // Reference values from scipy.stats.t (1.17.1).
  it.each([
    [1, 0.975, 12.706204736174694],
    [2, 0.995, 9.924843200918287],
    [3, 0.9995, 12.923978636687961],
    [4.5, 0.99, 3.527050890626092],
    [30, 0.999999, 5.871117120408624],
    [1, 1e-10, -3183098861.8379064],
    [200, 0.995, 2.600634436191558],
  ])('quantile df=%s p=%s', (df, p, expected) => {
    expectClose(tQuantile(p, df), expected, { rel: 1e-10 }, `t.ppf(${p}, ${df})`);
  });

  it.each([
    [1, 1e6, 3.1830988618368455e-7],
    [5, 30, 3.8593243102480265e-7],
    [10, -2.5, 0.9842765778816955],
    [3, 0.001, 0.49963244748473046],
  ])('sf df=%s t=%s', (df, t, expected) => {
    expectClose(tSf(t, df), expected, { rel: 1e-11 }, `t.sf(${t}, ${df})`);
  });

  it('matches the closed forms for 1 and 2 degrees of freedom', () => {
    for (const p of [0.001, 0.1, 0.4, 0.6, 0.9, 0.999]) {
      expectClose(tQuantile(p, 1), Math.tan(Math.PI * (p - 0.5)), { rel: 1e-12 }, `cauchy ${p}`);
      expectClose(tQuantile(p, 2), (2 * p - 1) / Math.sqrt(2 * p * (1 - p)), { rel: 1e-12 }, `df2 ${p}`);
    }
  });

  it('inverts its cdf over a grid of p and df', () => {
    for (const df of [1, 3, 6, 13, 27, 59, 1000]) {
      for (const p of [1e-8, 0.0005, 0.005, 0.05, 0.3, 0.5, 0.7, 0.95, 0.995, 0.9995]) {
        expectClose(tCdf(tQuantile(p, df), df), p, { rel: 1e-12 }, `df=${df} p=${p}`);
      }
    }
  });

  it('approaches the normal distribution for large df', () => {
    expectClose(tQuantile(0.995, 1e7), 2.5758293035489004, { rel: 1e-6 }, 'df=1e7');
  });
});

describe('prediction score', () => {
  it('standardizes by s*sqrt(1+1/n) and honours a scale floor', () => {
    const baseline = [1, 2, 3, 4, 5];
    const s = Math.sqrt(2.5);
    expectClose(predictionScore(6, baseline), 3 / (s * Math.sqrt(1.2)), { rel: 1e-15 }, 'T');
    expectClose(predictionScore(3.1, [3, 3, 3], 0.02), 0.1 / predictionSigma(0.02, 3), { rel: 1e-12 }, 'floored');
    expect(predictionScore(3, [3, 3, 3])).toBeNaN();
  });
});
