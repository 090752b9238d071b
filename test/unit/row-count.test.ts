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

describe('row-count drift with a thin slot among the post-deploy runs', () => {
  // A series busy in the day and quieter at weekends, deployed on a Friday with three weeks of
  // history: its weekday slots hold 15 runs, its weekend slots 6, under the 7 needed to score.
  const friday = Date.UTC(2026, 10, 6, 10, 30);
  const level = (t: number) => {
    const hour = new Date(t).getUTCHours();
    const day = new Date(t).getUTCDay();
    const weekend = day === 0 || day === 6 ? 0.6 : 1;
    const k = Math.round(t / HOUR);
    const w = Math.sin(k * 12.9898) * 43758.5453;
    return 10_000 * (1 + 0.5 * Math.sin((hour / 24) * 2 * Math.PI)) * weekend * (1 + 0.06 * (w - Math.floor(w) - 0.5));
  };
  const history: TableWrite[] = [];
  for (let t = friday - 30 * 60_000 - 21 * 24 * HOUR; t < friday; t += HOUR)
    history.push({
      table: 't',
      subjectId: '1',
      runId: `b${t}`,
      timestampMs: t,
      rows: Math.round(level(t)),
      plane: 'fast',
    });
  const postRuns = (factor: number, runs: number): TableWrite[] =>
    Array.from({ length: runs }, (_, i) => {
      const t = friday + 30 * 60_000 + i * HOUR;
      return {
        table: 't',
        subjectId: '1',
        runId: `p${i}`,
        timestampMs: t,
        rows: Math.round(level(t) * factor),
        plane: 'fast',
      };
    });

  it('judges on the runs whose slots hold enough history when the latest run falls in a thin one', () => {
    // 16 runs: Friday 11:00 to Saturday 02:00, the last three on the Saturday.
    const post = postRuns(0.5, 16);
    const r = checkRowCount('t', history, post, DEFAULT_POLICY, post[15]!.timestampMs + HOUR, false);
    expect(r.status).toBe('FAIL');
    expect(r.baselineN).toBeGreaterThanOrEqual(14);
    expect(r.effect!).toBeCloseTo(0.5, 1);
  });
  it('stays inconclusive when no post-deploy run has a slot with enough history', () => {
    const saturday = postRuns(0.5, 16).slice(13);
    const r = checkRowCount('t', history, saturday, DEFAULT_POLICY, saturday[2]!.timestampMs + HOUR, false);
    expect(r.status).toBe('INCONCLUSIVE');
    expect(r.explanation).toMatch(/need 7/);
  });
});
