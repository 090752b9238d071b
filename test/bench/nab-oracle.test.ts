import { describe, expect, it } from 'vitest';
import type { NabSeries } from '../../src/bench/quality/nab-data.js';
import { nabRuns, planNabEpisodes } from '../../src/bench/quality/nab-episodes.js';
import { hindsightShift, nabOracle, oracleDecision } from '../../src/bench/quality/nab-oracle.js';
import { DEFAULT_POLICY } from '../../src/checks/policy.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);
const volume = { upOnly: false, gate: 0.15, alpha: 0.001, beta: 0.1 };

/** Hourly rows busy in the day, wobbling by `noise` (deterministic), times `step` from `stepFrom` on. */
function hourly(days: number, noise: number, step = 1, stepFrom = Infinity): NabSeries {
  const points = Array.from({ length: days * 24 }, (_, i) => {
    const ms = T0 + i * HOUR;
    const wobble = 1 + noise * Math.sin(i * 12.9898);
    return {
      ms,
      value: Math.round(1000 * (1 + 0.5 * Math.sin((2 * Math.PI * i) / 24)) * wobble * (ms >= stepFrom ? step : 1)),
    };
  });
  return { spec: { file: 'test/hourly_rows.csv', role: 'volume', split: 'tune', scale: 1 }, points, windows: [] };
}

describe('the hindsight oracle on NAB episodes', () => {
  it('fails a clear shift past the gate, passes a steady watch, leaves a shift as wide as its noise undecided', () => {
    expect(oracleDecision(Math.log(0.5), 0.05, volume)).toBe('FAIL');
    expect(oracleDecision(0.01, 0.02, volume)).toBe('PASS');
    expect(oracleDecision(Math.log(0.8), 0.1, volume)).toBe('UNDECIDED');
    // Past the gate but within the noise: no failure at alpha 0.001.
    expect(oracleDecision(Math.log(1.3), 0.1, volume)).toBe('UNDECIDED');
    expect(oracleDecision(Number.NEGATIVE_INFINITY, 0.1, volume)).toBe('FAIL');
    // Durations are judged upwards only: a faster watch passes.
    expect(oracleDecision(-0.5, 0.05, { ...volume, upOnly: true, gate: 0.2 })).toBe('PASS');
    expect(oracleDecision(0.01, Number.NaN, volume)).toBe('UNDECIDED');
  });

  it('measures a watch against the same hours of the days around it, the watch left out', () => {
    const deploy = T0 + 40 * DAY + 12 * HOUR;
    const series = nabRuns(hourly(80, 0.01, 1.25, deploy));
    // The level after the deploy is 25% up; the days before it are the level's evidence on one side, those after it on the other.
    const shift = hindsightShift(series, deploy, 24 * HOUR)!;
    expect(shift).toBeGreaterThan(Math.log(1.25) / 2 - 0.02);
    expect(hindsightShift(nabRuns(hourly(80, 0.01)), deploy, 24 * HOUR)!).toBeCloseTo(0, 2);
  });

  it('passes the healthy episodes of a calm series and fails its halved and doubled ones', () => {
    const runs = nabRuns(hourly(60, 0.01));
    const episodes = planNabEpisodes([runs], { strideHours: 24, minHistoryDays: 7 }, DEFAULT_POLICY);
    const o = nabOracle(episodes, DEFAULT_POLICY);
    expect(o.recall['volume_x0.5']).toBe(1);
    expect(o.recall.volume_x2).toBe(1);
    expect(o.recall.zero_rows).toBe(1);
    expect(o.healthy_shift_sd.hourly_rows).toBeLessThan(0.01);
    // Healthy episodes pass; x0.8 and x1.2 fail outright on so calm a series.
    expect(o.inconclusive_rate).toBe(0);
  });
});
