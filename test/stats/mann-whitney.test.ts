import { wilcoxonRankSum } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import {
  type Alternative,
  mannWhitneyStatistics,
  mannWhitneyTest,
  minAttainableP,
  rank,
  uCdf,
  uDistribution,
  uQuantile,
  uSf,
} from '../../src/stats/index.js';
import { expectClose, vector } from './vectors.js';

const ALTERNATIVES: readonly Alternative[] = ['two-sided', 'greater', 'less'];
// The vectors state tolerances for U1 and p; σ and z are statistics, held to 1e-12 (detection.md §9).
const STATISTIC_REL = 1e-12;

describe.each([
  'mwu_asym_ties_durations',
  'mwu_asym_heavy_ties_integers',
  'mwu_asym_ties_no_continuity',
  'mwu_exact_tiny_no_ties',
  'mwu_exact_small_overlap',
  'mwu_asym_kayenta_R_tieout',
])('Mann-Whitney vector %s', (id) => {
  const v = vector(id);
  const x = v.inputNumbers('x_post');
  const y = v.inputNumbers('y_baseline');
  const call = v.peek('scipy_call');
  const method = String(call).includes("method='exact'") ? 'exact' : 'asymptotic';
  const continuity = !String(call).includes('use_continuity=False');
  const pRel = v.tolerance('pvalue_rel');
  const uAbs = v.tolerance('U1_abs');

  it.each(ALTERNATIVES)('%s: U1 and p-value match scipy', (alternative) => {
    const r = mannWhitneyTest(x, y, { alternative, continuity, method });
    expectClose(r.u1, v.resultNumber('outputs', alternative, 'U1'), { abs: uAbs }, 'U1');
    expectClose(r.pValue, v.resultNumber('outputs', alternative, 'pvalue'), { rel: pRel }, 'p');
  });

  it('intermediate quantities match', () => {
    const s = mannWhitneyStatistics(x, y);
    expect(s.n1).toBe(v.resultNumber('intermediate', 'n1'));
    expect(s.n2).toBe(v.resultNumber('intermediate', 'n2'));
    expectClose(s.rankSumX, v.resultNumber('intermediate', 'R1_rank_sum_x'), { abs: uAbs }, 'R1');
    expectClose(wilcoxonRankSum(x, y), s.rankSumX, { abs: uAbs }, 'simple-statistics R1');
    expectClose(s.u1, v.resultNumber('intermediate', 'U1'), { abs: uAbs }, 'U1');
    expectClose(s.u2, v.resultNumber('intermediate', 'U2'), { abs: uAbs }, 'U2');
    expectClose(s.mu, v.resultNumber('intermediate', 'mu'), { abs: uAbs }, 'mu');
    expectClose(s.tieTerm, v.resultNumber('intermediate', 'tie_term_sum_t3_minus_t'), { abs: uAbs }, 'tie term');
    expectClose(s.sigma, v.resultNumber('intermediate', 'sigma_tie_corrected'), { rel: STATISTIC_REL }, 'sigma');
    expect(s.tieGroupSizes).toEqual(v.resultNumbers('intermediate', 'tie_group_sizes_gt1'));
  });

  if (method === 'asymptotic') {
    it('normal deviates match', () => {
      const two = mannWhitneyTest(x, y, { alternative: 'two-sided', continuity });
      const greater = mannWhitneyTest(x, y, { alternative: 'greater', continuity });
      expectClose(
        two.z,
        v.resultNumber('intermediate', 'z_two_sided_(Umax-mu-0.5)/sigma'),
        { rel: STATISTIC_REL },
        'z two-sided',
      );
      expectClose(
        greater.z,
        v.resultNumber('intermediate', 'z_greater_(U1-mu-0.5)/sigma'),
        { rel: STATISTIC_REL },
        'z greater',
      );
    });
  } else {
    it('exact p-values match the brute-force enumeration', () => {
      for (const alternative of ALTERNATIVES) {
        const r = mannWhitneyTest(x, y, { alternative, method: 'exact' });
        expectClose(r.pValue, v.resultNumber('bruteforce_enumeration_check', alternative), { rel: pRel }, alternative);
      }
    });
  }
});

describe('smallest attainable Mann-Whitney p-value', () => {
  const v = vector('mwu_min_attainable_p');
  // The table states no tolerance; exact values are ratios of integers, asymptotic ones go through normalSf.
  const rel = 1e-9;
  const rows = Array.from({ length: v.rows('outputs') }, (_, i) => i);

  it.each(rows)('row %i', (i) => {
    const nBase = v.resultNumber('outputs', i, 'n_baseline');
    const nPost = v.resultNumber('outputs', i, 'n_post');
    const m = minAttainableP(nBase, nPost);
    expectClose(m.exactOneSided, v.resultNumber('outputs', i, 'min_p_exact_one_sided'), { rel }, 'exact one-sided');
    expectClose(m.exactTwoSided, v.resultNumber('outputs', i, 'min_p_exact_two_sided'), { rel }, 'exact two-sided');
    expectClose(
      m.asymptoticOneSided,
      v.resultNumber('outputs', i, 'min_p_asymptotic_one_sided'),
      { rel },
      'asym one-sided',
    );
    expectClose(
      m.asymptoticTwoSided,
      v.resultNumber('outputs', i, 'min_p_asymptotic_two_sided'),
      { rel },
      'asym two-sided',
    );

    // The same numbers from the test itself on completely separated samples, as the scipy call does.
    const post = Array.from({ length: nPost }, (_, k) => nBase + 1 + k);
    const base = Array.from({ length: nBase }, (_, k) => 1 + k);
    expectClose(
      mannWhitneyTest(post, base, { alternative: 'greater', method: 'exact' }).pValue,
      m.exactOneSided,
      { rel },
      'via exact test',
    );
    expectClose(
      mannWhitneyTest(post, base, { alternative: 'two-sided' }).pValue,
      m.asymptoticTwoSided,
      { rel },
      'via asymptotic test',
    );
  });
});

describe('exact null distribution of U', () => {
  it('is a symmetric probability distribution with the right moments', () => {
    for (const [m, n] of [
      [1, 1],
      [3, 4],
      [5, 8],
      [7, 7],
      [2, 30],
    ] as const) {
      const d = Array.from(uDistribution(m, n));
      expect(d).toHaveLength(m * n + 1);
      expectClose(
        d.reduce((a, b) => a + b, 0),
        1,
        { abs: 1e-14 },
        'total',
      );
      for (const [u, p] of d.entries()) expectClose(p, d[m * n - u] ?? Number.NaN, { abs: 1e-16 }, `symmetry ${u}`);
      const variance = d.reduce((acc, p, u) => acc + p * (u - (m * n) / 2) ** 2, 0);
      expectClose(variance, (m * n * (m + n + 1)) / 12, { rel: 1e-12 }, 'variance');
    }
  });

  it('matches hand-counted small cases', () => {
    // m = 2, n = 2: the 6 arrangements give U = 0,1,2,2,3,4.
    expect(Array.from(uDistribution(2, 2)).map((p) => p * 6)).toEqual(
      [1, 1, 2, 1, 1].map((c) => expect.closeTo(c, 12)),
    );
    expectClose(uSf(4, 2, 2), 1 / 6, { rel: 1e-15 }, 'sf');
    expectClose(uCdf(1, 2, 2), 2 / 6, { rel: 1e-15 }, 'cdf');
  });

  it('quantile follows R qwilcox', () => {
    // qwilcox(0.025, 5, 8) = 7 (the hl_exact_small_no_ties vector's qu); symmetric upper quantile.
    expect(uQuantile(0.025, 5, 8)).toBe(7);
    expect(uQuantile(0.975, 5, 8)).toBe(33);
    expect(uQuantile(0, 5, 8)).toBe(0);
  });
});

describe('Mann-Whitney edge cases', () => {
  it('refuses the exact method with ties', () => {
    expect(() => mannWhitneyTest([1, 2, 2], [2, 3], { method: 'exact' })).toThrow(RangeError);
  });

  it('refuses empty samples', () => {
    expect(() => mannWhitneyStatistics([], [1])).toThrow(RangeError);
  });

  it('caps the two-sided p-value at 1 when U1 = U2', () => {
    expect(mannWhitneyTest([1, 4], [2, 3]).pValue).toBe(1);
  });

  it('ranks with averages for ties', () => {
    const r = rank([3, 1, 3, 2, 3]);
    expect(r.ranks).toEqual([4, 1, 4, 2, 4]);
    expect(r.tieGroupSizes).toEqual([3]);
    expect(r.tieTerm).toBe(24);
    expect(() => rank([1, Number.NaN])).toThrow(RangeError);
  });
});
