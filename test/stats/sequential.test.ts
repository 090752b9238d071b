import { describe, expect, it } from 'vitest';
import {
  bernoulliSprtStep,
  gaussianLlrIncrement,
  kOfNFalseRollback,
  MSPRT_START,
  type MsprtState,
  msprtStep,
  predictionSigma,
  SPRT_START,
  type SprtState,
  sprtBoundaries,
  sprtStep,
} from '../../src/stats/index.js';
import { expectAllClose, expectClose, vector } from './vectors.js';

describe('Gaussian SPRT worked example (detection.md §2.5)', () => {
  const v = vector('sprt_gaussian_example');
  const residuals = v.inputNumbers('residuals');
  const alpha = v.inputNumber('alpha');
  const beta = v.inputNumber('beta');
  const rel = v.tolerance('rel');
  const sigma = predictionSigma(v.inputNumber('sigma_baseline'), v.inputNumber('n_baseline'));
  const drop = Math.log(0.8);
  const rise = Math.log(1.2);

  it('effective sigma and boundaries', () => {
    expectClose(sigma, v.resultNumber('outputs', 'sigma_eff'), { rel }, 'sigma_eff');
    const bounds = sprtBoundaries(alpha, beta);
    expectClose(bounds.upper, v.resultNumber('outputs', 'A'), { rel }, 'A');
    expectClose(bounds.lower, v.resultNumber('outputs', 'B'), { rel }, 'B');
  });

  it('cumulative log-likelihood ratios of both one-sided tests', () => {
    const cumulative = (delta: number): number[] => {
      let llr = 0;
      return residuals.map((r) => (llr += gaussianLlrIncrement(r, delta, sigma)));
    };
    expectAllClose(cumulative(drop), v.resultNumbers('outputs', 'llr_drop_cumulative'), { rel }, 'drop');
    expectAllClose(cumulative(rise), v.resultNumbers('outputs', 'llr_rise_cumulative'), { rel }, 'rise');
  });

  it('the drop test fails at run 3 and the rise test clears at run 1; decisions are final', () => {
    const run = (delta: number): SprtState[] => {
      const states: SprtState[] = [];
      residuals.reduce((s, r) => {
        const next = sprtStep(s, r, { delta, sigma, alpha, beta });
        states.push(next);
        return next;
      }, SPRT_START);
      return states;
    };
    const downs = run(drop);
    const decidedAt = downs.findIndex((s) => s.decision !== 'continue') + 1;
    expect(decidedAt).toBe(v.resultNumber('outputs', 'drop_decision_after_run'));
    expect(downs.map((s) => s.decision)).toEqual(['continue', 'continue', 'H1', 'H1']);
    expect(downs[3]).toEqual(downs[2]);
    expect(downs[2]?.looks).toBe(3);

    const ups = run(rise);
    expect(ups.map((s) => s.decision)).toEqual(['H0', 'H0', 'H0', 'H0']);
    expect(ups[3]?.looks).toBe(1);
  });

  it('mixture SPRT statistic and always-valid p-value (tau = |ln 0.8|)', () => {
    const states: MsprtState[] = [];
    residuals.reduce((s, r) => {
      const next = msprtStep(s, r, { sigma, tau: Math.abs(drop) });
      states.push(next);
      return next;
    }, MSPRT_START);
    expectAllClose(
      states.map((s) => s.lambda),
      v.resultNumbers('outputs', 'mSPRT_Lambda'),
      { rel },
      'Lambda',
    );
    expectAllClose(
      states.map((s) => Math.exp(s.logLambda)),
      states.map((s) => s.lambda),
      { rel: 1e-15 },
      'log form',
    );
    expectAllClose(
      states.map((s) => s.pValue),
      v.resultNumbers('outputs', 'mSPRT_always_valid_p'),
      { rel },
      'p',
    );
  });
});

describe('SPRT boundaries table', () => {
  const v = vector('sprt_boundaries');
  // No tolerance is stated; both sides are one math.log of the same ratio.
  const rel = 1e-14;

  it.each(Array.from({ length: v.rows('outputs') }, (_, i) => i))('row %i', (i) => {
    const b = sprtBoundaries(v.resultNumber('outputs', i, 'alpha'), v.resultNumber('outputs', i, 'beta'));
    expectClose(b.upper, v.resultNumber('outputs', i, 'upper_A_log'), { rel }, 'A');
    expectClose(b.lower, v.resultNumber('outputs', i, 'lower_B_log'), { rel }, 'B');
  });

  it('rejects error rates outside (0, 1)', () => {
    expect(() => sprtBoundaries(0, 0.1)).toThrow(RangeError);
    expect(() => sprtBoundaries(0.01, 1)).toThrow(RangeError);
  });
});

describe('k-of-n false rollback probability', () => {
  const v = vector('k_of_n_false_rollback');
  // No tolerance is stated; scipy binom.sf and the log-space tail agree to ~1e-15.
  const rel = 1e-12;

  it.each(Array.from({ length: v.rows('outputs') }, (_, i) => i))('row %i', (i) => {
    const a = v.resultNumber('outputs', i, 'per_check_false_alarm');
    const n = v.resultNumber('outputs', i, 'n_checks');
    const k = v.resultNumber('outputs', i, 'k_failures_needed');
    const p = kOfNFalseRollback(a, k, n);
    expectClose(p, v.resultNumber('outputs', i, 'false_rollback_prob'), { rel }, 'probability');
    expectClose(1000 * p, v.resultNumber('outputs', i, 'per_1000_healthy_deploys'), { rel }, 'per 1000');
  });
});

describe('Bernoulli SPRT', () => {
  const params = { p0: 0.02, p1: 0.06, alpha: 0.001, beta: 0.1 };

  it('adds ln(p1/p0) per bad run and ln((1-p1)/(1-p0)) per good run', () => {
    const bad = bernoulliSprtStep(SPRT_START, true, params);
    expectClose(bad.llr, Math.log(3), { rel: 1e-15 }, 'bad');
    const good = bernoulliSprtStep(bad, false, params);
    expectClose(good.llr, Math.log(3) + Math.log(0.94 / 0.98), { rel: 1e-15 }, 'good');
    expect(good.looks).toBe(2);
    expect(good.decision).toBe('continue');
  });

  it('declares H1 after enough bad runs and H0 after a long clean streak', () => {
    let s = SPRT_START;
    while (s.decision === 'continue') s = bernoulliSprtStep(s, true, params);
    expect(s.decision).toBe('H1');
    expect(s.looks).toBe(Math.ceil(Math.log(0.9 / 0.001) / Math.log(3)));

    let h = SPRT_START;
    while (h.decision === 'continue') h = bernoulliSprtStep(h, false, params);
    expect(h.decision).toBe('H0');
    expect(h.llr).toBeLessThanOrEqual(Math.log(0.1 / 0.999));
  });
});

describe('mixture SPRT', () => {
  it('never raises its always-valid p-value and stays finite under overwhelming evidence', () => {
    let s = MSPRT_START;
    let previous = 1;
    for (const r of [0.5, -0.4, 0.3, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5]) {
      s = msprtStep(s, r, { sigma: 0.01, tau: 0.1 });
      expect(s.pValue).toBeLessThanOrEqual(previous);
      previous = s.pValue;
    }
    expect(Number.isFinite(s.logLambda)).toBe(true);
    expect(s.lambda).toBe(Number.POSITIVE_INFINITY);
    expect(s.pValue).toBe(0);
  });
});
