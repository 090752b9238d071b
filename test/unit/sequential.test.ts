import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runSequential, steadyWithin } from '../../src/checks/sequential.js';
import { predictionSigma } from '../../src/stats/index.js';

interface Vector {
  id: string;
  inputs: Record<string, number | number[]>;
  outputs: Record<string, number | number[]>;
}
const vectors = (
  JSON.parse(readFileSync(new URL('../fixtures/stat-vectors.json', import.meta.url), 'utf8')) as { vectors: Vector[] }
).vectors;
const v = vectors.find((x) => x.id === 'sprt_gaussian_example')!;
const residuals = v.inputs.residuals as number[];
const sigma = predictionSigma(v.inputs.sigma_baseline as number, v.inputs.n_baseline as number);
const res = (k: number) => residuals.slice(0, k).map((r) => ({ r, sigma }));

describe('two one-sided sequential tests (worked example, detection.md §2.5)', () => {
  it('fails the drop test at run 3 and clears the rise test after run 1', () => {
    const out = runSequential(res(3), 0.2, v.inputs.alpha as number, v.inputs.beta as number);
    expect(out.regression).toEqual({ direction: 'down', look: v.outputs.drop_decision_after_run });
    expect(out.llrDown).toBeCloseTo((v.outputs.llr_drop_cumulative as number[])[2]!, 9);
    expect(out.clearedUp).toBe(true);
    expect(out.llrUp).toBeCloseTo((v.outputs.llr_rise_cumulative as number[])[0]!, 9);
    expect(out.upper).toBeCloseTo(v.outputs.A as number, 9);
    expect(out.lower).toBeCloseTo(v.outputs.B as number, 9);
  });
  it('is undecided after two runs and frozen once a regression is found', () => {
    const two = runSequential(res(2), 0.2, 0.001, 0.1);
    expect(two.regression).toBeNull();
    expect(two.llrDown).toBeCloseTo((v.outputs.llr_drop_cumulative as number[])[1]!, 9);
    const four = runSequential(res(4), 0.2, 0.001, 0.1);
    expect(four.llrDown).toBe(runSequential(res(3), 0.2, 0.001, 0.1).llrDown);
  });
  it('tests only the directions asked for; an untested direction counts as cleared', () => {
    const up = runSequential(res(3), 0.2, 0.001, 0.1, ['up']);
    expect(up.regression).toBeNull();
    expect(up.clearedDown).toBe(true);
    expect(up.llrDown).toBe(0);
  });
});

describe('steady at the end of the watch (two one-sided tests on the pooled shift)', () => {
  const gate = 0.15;
  it('passes a pooled shift near zero measured tightly', () => {
    expect(steadyWithin({ mean: Math.log(1.02), variance: 0.03 ** 2 }, gate, 0.1)).toBe(true);
  });
  it('does not pass the same shift when its estimate is too uncertain to rule out the gate', () => {
    expect(steadyWithin({ mean: Math.log(1.02), variance: 0.1 ** 2 }, gate, 0.1)).toBe(false);
  });
  it('never passes a shift at or beyond the gate, in either direction, however tight', () => {
    for (const ratio of [1.15, 1.3, 0.85, 0.7])
      expect(steadyWithin({ mean: Math.log(ratio), variance: 0 }, gate, 0.1)).toBe(false);
  });
  it('passes a true shift at the gate with chance beta: the estimate must fall 1.28 se inside it', () => {
    const se = 0.05;
    const bound = Math.log(1 + gate);
    // Estimates of a true shift at the gate spread normally around it: the share passing is the
    // share below bound - 1.2816 se, which is 10 %.
    const passes = (z: number) => steadyWithin({ mean: bound + z * se, variance: se * se }, gate, 0.1);
    expect(passes(-1.29)).toBe(true);
    expect(passes(-1.27)).toBe(false);
  });
  it('refuses a variance or gate it cannot use', () => {
    expect(steadyWithin({ mean: 0, variance: Number.NaN }, gate, 0.1)).toBe(false);
    expect(steadyWithin({ mean: 0, variance: 0 }, 0, 0.1)).toBe(false);
  });
});

describe('steady at the end of the watch, one direction only', () => {
  it('passes a drop of any size when only a rise is tested', () => {
    expect(steadyWithin({ mean: Math.log(0.5), variance: 0.03 ** 2 }, 0.2, 0.1, ['up'])).toBe(true);
    expect(steadyWithin({ mean: Math.log(0.5), variance: 0.03 ** 2 }, 0.2, 0.1)).toBe(false);
  });
  it('still holds the tested bound at 1.28 se inside it', () => {
    const se = 0.05;
    const bound = Math.log(1.2);
    expect(steadyWithin({ mean: bound - 1.29 * se, variance: se * se }, 0.2, 0.1, ['up'])).toBe(true);
    expect(steadyWithin({ mean: bound - 1.27 * se, variance: se * se }, 0.2, 0.1, ['up'])).toBe(false);
  });
  it('passes nothing when no direction is tested', () => {
    expect(steadyWithin({ mean: 0, variance: 0 }, 0.2, 0.1, [])).toBe(false);
  });
});
