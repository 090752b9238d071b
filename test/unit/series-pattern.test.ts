import { describe, expect, it } from 'vitest';
import { ASSUMED_PATTERN, MIN_PATTERN_SHARE, seriesPattern } from '../../src/checks/series-pattern.js';
import { isWeekend } from '../../src/checks/slots.js';
import { DAY, HOUR, normals, T0 } from './builders.js';

/** Log values every `everyHours` for `days` days before T0: a daily shape, a weekend level, noise and a level per day. */
function series(
  days: number,
  { daily = 0, weekend = 0, noise = 0.05, daySd = 0, everyHours = 1, seed = 3 } = {},
): Array<{ timestampMs: number; y: number }> {
  const z = normals(seed);
  const out: Array<{ timestampMs: number; y: number }> = [];
  for (let d = days; d >= 1; d--) {
    const day = T0 - d * DAY;
    const level = daySd * z();
    for (let h = 0; h < 24; h += everyHours) {
      const timestampMs = day + h * HOUR;
      const shape = daily * Math.sin((2 * Math.PI * (h - 8)) / 24) + (isWeekend(timestampMs) ? weekend : 0);
      out.push({ timestampMs, y: Math.log(10_000) + shape + level + noise * z() });
    }
  }
  return out;
}

describe('the pattern a series follows, learnt from its history', () => {
  it('finds neither the time of day nor the kind of day in a flat series', () => {
    const p = seriesPattern(series(28), HOUR);
    expect(p.hour).toBe(false);
    expect(p.dayType).toBe(false);
    expect(p.hourShare!).toBeLessThan(MIN_PATTERN_SHARE);
    expect(p.dayTypeShare!).toBeLessThan(MIN_PATTERN_SHARE);
  });

  it('finds a business day and a quiet weekend, each alone and together', () => {
    const day = seriesPattern(series(28, { daily: 0.4 }), HOUR);
    expect([day.hour, day.dayType]).toEqual([true, false]);
    expect(day.hourShare!).toBeGreaterThan(0.9);
    const weekend = seriesPattern(series(28, { weekend: -0.4 }), HOUR);
    expect([weekend.hour, weekend.dayType]).toEqual([false, true]);
    const both = seriesPattern(series(28, { daily: 0.4, weekend: -0.4 }), HOUR);
    expect([both.hour, both.dayType]).toEqual([true, true]);
  });

  it('does not take days that wander together for a time of day or a kind of day', () => {
    // Each day's level moves by about 20%; within a day runs differ by 3%. No hour and no weekend effect.
    const p = seriesPattern(series(28, { noise: 0.03, daySd: 0.2, seed: 5 }), HOUR);
    expect(p.hour).toBe(false);
  });

  it('keeps the same slot for a job that always runs at one time of day, and judges its kind of day', () => {
    const daily = series(28, { weekend: -0.4, everyHours: 24 });
    const p = seriesPattern(daily, DAY);
    expect(p.hour).toBe(true);
    expect(p.hourShare).toBeNull();
    expect(p.dayType).toBe(true);
    expect(seriesPattern(series(28, { everyHours: 24 }), DAY).dayType).toBe(false);
  });

  it('assumes both until the history can tell: too few runs, or no weekend seen twice', () => {
    expect(seriesPattern(series(2), HOUR)).toEqual(ASSUMED_PATTERN);
    // Five weekdays: the time of day is judged, the kind of day cannot be.
    const weekdays = series(28).filter((p) => p.timestampMs >= T0 - 7 * DAY && !isWeekend(p.timestampMs));
    const p = seriesPattern(weekdays, HOUR);
    expect(p.hour).toBe(false);
    expect(p.dayTypeShare).toBeNull();
    expect(p.dayType).toBe(true);
  });

  it('neither hides a pattern nor makes one up for an outage run', () => {
    const flat = series(28);
    flat[300] = { ...flat[300]!, y: 0 };
    expect(seriesPattern(flat, HOUR).hour).toBe(false);
    const busy = series(28, { daily: 0.4 });
    busy[300] = { ...busy[300]!, y: 0 };
    expect(seriesPattern(busy, HOUR).hour).toBe(true);
  });
});
