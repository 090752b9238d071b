// The data-restore episode: a batch job that owns its table and runs a few times a day ships a
// release whose run appends every row twice (a join that fans out). The run is caught and rolled
// back, and the job does not run again before the replay ends, so the table's last commits are the bad version's
// alone: the one case where `RESTORE TABLE … TO VERSION AS OF` loses nobody else's rows. Every
// other failed deploy of the replay runs again after its rollback (or writes nothing, or replaces
// its table whole), which the restore planner rightly refuses to undo.

import { firstSlotAfter, type SimPipeline, slotStartMs } from './catalog.js';
import { isPlainHealthyReplayDeploy } from './episode-candidates.js';
import type { Behaviour, PlannedDeploy } from './plan.js';
import { simulateRun } from './runs.js';

const HOUR = 3_600_000;
/** The run must end this long before the replay does, for the tick to judge it and roll it back. */
const JUDGED_WITHIN_MS = 2 * HOUR;
const DOUBLED: Behaviour = { kind: 'volume_jump', factor: 2 };

/**
 * The plan with one restore episode: the first healthy replay deploy of a batch job whose first
 * run after it is its last in the replay and ends, having written its tables, early enough to be
 * judged, with no later deploy of the bundle in the replay.
 */
export function withRestoreEpisode<D extends PlannedDeploy>(
  deploys: readonly D[],
  catalog: readonly SimPipeline[],
  seed: number,
  replayFromMs: number,
  replayToMs: number,
): D[] {
  const i = deploys.findIndex((d) => {
    const p = catalog[d.pipelineIndex]!;
    if (!isPlainHealthyReplayDeploy(d, replayFromMs) || p.kind !== 'batch' || p.resourceType !== 'job') return false;
    if (deploys.some((o) => o.bundle === d.bundle && o.atMs > d.atMs && o.atMs < replayToMs)) return false;
    const slot = firstSlotAfter(p, d.atMs);
    if (slotStartMs(p, slot + 1) < replayToMs) return false;
    const run = simulateRun(seed, p, slot, slotStartMs(p, slot), DOUBLED, []);
    return run.succeeded && run.rows.every((r) => r !== null) && run.endMs < replayToMs - JUDGED_WITHIN_MS;
  });
  if (i < 0) return [...deploys];
  const out = [...deploys];
  out[i] = { ...out[i]!, behaviour: DOUBLED, label: 'bad' };
  return out;
}
