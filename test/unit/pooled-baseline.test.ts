import { describe, expect, it } from 'vitest';
import { checkDuration } from '../../src/checks/duration.js';
import { DEFAULT_POLICY } from '../../src/checks/policy.js';
import { type BaselineUsed, pooledBaselineWorth } from '../../src/checks/pooled-baseline.js';
import { checkRowCount } from '../../src/checks/row-count.js';
import type { TableWrite } from '../../src/types.js';
import { aSubject, DAY, HOUR, normals, runsEvery, T0 } from './builders.js';

/** One run a day at `hour` for `days` days, deviating from the slot's centre 0 by `dev(day)`. */
function slot(hour: number, days: number, dev: (day: number) => number, spread = 0.1): BaselineUsed {
  const baselinePoints = Array.from({ length: days }, (_, d) => ({
    timestampMs: T0 + d * DAY + hour * HOUR,
    y: dev(d),
  }));
  const baselineMean = baselinePoints.reduce((a, p) => a + p.y, 0) / days;
  return { baselinePoints, baselineMean, spread };
}

describe('the baseline a decision over several runs rests on', () => {
  it('is the one baseline for a single run of a same-slot baseline', () => {
    const z = normals(3);
    expect(pooledBaselineWorth([slot(9, 8, () => 0.1 * z())])).toBe(8);
  });
  it('adds up the slots of runs at different times of day when days do not move together', () => {
    // Each day's three runs deviate by +a, -a and 0: the days' means agree exactly.
    const sign = (d: number) => (d % 2 ? 1 : -1);
    const slots = [0.1, -0.1, 0].map((a, i) => slot(9 + i, 8, (d) => a * sign(d)));
    expect(pooledBaselineWorth(slots)).toBe(24);
  });
  it('counts the days, not the runs, when the runs of a day move together', () => {
    const z = normals(7);
    const dayLevel = Array.from({ length: 8 }, () => 0.1 * z());
    const slots = [9, 10, 11].map((h) => slot(h, 8, (d) => dayLevel[d]! + 0.005 * z()));
    const worth = pooledBaselineWorth(slots);
    expect(worth).toBeGreaterThanOrEqual(4);
    expect(worth).toBeLessThan(14);
  });
  it('counts a run that several baselines share once', () => {
    const z = normals(9);
    const one = slot(9, 8, () => 0.1 * z());
    expect(pooledBaselineWorth([one, one, one])).toBe(8);
  });
  it('is 0 with nothing scored', () => {
    expect(pooledBaselineWorth([])).toBe(0);
  });
});

describe('a halved volume on a series with a daily pattern and nine days of history', () => {
  const deploy = T0 + 9 * DAY + 10 * HOUR + 30 * 60_000;
  const z = normals(11);
  const profile = (t: number) => 10_000 * (1 + 0.6 * Math.sin((new Date(t).getUTCHours() / 24) * 2 * Math.PI));
  const series = (dayNoise: number, runNoise: number, postRuns = 3) => {
    // Days alternate above and below the profile by `dayNoise`; runs wobble by `runNoise` around their day.
    const level = (t: number) =>
      profile(t) * Math.exp((Math.floor(t / DAY) % 2 ? dayNoise : -dayNoise) + runNoise * z());
    const writes = (from: number, to: number, factor: number, prefix: string): TableWrite[] => {
      const out: TableWrite[] = [];
      for (let t = from; t < to; t += HOUR)
        out.push({
          table: 't',
          subjectId: '1',
          runId: `${prefix}${t}`,
          timestampMs: t,
          rows: Math.round(level(t) * factor),
          plane: 'fast',
        });
      return out;
    };
    return {
      before: writes(deploy - 9 * DAY, deploy, 1, 'b'),
      after: writes(deploy + HOUR, deploy + (1 + postRuns) * HOUR, 0.5, 'p'),
    };
  };

  it('rolls back: three runs at three times of day rest on three slots of nine runs', () => {
    const { before, after } = series(0.01, 0.05);
    const r = checkRowCount('t', before, after, DEFAULT_POLICY, deploy + 5 * HOUR, false);
    expect(r.status).toBe('FAIL');
    expect(r.baselineN).toBeGreaterThanOrEqual(DEFAULT_POLICY.minBaselineForRollback);
    expect(r.explanation).toMatch(/together worth \d+ independent runs/);
  });
  it('only warns when the days move as a whole, so nine days are worth nine runs', () => {
    const { before, after } = series(0.1, 0.005, 8);
    const r = checkRowCount('t', before, after, DEFAULT_POLICY, deploy + 10 * HOUR, false);
    expect(r.status).toBe('WARN');
    expect(r.baselineN).toBeLessThan(DEFAULT_POLICY.minBaselineForRollback);
    expect(r.explanation).toMatch(/baseline under 14 runs, so no automatic rollback/);
  });
});

describe('a doubled duration of an hourly job with a daily pattern and nine days of history', () => {
  const deploy = T0 + 9 * DAY + 10 * HOUR + 30 * 60_000;
  const z = normals(13);
  // Slow at night, quick by day; each run wobbles by 5% on its own.
  const seconds = (start: number) =>
    600 * (1 + 0.5 * Math.cos((new Date(start).getUTCHours() / 24) * 2 * Math.PI)) * Math.exp(0.05 * z());
  const before = runsEvery(deploy - 9 * DAY, 9 * 24, HOUR, (_, start) => seconds(start));
  const after = runsEvery(deploy + 30 * 60_000, 3, HOUR, (_, start) => 2 * seconds(start), 'p');

  it('rolls back on three runs at three times of day, each against its own slot of nine runs', () => {
    const r = checkDuration(aSubject(), before, after, DEFAULT_POLICY, deploy + 5 * HOUR);
    expect(r.status).toBe('FAIL');
    expect(r.baselineN).toBeGreaterThanOrEqual(DEFAULT_POLICY.minBaselineForRollback);
    expect(r.explanation).toMatch(/together worth \d+ independent runs/);
  });
});
