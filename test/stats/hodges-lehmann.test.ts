import { describe, expect, it } from 'vitest';
import {
  brentRoot,
  hodgesLehmann,
  hodgesLehmannAsymptoticCi,
  hodgesLehmannCi,
  hodgesLehmannExactCi,
  kayentaShift,
  normalPpf,
  pairwiseDifferences,
} from '../../src/stats/index.js';
import { expectClose, vector } from './vectors.js';

// The vectors give no tolerance for the median itself; the same float subtractions
// and midpoint average are performed, so only rounding can differ.
const MEDIAN_ABS = 1e-12;

describe.each(['hl_durations_ties', 'hl_exact_small_no_ties', 'hl_kayenta_R_tieout'])(
  'Hodges-Lehmann vector %s',
  (id) => {
    const v = vector(id);
    const x = v.inputNumbers('x_post');
    const y = v.inputNumbers('y_baseline');
    const confLevel = v.inputNumber('conf_level');
    const kayenta = ['outputs', 'kayenta_R_asymptotic_style'] as const;

    it('median of pairwise differences', () => {
      expectClose(
        hodgesLehmann(x, y),
        v.resultNumber('outputs', 'hodges_lehmann_median_pairwise_diff'),
        { abs: MEDIAN_ABS },
        'HL',
      );
      expect(pairwiseDifferences(x, y)).toHaveLength(v.resultNumber('outputs', 'n_pairwise_diffs'));
    });

    it('Kayenta/R root-finding estimate and CI match scipy brentq (xtol 1e-4)', () => {
      const tol = v.resultNumber(...kayenta, 'tolerance_abs');
      expectClose(
        -normalPpf((1 - confLevel) / 2),
        v.resultNumber(...kayenta, 'z_quantile_used'),
        { rel: 1e-12 },
        'z quantile',
      );
      const shift = kayentaShift(x, y, confLevel);
      const solver = [...kayenta, 'brentq_xtol_1e-4'] as const;
      expectClose(shift.ciLow, v.resultNumber(...solver, 'ci_low'), { abs: tol }, 'ci_low');
      expectClose(shift.ciHigh, v.resultNumber(...solver, 'ci_high'), { abs: tol }, 'ci_high');
      expectClose(shift.estimate, v.resultNumber(...solver, 'estimate'), { abs: tol }, 'estimate');

      // Whatever the solver path, each answer must sit in the step function's exact root interval.
      const intervals = [...kayenta, 'exact_root_intervals'] as const;
      for (const [key, value] of [
        ['ci_low', shift.ciLow],
        ['ci_high', shift.ciHigh],
        ['estimate', shift.estimate],
      ] as const) {
        const [lo, hi] = v.resultNumbers(...intervals, key);
        expect(value, key).toBeGreaterThanOrEqual((lo ?? Number.NaN) - tol);
        expect(value, key).toBeLessThanOrEqual((hi ?? Number.NaN) + tol);
      }
    });
  },
);

describe('exact R-style confidence interval', () => {
  const v = vector('hl_exact_small_no_ties');
  const x = v.inputNumbers('x_post');
  const y = v.inputNumbers('y_baseline');

  it('uses order statistics qu and mn - qu + 1 of the differences', () => {
    const ci = hodgesLehmannExactCi(x, y, v.inputNumber('conf_level'));
    expectClose(ci.low, v.resultNumber('outputs', 'exact_ci_R_wilcox_style', 'ci_low'), { abs: MEDIAN_ABS }, 'low');
    expectClose(ci.high, v.resultNumber('outputs', 'exact_ci_R_wilcox_style', 'ci_high'), { abs: MEDIAN_ABS }, 'high');
    expect(ci.rank).toBe(v.resultNumber('outputs', 'exact_ci_R_wilcox_style', 'qu'));
    expectClose(
      ci.achievedConf,
      v.resultNumber('outputs', 'exact_ci_R_wilcox_style', 'achieved_conf'),
      { rel: 1e-12 },
      'achieved',
    );
    expect(hodgesLehmannCi(x, y, 0.95)).toEqual(ci);
  });

  it('is close to the asymptotic interval', () => {
    const exact = hodgesLehmannExactCi(x, y, 0.95);
    const asymptotic = hodgesLehmannAsymptoticCi(x, y, 0.95);
    expect(asymptotic.method).toBe('asymptotic');
    expect(Math.abs(asymptotic.rank - exact.rank)).toBeLessThanOrEqual(1);
  });
});

describe('Kayenta R tie-out constants', () => {
  const v = vector('hl_kayenta_R_tieout');
  const shift = kayentaShift(v.inputNumbers('x_post'), v.inputNumbers('y_baseline'), v.inputNumber('conf_level'));

  it('reproduces R to the precision Kayenta asserts (CI 1e-6, estimate 1e-4)', () => {
    expectClose(shift.ciLow, v.resultNumber('reference', 'R_ci_low'), { abs: 1e-6 }, 'R ci low');
    expectClose(shift.ciHigh, v.resultNumber('reference', 'R_ci_high'), { abs: 1e-6 }, 'R ci high');
    expectClose(shift.estimate, v.resultNumber('reference', 'R_estimate'), { abs: 1e-4 }, 'R estimate');
  });

  it('uses the asymptotic order-statistic CI with ties', () => {
    const ci = hodgesLehmannCi(v.inputNumbers('x_post'), v.inputNumbers('y_baseline'), 0.95);
    expect(ci.method).toBe('asymptotic');
    expect(ci.low).toBeLessThanOrEqual(-0.5);
    expect(ci.high).toBeGreaterThanOrEqual(-0.5);
  });
});

describe('Kayenta shift edge cases', () => {
  it('returns the exact difference for two constant samples', () => {
    expect(kayentaShift([5, 5, 5], [2, 2])).toEqual({ estimate: 3, ciLow: 3, ciHigh: 3 });
  });

  it('refuses empty samples and a confidence level outside (0, 1)', () => {
    expect(() => kayentaShift([], [1])).toThrow(RangeError);
    expect(() => kayentaShift([1], [2], 1)).toThrow(RangeError);
  });
});

describe('Brent root finder', () => {
  it('finds smooth roots to machine precision', () => {
    expectClose(
      brentRoot((t) => t * t - 2, 0, 2),
      Math.SQRT2,
      { rel: 1e-12 },
      'sqrt 2',
    );
    expectClose(brentRoot(Math.cos, 0, 3), Math.PI / 2, { rel: 1e-12 }, 'pi/2');
  });

  it('returns an endpoint that is already a root and rejects a bracket without a sign change', () => {
    expect(brentRoot((t) => t - 1, 1, 3)).toBe(1);
    expect(() => brentRoot((t) => t * t + 1, -1, 1)).toThrow(RangeError);
  });
});
