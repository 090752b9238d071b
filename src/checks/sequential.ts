// Two one-sided Gaussian SPRTs on log-scale residuals, one look per post-deploy run
// (detection spec §2.5). Each run brings its own baseline (its slot), hence its own sigma.
// The likelihood-ratio arithmetic is the stats module's; this file only runs the two
// directions side by side and stops both at the first regression.

import { normalPpf, SPRT_START, type SprtState, sprtBoundaries, sprtStep } from '../stats/index.js';

export interface Residual {
  /** y_run - mean(slot baseline), log scale. */
  readonly r: number;
  /** s * sqrt(1 + 1/n) of the run's slot baseline. */
  readonly sigma: number;
}

export type Direction = 'down' | 'up';

export interface SequentialOutcome {
  /** Direction whose test crossed the upper boundary, at which look (1-based). */
  readonly regression: { readonly direction: Direction; readonly look: number } | null;
  readonly clearedDown: boolean;
  readonly clearedUp: boolean;
  readonly llrDown: number;
  readonly llrUp: number;
  readonly upper: number;
  readonly lower: number;
}

export function sprtBounds(alpha: number, beta: number): { upper: number; lower: number } {
  return sprtBoundaries(alpha, beta);
}

export function runSequential(
  residuals: readonly Residual[],
  deltaRel: number,
  alpha: number,
  beta: number,
  directions: readonly Direction[] = ['down', 'up'],
): SequentialOutcome {
  const { upper, lower } = sprtBoundaries(alpha, beta);
  const delta = { down: Math.log(1 - deltaRel), up: Math.log(1 + deltaRel) };
  // A direction that is not tested starts out cleared, so it never blocks a PASS.
  const state: Record<Direction, SprtState> = {
    down: directions.includes('down') ? SPRT_START : { ...SPRT_START, decision: 'H0' },
    up: directions.includes('up') ? SPRT_START : { ...SPRT_START, decision: 'H0' },
  };
  let regression: SequentialOutcome['regression'] = null;
  residuals.forEach((res, i) => {
    for (const d of ['down', 'up'] as const) {
      // After a regression the verdict is made; further runs must not move either test.
      if (regression) return;
      state[d] = sprtStep(state[d], res.r, { delta: delta[d], sigma: res.sigma, alpha, beta });
      if (state[d].decision === 'H1') regression = { direction: d, look: i + 1 };
    }
  });
  return {
    regression,
    clearedDown: state.down.decision === 'H0',
    clearedUp: state.up.decision === 'H0',
    llrDown: state.down.llr,
    llrUp: state.up.llr,
    upper,
    lower,
  };
}

/** A pooled post-deploy shift on the log scale, with the variance of its estimate. */
export interface PooledShift {
  readonly mean: number;
  readonly variance: number;
}

/**
 * Whether a watch that ran its full course shows the series steady: the one-sided 1 - beta
 * bounds of the pooled shift both inside ±bound (two one-sided tests). A shift as large as the
 * bound passes with chance at most beta, the miss rate the sequential tests are built for.
 * A series judged in one direction only (durations: a faster run is no regression) needs only
 * that direction's bound inside.
 */
export function steadyWithin(
  shift: PooledShift,
  bound: number,
  beta: number,
  directions: readonly Direction[] = ['down', 'up'],
): boolean {
  if (!(shift.variance >= 0) || !(bound > 0 && bound < 1) || directions.length === 0) return false;
  const margin = normalPpf(1 - beta) * Math.sqrt(shift.variance);
  const below = !directions.includes('up') || shift.mean + margin < Math.log(1 + bound);
  const above = !directions.includes('down') || shift.mean - margin > Math.log(1 - bound);
  return below && above;
}
