import { describe, expect, it } from 'vitest';
import {
  betaQuantile,
  clopperPearsonInterval,
  clopperPearsonLower,
  clopperPearsonUpper,
  incompleteBeta,
} from '../../src/stats/index.js';
import { expectClose } from './vectors.js';

// References: scipy.stats.beta.ppf (1.17.1).
describe('Clopper-Pearson bounds', () => {
  it('0 false rollbacks in 3000 healthy deploys: 95 % upper bound ≈ 0.000998 (rule of three)', () => {
    const upper = clopperPearsonUpper(0, 3000, 0.95);
    expectClose(upper, 0.0009980790119965865, { rel: 1e-10 }, 'scipy');
    expectClose(upper, -Math.expm1(Math.log(0.05) / 3000), { rel: 1e-10 }, 'closed form');
    expect(upper).toBeLessThan(3 / 3000);
  });

  it('one-sided upper bound with events', () => {
    expectClose(clopperPearsonUpper(2, 600, 0.95), 0.010455489384196767, { rel: 1e-10 }, '2/600');
  });

  it('two-sided intervals', () => {
    const a = clopperPearsonInterval(3, 1000, 0.95);
    expectClose(a.low, 0.0006190999316495713, { rel: 1e-10 }, '3/1000 low');
    expectClose(a.high, 0.008742023238478303, { rel: 1e-10 }, '3/1000 high');
    const b = clopperPearsonInterval(10, 20, 0.95);
    expectClose(b.low, 0.27195784956079183, { rel: 1e-10 }, '10/20 low');
    expectClose(b.high, 0.7280421504392081, { rel: 1e-10 }, '10/20 high');
    expectClose(b.low + b.high, 1, { abs: 1e-12 }, 'symmetry');
  });

  it('handles the ends of the range and rejects bad counts', () => {
    expect(clopperPearsonLower(0, 50)).toBe(0);
    expect(clopperPearsonUpper(50, 50)).toBe(1);
    expectClose(clopperPearsonLower(50, 50, 0.95), 0.05 ** (1 / 50), { rel: 1e-10 }, 'all events');
    expect(() => clopperPearsonUpper(5, 4)).toThrow(RangeError);
    expect(() => clopperPearsonUpper(1.5, 4)).toThrow(RangeError);
    expect(() => clopperPearsonUpper(1, 4, 1)).toThrow(RangeError);
  });
});

describe('incomplete beta and its inverse', () => {
  it('matches closed forms', () => {
    for (const x of [0.001, 0.2, 0.5, 0.9]) {
      expectClose(incompleteBeta(x, 1, 1), x, { rel: 1e-14 }, `uniform ${x}`);
      expectClose(incompleteBeta(x, 2, 1), x * x, { rel: 1e-13 }, `x^2 ${x}`);
      expectClose(incompleteBeta(x, 1, 3), 1 - (1 - x) ** 3, { rel: 1e-13 }, `1-(1-x)^3 ${x}`);
    }
    expect(incompleteBeta(0, 2, 3)).toBe(0);
    expect(incompleteBeta(1, 2, 3)).toBe(1);
  });

  it('betaQuantile inverts incompleteBeta', () => {
    for (const [a, b] of [
      [0.5, 0.5],
      [1, 3000],
      [4, 997],
      [30, 0.5],
      [2, 2],
    ] as const) {
      for (const p of [1e-6, 0.025, 0.5, 0.975]) {
        expectClose(incompleteBeta(betaQuantile(p, a, b), a, b), p, { rel: 1e-9 }, `a=${a} b=${b} p=${p}`);
      }
    }
  });
});
