import { describe, expect, it } from 'vitest';
import {
  cleanBaseline,
  flooredScale,
  iqrFences,
  MAD_SCALE,
  MIN_LOG_SCALE,
  mad,
  madNormal,
  median,
  modifiedZ,
  normalPpf,
  robustZ,
  sampleZ,
} from '../../src/stats/index.js';
import { expectClose, vector } from './vectors.js';

describe('robust z of a row count', () => {
  const v = vector('robust_z_rowcount');
  const baseline = v.inputNumbers('baseline');
  const x = v.inputNumber('x_post');
  const rel = v.tolerance('rel');

  it('median, MAD and its normal scaling', () => {
    expectClose(median(baseline), v.resultNumber('outputs', 'median'), { rel }, 'median');
    expectClose(mad(baseline), v.resultNumber('outputs', 'mad_unscaled'), { rel }, 'mad');
    expectClose(MAD_SCALE, v.resultNumber('outputs', 'mad_scale_factor'), { rel }, 'scale');
    expectClose(1 / normalPpf(0.75), MAD_SCALE, { rel: 1e-15 }, '1/ppf(0.75)');
    expectClose(madNormal(baseline), v.resultNumber('outputs', 'mad_normal'), { rel }, 'mad normal');
  });

  it('robust, log-scale robust, classic and modified z', () => {
    expectClose(robustZ(x, baseline), v.resultNumber('outputs', 'robust_z'), { rel }, 'robust z');
    expectClose(
      robustZ(Math.log(x), baseline.map(Math.log)),
      v.resultNumber('outputs', 'log_robust_z'),
      { rel },
      'log robust z',
    );
    expectClose(sampleZ(x, baseline), v.resultNumber('outputs', 'classic_z_sample_sd'), { rel }, 'classic z');
    expectClose(
      modifiedZ(x, baseline),
      v.resultNumber('outputs', 'modified_z_iglewicz_hoaglin_0.6745'),
      { rel },
      'modified z',
    );
  });
});

describe('scale floor', () => {
  it('keeps a constant baseline from producing infinite scores', () => {
    expect(robustZ(11, [10, 10, 10])).toBe(Number.POSITIVE_INFINITY);
    expectClose(
      robustZ(Math.log(1.04), [0, 0, 0], MIN_LOG_SCALE),
      Math.log(1.04) / Math.log(1.02),
      { rel: 1e-15 },
      'floored',
    );
    expect(flooredScale(0)).toBe(Math.log(1.02));
    expect(flooredScale(0.5)).toBe(0.5);
    expect(flooredScale(0.001, 0.01)).toBe(0.01);
  });
});

describe('IQR cleaning', () => {
  it('uses type-7 quartiles', () => {
    // numpy.percentile([1..10], [25, 75]) = 3.25, 7.75
    const f = iqrFences([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 3);
    expect(f).toEqual({ q1: 3.25, q3: 7.75, iqr: 4.5, lower: 3.25 - 13.5, upper: 7.75 + 13.5 });
  });

  it('drops a gross outlier', () => {
    const values = [10, 11, 10.5, 9.8, 10.2, 10.1, 9.9, 10.3, 10.4, 1000];
    const cleaned = cleanBaseline(values);
    expect(cleaned.dropped).toEqual([1000]);
    expect(cleaned.kept).toHaveLength(9);
  });

  it('drops up to 20 % of points, and keeps everything if more would go', () => {
    const base = [10, 10.1, 10.2, 10.3, 10.4, 10.5, 10.6, 10.7];
    expect(cleanBaseline([...base, 500, 600]).dropped).toEqual([500, 600]); // 2 of 10
    const kept = cleanBaseline([10, 10.1, 10.2, 10.3, 10.4, 10.5, 10.6, 10.7, 10.8, 10.9, 10.95, 11, 500, 600, 700]);
    expect(kept.dropped).toEqual([500, 600, 700]); // 3 of 15 = 20 %

    const spread = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const wouldDrop = cleanBaseline(spread, { factor: 0.1, maxDropFraction: 1 }).dropped;
    expect(wouldDrop.length / spread.length).toBeGreaterThan(0.2);
    const all = cleanBaseline(spread, { factor: 0.1 });
    expect(all.kept).toEqual(spread);
    expect(all.dropped).toEqual([]);
  });
});
