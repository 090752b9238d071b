// The cost-regression episodes: a deploy that keeps every row right and every run on time but moves
// its job or pipeline onto a bigger cluster (a larger node type, more workers, or a serverless
// pipeline onto classic compute), so each run or update burns two to four times the DBUs. Only the
// billing rows show it, twelve hours late. Labelled healthy (nothing to roll back: the cost check
// is not critical by default) with its own kind, so the replay and the benchmarks can score it.
// Added once every other episode is planned, each to a bundle no other replayed deploy touches,
// so no other deploy changes its draw or its outcome. A job's always; a pipeline's where the spec
// asks for it (the demo counts one episode, a job's).

import { deploymentIdOf } from '../deployment-id.js';
import type { ResourceType } from '../types.js';
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

/** What a cost episode is planned against: the world's catalogue, draw and replayed day. */
export interface CostEpisodeWorld {
  readonly catalog: readonly SimPipeline[];
  readonly seed: number;
  readonly replayFromMs: number;
  readonly initialVersions: ReadonlyMap<string, string>;
  readonly incidents: readonly Incident[];
}

/** The plan with a cost-regression deploy added of each kind asked for, in turn. */
export function withCostEpisode(
  deploys: readonly PlannedDeploy[],
  world: CostEpisodeWorld,
  kinds: readonly ResourceType[] = ['job'],
): PlannedDeploy[] {
  return kinds.reduce<PlannedDeploy[]>((plan, type) => withCostEpisodeOf(type, plan, world), [...deploys]);
}

/**
 * The plan with one cost-regression deploy added, 90 minutes into the replay: of a job or
 * pipeline running at least hourly whose sources no upstream incident touches and whose bundle is
 * deployed neither in the six hours before nor until the episode's first COST_RUNS runs are billed
 * and judged (so no other deploy's outcome moves). Its bundle's later deploys follow it in sequence.
 */
function withCostEpisodeOf(
  type: ResourceType,
  deploys: readonly PlannedDeploy[],
  { catalog, seed, replayFromMs, initialVersions, incidents }: CostEpisodeWorld,
): PlannedDeploy[] {
  const atMs = replayFromMs + DEPLOY_AFTER_MS;
  const judgedBy = (c: SimPipeline) =>
    slotStartMs(c, firstSlotAfter(c, atMs - 1) + COST_RUNS - 1) + c.baseDurationS * 2000 + BILLING_LAG_MS + 2 * HOUR;
  const p = catalog.find((c) => {
    if (c.resourceType !== type || c.cadenceMin > 60) return false;
    // Nor one reading a source an upstream incident thins: its rows must stay right.
    if (c.sources.some((s) => incidents.some((i) => i.source === s))) return false;
    const until = judgedBy(c);
    return (
      until < replayFromMs + DAY &&
      !deploys.some((d) => d.bundle === c.bundle && d.atMs >= atMs - 6 * HOUR && d.atMs <= until)
    );
  });
  if (!p) return [...deploys];
  const before = deploys.filter((d) => d.bundle === p.bundle && d.atMs < atMs).at(-1);
  const seq = (before?.seq ?? 0) + 1;
  const version = versionOf(seed, p.bundle, seq);
  const deploymentId = deploymentIdOf(p.bundle, 'prod', version, seq);
  const episode: PlannedDeploy = {
    deploymentId,
    pipelineIndex: p.index,
    bundle: p.bundle,
    target: 'prod',
    version,
    previousVersion: before?.version ?? initialVersions.get(p.bundle) ?? null,
    seq,
    atMs,
    behaviour: { kind: 'cost_regression', factor: costFactorOf(hashKey(seed, 'cost', deploymentId)) },
    label: 'healthy',
  };
  let previous = version;
  const out = deploys.map((d) => {
    if (d.bundle !== p.bundle || d.atMs < atMs) return d;
    const v = versionOf(seed, d.bundle, d.seq + 1);
    const next = {
      ...d,
      seq: d.seq + 1,
      version: v,
      previousVersion: previous,
      deploymentId: deploymentIdOf(d.bundle, d.target, v, d.seq + 1),
    };
    previous = v;
    return next;
  });
  return [...out, episode].sort((a, b) => a.atMs - b.atMs);
}
