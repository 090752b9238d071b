import { describe, expect, it } from 'vitest';
import { oracleCatches, oracleRejects } from '../../src/bench/quality/oracle.js';
import { normalPpf } from '../../src/stats/index.js';

const alpha = 0.001;
const z = normalPpf(1 - alpha);

describe('the oracle: a fixed-sample test that knows the true level and noise', () => {
  it('rejects exactly when the mean deviation of the first k runs is z(1 - alpha) standard errors out', () => {
    const sigma = 0.1;
    const edge = (z * sigma) / Math.sqrt(5);
    const at = (m: number) => ({ residuals: [m, m, m, m, m, 9], sigma, upOnly: false, gate: 0 });
    expect(oracleRejects(at(-edge * 1.001), 5, alpha)).toBe(true);
    expect(oracleRejects(at(-edge * 0.999), 5, alpha)).toBe(false);
    expect(oracleRejects(at(edge * 1.001), 5, alpha)).toBe(true);
    // The sixth run lies outside the fixed sample.
    expect(oracleRejects(at(0), 5, alpha)).toBe(false);
    expect(oracleRejects(at(0), 6, alpha)).toBe(true);
  });

  it('needs the pooled ratio beyond the gate, as a failure does', () => {
    // Far beyond noise, inside a ±15% gate.
    const small = { residuals: [Math.log(0.9), Math.log(0.9), Math.log(0.9)], sigma: 0.01, upOnly: false, gate: 0.15 };
    expect(oracleRejects(small, 3, alpha)).toBe(false);
    expect(oracleRejects({ ...small, gate: 0.05 }, 3, alpha)).toBe(true);
  });

  it('looks only up for durations, and catches an episode when any of its series rejects', () => {
    const faster = { residuals: [-0.7, -0.7, -0.7], sigma: 0.05, upOnly: true, gate: 0.2 };
    expect(oracleRejects(faster, 3, alpha)).toBe(false);
    expect(oracleRejects({ ...faster, upOnly: false }, 3, alpha)).toBe(true);
    const flat = { residuals: [0, 0, 0], sigma: 0.05, upOnly: false, gate: 0.15 };
    expect(oracleCatches([flat, { ...faster, upOnly: false }], 3, alpha)).toBe(true);
    expect(oracleCatches([flat], 3, alpha)).toBe(false);
    expect(oracleCatches([{ ...flat, residuals: [] }], 3, alpha)).toBe(false);
  });
});
