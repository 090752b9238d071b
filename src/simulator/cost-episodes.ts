// The cost-regression episode: a deploy that keeps every row right and every run on time but moves
// its job onto a bigger cluster (a larger node type, or more workers), so each run burns two to
// four times the DBUs. Only the billing rows show it, twelve hours late. Labelled healthy (nothing
// to roll back: the cost check is not critical by default) with its own kind, so the replay and
// the benchmarks can score it. Added once every other episode is planned, to a bundle no other
// replayed deploy touches, so no other deploy changes its draw or its outcome.

import { deploymentIdOf } from '../deployment-id.js';
import { firstSlotAfter, type SimPipeline, slotStartMs } from './catalog.js';
import { costFactorOf } from './cost.js';
import { type Incident, type PlannedDeploy, versionOf } from './plan.js';
import { hashKey } from './random.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;
/** When system.billing.usage shows a usage record: "typically within 12 hours" of its end. */
export const BILLING_LAG_MS = 12 * HOUR;
/** Post-deploy runs the cost check is given to decide (the benchmark's recall is within these). */
export const COST_RUNS = 3;

/** When in the replay the episode is deployed: early, so its first runs are billed within a day's replay. */
const DEPLOY_AFTER_MS = 90 * 60_000 + 17_000;

/**
 * The plan with one cost-regression deploy added: of a job running at least hourly whose bundle
 * has no other deploy in the replay nor in the six hours before it (so no other deploy's outcome
 * moves) and whose sources no upstream incident touches, 90 minutes into the replay, when its first COST_RUNS runs are billed well within the day.
 */
export function withCostEpisode(
  deploys: readonly PlannedDeploy[],
  catalog: readonly SimPipeline[],
  seed: number,
  replayFromMs: number,
  initialVersions: ReadonlyMap<string, string>,
  incidents: readonly Incident[],
): PlannedDeploy[] {
  const atMs = replayFromMs + DEPLOY_AFTER_MS;
  const p = catalog.find((c) => {
    if (c.resourceType !== 'job' || c.cadenceMin > 60) return false;
    // Nor one reading a source an upstream incident thins: its rows must stay right.
    if (c.sources.some((s) => incidents.some((i) => i.source === s))) return false;
    return (
      !deploys.some((d) => d.bundle === c.bundle && d.atMs >= atMs - 6 * HOUR) &&
      slotStartMs(c, firstSlotAfter(c, atMs - 1) + COST_RUNS - 1) + BILLING_LAG_MS + 3 * HOUR < replayFromMs + DAY
    );
  });
  if (!p) return [...deploys];
  const last = deploys.filter((d) => d.bundle === p.bundle).at(-1);
  const seq = (last?.seq ?? 0) + 1;
  const version = versionOf(seed, p.bundle, seq);
  const deploymentId = deploymentIdOf(p.bundle, 'prod', version, seq);
  const episode: PlannedDeploy = {
    deploymentId,
    pipelineIndex: p.index,
    bundle: p.bundle,
    target: 'prod',
    version,
    previousVersion: last?.version ?? initialVersions.get(p.bundle) ?? null,
    seq,
    atMs,
    behaviour: { kind: 'cost_regression', factor: costFactorOf(hashKey(seed, 'cost', deploymentId)) },
    label: 'healthy',
  };
  return [...deploys, episode].sort((a, b) => a.atMs - b.atMs);
}
