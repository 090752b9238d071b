// The baseline a decision over several post-deploy runs rests on. Each run is scored against its
// own baseline (its slot), but the sequential test and the pooled ratio weigh the runs together,
// so the decision rests on every baseline run any of them used: three post-deploy runs at three
// times of day, each against a week of its own slot, compare 21 runs before the deploy, not 7.
// Runs of different slots on the same day share that day's conditions, so the union counts as
// the independent runs it is worth: batch means by day over each run's deviation from its own
// slot's centre (centreVariance), never more than its runs.

import { centreVariance } from './history-noise.js';
import { effectiveRuns, type SlotScore } from './slots.js';

export type BaselineUsed = Pick<SlotScore, 'baselinePoints' | 'baselineMean' | 'spread'>;

/** Independent runs the union of the scored runs' baselines is worth; 0 for no scored run. */
export function pooledBaselineWorth(scores: readonly BaselineUsed[]): number {
  if (scores.length === 0) return 0;
  const deviation = new Map<number, number>();
  let square = 0;
  for (const s of scores) {
    square += s.spread * s.spread;
    for (const p of s.baselinePoints)
      if (!deviation.has(p.timestampMs)) deviation.set(p.timestampMs, p.y - s.baselineMean);
  }
  const spread = Math.sqrt(square / scores.length);
  const points = [...deviation].map(([timestampMs, y]) => ({ timestampMs, y }));
  return effectiveRuns(points.length, spread, centreVariance(points, spread));
}
