import { describe, expect, it } from 'vitest';
import { type DueContext, HOURLY_FROM_MS, isDue } from '../../src/tick/due.js';
import { activeDeployment } from '../support/deployment.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const NOW = Date.UTC(2026, 10, 2, 14, 10);

const quiet: DueContext = {
  nowMs: NOW,
  carried: new Set(),
  slowPending: new Set(),
  touched: new Set(),
  startedSince: () => false,
};
const judged = activeDeployment({ verdictState: 'VERIFYING', judgedAtMs: NOW - 5 * MINUTE });
const costWatched = activeDeployment({
  verdictState: 'HEALTHY',
  judgedAtMs: NOW - 5 * MINUTE,
  recheckAtMs: NOW + 3 * HOUR,
  costWatched: true,
});

describe('which open deployments a tick judges', () => {
  it('judges a new, carried or superseded deployment, and one whose recheck has come', () => {
    expect(isDue(activeDeployment(), quiet)).toBe(true);
    expect(isDue(judged, quiet)).toBe(false);
    expect(isDue(judged, { ...quiet, carried: new Set(['d1']) })).toBe(true);
    expect(isDue({ ...judged, supersededAtMs: NOW - MINUTE }, quiet)).toBe(true);
    expect(isDue({ ...judged, recheckAtMs: NOW }, quiet)).toBe(true);
    expect(isDue({ ...judged, recheckAtMs: NOW + MINUTE }, quiet)).toBe(false);
  });

  it('judges an open verdict when its runs bring evidence', () => {
    expect(isDue(judged, { ...quiet, touched: new Set(['1']) })).toBe(true);
    expect(isDue(judged, { ...quiet, touched: new Set(['2']) })).toBe(false);
    expect(isDue(judged, { ...quiet, slowPending: new Set(['d1']) })).toBe(true);
    expect(isDue(judged, { ...quiet, startedSince: () => true })).toBe(true);
  });

  it('leaves a verdict watched only for its cost out of the minutes its subjects run in', () => {
    expect(isDue(costWatched, { ...quiet, touched: new Set(['1']) })).toBe(false);
    expect(isDue(costWatched, { ...quiet, slowPending: new Set(['d1']) })).toBe(false);
    expect(isDue(costWatched, { ...quiet, startedSince: () => true })).toBe(false);
  });

  it('judges a cost-watched verdict once an hour, at its recheck, and when superseded', () => {
    const lastQuarter = Math.floor(NOW / HOUR) * HOUR + HOURLY_FROM_MS;
    // Judged in this hour already: not again in its last quarter; judged only last hour: judged now.
    expect(isDue(costWatched, { ...quiet, nowMs: lastQuarter })).toBe(false);
    expect(isDue({ ...costWatched, judgedAtMs: NOW - 20 * MINUTE }, { ...quiet, nowMs: lastQuarter })).toBe(true);
    expect(isDue({ ...costWatched, judgedAtMs: NOW - 20 * MINUTE }, { ...quiet, nowMs: lastQuarter - MINUTE })).toBe(
      false,
    );
    expect(isDue({ ...costWatched, judgedAtMs: lastQuarter }, { ...quiet, nowMs: lastQuarter + MINUTE })).toBe(false);
    expect(isDue({ ...costWatched, recheckAtMs: NOW }, quiet)).toBe(true);
    expect(isDue({ ...costWatched, supersededAtMs: NOW - MINUTE }, quiet)).toBe(true);
  });
});
