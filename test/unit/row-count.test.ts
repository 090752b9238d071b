import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/checks/policy.js';
import { checkRowCount } from '../../src/checks/row-count.js';
import type { TableWrite } from '../../src/types.js';
import { HOUR, hourlyWrites, T0 } from './builders.js';

const deploy = T0 + 10 * HOUR;
const baseline = hourlyWrites(deploy, 28, 10_000);
const post = (factors: number[]): TableWrite[] =>
  factors.map((f, i) => ({
    table: 'prod.sales.orders',
    subjectId: '1',
    runId: `p${i}`,
    timestampMs: deploy + (i + 1) * HOUR,
    rows: Math.round(10_000 * f),
    plane: 'fast',
  }));
const now = deploy + 12 * HOUR;

describe('row-count drift', () => {
  it('fails at once on zero rows against a non-zero baseline', () => {
    const r = checkRowCount('prod.sales.orders', baseline, post([0]), DEFAULT_POLICY, now, false);
    expect(r.status).toBe('FAIL');
    expect(r.explanation).toMatch(/wrote 0 rows/);
  });
  it('fails a halved volume within a few runs, with the effect and LLR recorded', () => {
    const r = checkRowCount('prod.sales.orders', baseline, post([0.5, 0.5]), DEFAULT_POLICY, now, false);
    expect(r.status).toBe('FAIL');
    expect(r.effect!).toBeCloseTo(0.5, 1);
    expect(r.statistic!).toBeGreaterThanOrEqual(r.threshold!);
    expect(r.baselineN).toBeGreaterThanOrEqual(14);
  });
  it('passes a steady volume once both sequential tests clear', () => {
    const r = checkRowCount('prod.sales.orders', baseline, post([1.01, 0.99, 1.0]), DEFAULT_POLICY, now, false);
    expect(r.status).toBe('PASS');
  });
  it('is inconclusive without enough history and says how much it needs', () => {
    const r = checkRowCount('prod.sales.orders', baseline.slice(-3), post([1]), DEFAULT_POLICY, now, false);
    expect(r.status).toBe('INCONCLUSIVE');
    expect(r.explanation).toMatch(/need 7/);
  });
  it('is inconclusive before the first post-deploy write', () => {
    expect(checkRowCount('prod.sales.orders', baseline, [], DEFAULT_POLICY, now, false).status).toBe('INCONCLUSIVE');
  });
  it('marks an intended change as expected instead of actionable', () => {
    const r = checkRowCount('prod.sales.orders', baseline, post([0.5, 0.5]), DEFAULT_POLICY, now, true);
    expect(r.suppressedBy).toBe('expected change');
  });
});
