import { describe, expect, it } from 'vitest';
import type { NabSeries } from '../../src/bench/quality/nab-data.js';
import { type NabEpisode, nabRuns, nabTimeline } from '../../src/bench/quality/nab-episodes.js';
import { volumeGateMetWithin } from '../../src/bench/quality/replay.js';
import { DEFAULT_POLICY } from '../../src/checks/policy.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);

/** Hourly rows with a small, fixed wobble, so the baseline has a spread but no randomness; busy in the day or flat. */
function hourly(days: number, dayAmplitude = 0): NabSeries {
  const points = Array.from({ length: days * 24 }, (_, i) => ({
    ms: T0 + i * HOUR,
    value: Math.round(1000 * (1 + dayAmplitude * Math.sin((2 * Math.PI * i) / 24)) * (1 + 0.02 * Math.sin(i * 1.7))),
  }));
  return { spec: { file: 'test/hourly_rows.csv', role: 'volume', split: 'tune', scale: 1 }, points, windows: [] };
}

function episode(factor: number, dayAmplitude = 0): NabEpisode {
  const runs = nabRuns(hourly(30, dayAmplitude));
  return {
    index: 0,
    runs,
    label: 'bad',
    effect: `volume_x${factor}`,
    factor,
    deployMs: T0 + 21 * DAY + HOUR / 2,
    historyFromMs: T0,
  };
}

describe('the volume gate a rollback needs', () => {
  it('is met once the pooled post-deploy ratio moves past ±15% (the default materiality) with a baseline big enough to roll back on', () => {
    expect(volumeGateMetWithin(nabTimeline(episode(0.7), DEFAULT_POLICY), DEFAULT_POLICY, 5)).toBe(true);
    expect(volumeGateMetWithin(nabTimeline(episode(1.3), DEFAULT_POLICY), DEFAULT_POLICY, 5)).toBe(true);
  });

  it('is not met by a move inside the gate, however clear, nor before any post-deploy run', () => {
    // ×0.9 is far outside this baseline's ±2% noise: a test would cross, the gate holds it back.
    expect(volumeGateMetWithin(nabTimeline(episode(0.9), DEFAULT_POLICY), DEFAULT_POLICY, 5)).toBe(false);
    expect(volumeGateMetWithin(nabTimeline(episode(0.7), DEFAULT_POLICY), DEFAULT_POLICY, 0)).toBe(false);
  });

  it('needs a baseline the rollback rule accepts', () => {
    // About eight days of a series busy in the day: one run's slot holds enough runs to score
    // the volume, too few to roll back on; runs at other times of day add their own slots' runs.
    const short: NabEpisode = { ...episode(0.5, 0.3), historyFromMs: T0 + 21 * DAY - 200 * HOUR };
    expect(volumeGateMetWithin(nabTimeline(short, DEFAULT_POLICY), DEFAULT_POLICY, 1)).toBe(false);
    expect(volumeGateMetWithin(nabTimeline(short, DEFAULT_POLICY), DEFAULT_POLICY, 5)).toBe(true);
    // The same eight days of a flat series: no daily or weekly pattern, so every recent run counts.
    const flat: NabEpisode = { ...episode(0.5), historyFromMs: T0 + 21 * DAY - 200 * HOUR };
    expect(volumeGateMetWithin(nabTimeline(flat, DEFAULT_POLICY), DEFAULT_POLICY, 5)).toBe(true);
  });
});
