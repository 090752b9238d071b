// The burn-driven failure: a release whose runs keep passing every check while it is verified,
// then start failing at a rate no single look tells from bad luck (burn-behaviour.ts). Only the
// error budget, watched while the release is live, sees it. Chosen among the replay's healthy
// deploys once every other episode is planned, so no other deploy changes its draw or its outcome.

import { BURN_RISES_AFTER_MS } from './burn-behaviour.js';
import { firstSlotAfter, type SimPipeline, slotStartMs } from './catalog.js';
import { isPlainHealthyReplayDeploy } from './episode-candidates.js';
import type { PlannedDeploy } from './plan.js';
import { simulateRun } from './runs.js';

const HOUR = 3_600_000;

/**
 * The plan with one burn-driven episode: the first healthy replay deploy of a job or pipeline that
 * runs at least every 30 minutes whose runs, once the rate rises, fail twice in a row (what the
 * run-count rule pages on) an hour or more before the bundle's next deploy and the replay's end:
 * the replay then shows the burn and what is done about it.
 */
export function withBurnEpisode<D extends PlannedDeploy>(
  deploys: readonly D[],
  catalog: readonly SimPipeline[],
  seed: number,
  replayFromMs: number,
  replayToMs: number,
): D[] {
  const i = deploys.findIndex((d) => {
    const p = catalog[d.pipelineIndex]!;
    if (!isPlainHealthyReplayDeploy(d, replayFromMs) || p.cadenceMin > 30) return false;
    const next = deploys.find((o) => o.bundle === d.bundle && o.atMs > d.atMs)?.atMs ?? replayToMs;
    const shows = twoFailuresAt(seed, p, d.atMs);
    return shows !== null && shows < Math.min(next, replayToMs) - HOUR;
  });
  if (i < 0) return [...deploys];
  const out = [...deploys];
  // The behaviour's factor carries the instant the failure rate rises: the runs know no deploy time.
  out[i] = { ...out[i]!, behaviour: { kind: 'burn_rate', factor: out[i]!.atMs + BURN_RISES_AFTER_MS }, label: 'bad' };
  return out;
}

/** When the second of two failures in a row ends, for a burn-driven release deployed at `atMs`. */
function twoFailuresAt(seed: number, p: SimPipeline, atMs: number): number | null {
  const behaviour = { kind: 'burn_rate' as const, factor: atMs + BURN_RISES_AFTER_MS };
  let previous = false;
  for (let slot = firstSlotAfter(p, behaviour.factor - 1), n = 0; n < 200; slot++, n++) {
    const run = simulateRun(seed, p, slot, slotStartMs(p, slot), behaviour, []);
    const failed = !run.succeeded && run.terminationType !== 'CLOUD_FAILURE';
    if (failed && previous) return run.endMs;
    previous = failed;
  }
  return null;
}
