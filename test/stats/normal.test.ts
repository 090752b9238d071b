import { describe, expect, it } from 'vitest';
import { normalCdf, normalPdf, normalPpf, normalSf } from '../../src/stats/index.js';
import { expectAllClose, expectClose, vector } from './vectors.js';

describe('normal distribution', () => {
  const v = vector('normal_quantiles');
  const rel = v.tolerance('rel');

  it('ppf matches scipy.stats.norm.ppf', () => {
    const p = v.inputNumbers('p');
    expectAllClose(p.map(normalPpf), v.resultNumbers('outputs', 'ppf'), { rel }, 'ppf');
  });

  it('sf matches scipy.stats.norm.sf down to 1e-12', () => {
    const z = v.inputNumbers('z');
    expectAllClose(z.map(normalSf), v.resultNumbers('outputs', 'sf'), { rel }, 'sf');
  });

  it('inverts its own cdf across the whole range', () => {
    const grid = [
      1e-300, 1e-100, 1e-20, 1e-10, 1e-6, 1e-3, 0.01, 0.02425, 0.1, 0.3, 0.5, 0.7, 0.9, 0.97575, 0.99, 0.999,
    ];
    for (const p of grid) expectClose(normalCdf(normalPpf(p)), p, { rel: 1e-12 }, `cdf(ppf(${p}))`);
    for (const q of [1e-300, 1e-50, 1e-12, 1e-4])
      expectClose(normalSf(-normalPpf(q)), q, { rel: 1e-12 }, `sf at 1-${q}`);
  });

  it('is symmetric and continuous at the series/continued-fraction switch', () => {
    for (const z of [0, 0.5, 1.7, 2.4999999, 2.5, 2.5000001, 4]) {
      expectClose(normalSf(z) + normalCdf(z), 1, { abs: 1e-15 }, `sf+cdf at ${z}`);
      expect(normalSf(-z)).toBeCloseTo(normalCdf(z), 15);
    }
    expectClose(normalSf(2.5 - 1e-12), normalSf(2.5 + 1e-12), { rel: 1e-10 }, 'jump at 2.5');
    expect(normalSf(0)).toBe(0.5);
  });

  it('keeps relative precision where 1 - cdf would round to zero', () => {
    // Q(10) and Q(20) computed with mpmath at 30 digits.
    expectClose(normalSf(10), 7.61985302416053e-24, { rel: 1e-12 }, 'sf(10)');
    expectClose(normalSf(20), 2.75362411860623e-89, { rel: 1e-12 }, 'sf(20)');
    expect(normalSf(50)).toBe(0);
    expect(normalPdf(0)).toBeCloseTo(1 / Math.sqrt(2 * Math.PI), 15);
  });

  it('handles the ends of the domain', () => {
    expect(normalPpf(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalPpf(1)).toBe(Number.POSITIVE_INFINITY);
    expect(normalPpf(0.5)).toBe(0);
    expect(normalPpf(1.5)).toBeNaN();
    expect(normalSf(Number.NaN)).toBeNaN();
  });
});
