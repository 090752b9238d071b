// Cost episodes of the quality benchmark: every job and pipeline of the catalog deployed with code
// only, and once more with each cost regression the simulator makes (a bigger cluster, or a
// serverless pipeline moved onto classic compute: ×2, ×3, ×4 the DBUs per run or update), its runs
// billed as system.billing.usage bills them. A regression of ×2 or more must fail the cost check
// within COST_RUNS billed post-deploy runs; a code-only deploy must never fail it over its watch,
// and should rarely warn. Figures overall and by kind, since jobs and pipelines bill differently.

import { checkCost } from '../../checks/cost.js';
import { costEvidence } from '../../checks/cost-evidence.js';
import type { SubjectEvidence } from '../../checks/evidence.js';
import { kMaxFor, type Policy } from '../../checks/policy.js';
import { firstSlotAfter, type SimPipeline, slotStartMs } from '../../simulator/catalog.js';
import { COST_FACTORS } from '../../simulator/cost.js';
import { BILLING_LAG_MS, COST_RUNS } from '../../simulator/cost-episodes.js';
import type { Behaviour } from '../../simulator/plan.js';
import { versionOf } from '../../simulator/plan.js';
import { simulateRun } from '../../simulator/runs.js';
import { jobSettings, pipelineSpec } from '../../simulator/settings.js';
import type { RunCost, RunRecord } from '../../types.js';
import { deployInstant } from './sim-episodes.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** How long a code-only deploy is watched for a false alarm: its kMax runs, at most this long. */
const WATCH_MS = 3 * DAY;
/** Code-only deploys per pipeline, at different instants: false alarms are rare, so they need many. */
const HEALTHY_PER_PIPELINE = 4;

/** The figures of one kind of resource. */
export interface CostKindFigures {
  readonly regressions: number;
  readonly caught: number;
  readonly cost_recall: number | null;
  readonly named: number;
  readonly healthy: number;
  readonly cost_false_fails: number;
  readonly cost_false_warns: number;
}

/** `caught`: regressions of ×2 or more failed by the cost check within COST_RUNS billed post-deploy runs; `named`: caught with the cluster change named. */
export interface CostFigures extends CostKindFigures {
  /** Healthy deploys the check passed by the end of their watch. */
  readonly healthy_passed: number;
  /** The same, for job runs and for pipeline updates apart. */
  readonly by_kind: { readonly job: CostKindFigures; readonly pipeline: CostKindFigures };
}

interface Billed {
  readonly run: RunRecord;
  readonly cost: RunCost;
}

/** A run and its bill: the usage records cover the clock hours it ran in. */
function billed(seed: number, p: SimPipeline, slot: number, behaviour: Behaviour): Billed {
  const r = simulateRun(seed, p, slot, slotStartMs(p, slot), behaviour, []);
  const run: RunRecord = {
    subjectId: p.id,
    runId: r.runId,
    startMs: r.startMs,
    endMs: r.endMs,
    result: r.succeeded ? 'SUCCESS' : 'FAILED',
    rawResult: null,
    cause: 'user',
    failedTasks: [],
    plane: 'fast',
  };
  const cost: RunCost = {
    subjectId: p.id,
    runId: r.runId,
    usageFromMs: Math.floor(r.startMs / HOUR) * HOUR,
    billedToMs: Math.ceil(r.endMs / HOUR) * HOUR,
    dbus: r.dbus,
    dollars: null,
  };
  return { run, cost };
}

function episode(seed: number, p: SimPipeline, i: number, factor: number | null, policy: Policy) {
  const deployMs = deployInstant(seed, 70_000 + i);
  const behaviour: Behaviour = factor === null ? { kind: null, factor: 1 } : { kind: 'cost_regression', factor };
  const first = firstSlotAfter(p, deployMs);
  const pre: Billed[] = [];
  for (let slot = firstSlotAfter(p, deployMs - policy.baselineDays * DAY); slot < first; slot++)
    pre.push(billed(seed, p, slot, { kind: null, factor: 1 }));
  const watch = factor === null ? kMaxFor(policy, p.cadenceMin * 60_000) : COST_RUNS;
  const post: Billed[] = [];
  for (let slot = first; post.length < watch && slotStartMs(p, slot) < deployMs + WATCH_MS; slot++)
    post.push(billed(seed, p, slot, behaviour));
  const before = versionOf(seed, p.bundle, 1);
  const after = versionOf(seed, p.bundle, 2);
  const settings = (v: string, b: Behaviour) =>
    p.resourceType === 'job' ? jobSettings(p, v, b.kind, b.factor) : pipelineSpec(p, v, b.kind, b.factor);
  const subject = { type: p.resourceType, id: p.id, name: p.name, targetTables: [], sourceTables: [] };
  const s: SubjectEvidence = { subject, runs: [], writes: [], expectations: [], backlog: [] };
  const change = {
    type: p.resourceType,
    id: p.id,
    before: { source: 'snapshot' as const, settings: settings(before, { kind: null, factor: 1 }) },
    after: { source: 'snapshot' as const, settings: settings(after, behaviour) },
  };
  const costs = [...pre, ...post].map((x) => x.cost);
  // Judged at each billed post-deploy run, as the tick judges it once that run's billing shows.
  const looks = post.map((x, k) => {
    const nowMs = (x.run.endMs ?? x.run.startMs) + BILLING_LAG_MS;
    const ev = costEvidence(
      s,
      costs,
      pre.map((y) => y.run),
      post.slice(0, k + 1).map((y) => y.run),
      change,
    );
    return checkCost(ev, policy, nowMs);
  });
  return {
    kind: p.resourceType,
    factor,
    failed: looks.some((r) => r.status === 'FAIL'),
    warned: looks.some((r) => r.status === 'WARN'),
    passed: looks.at(-1)?.status === 'PASS',
    named: looks.some((r) => r.status === 'FAIL' && / in this deployment; /.test(r.explanation)),
  };
}

type Judged = ReturnType<typeof episode>;

function figuresOf(judged: readonly Judged[]): CostKindFigures {
  const regressions = judged.filter((e) => e.factor !== null && e.factor >= 2);
  const healthy = judged.filter((e) => e.factor === null);
  const caught = regressions.filter((e) => e.failed);
  return {
    regressions: regressions.length,
    caught: caught.length,
    cost_recall: regressions.length ? caught.length / regressions.length : null,
    named: caught.filter((e) => e.named).length,
    healthy: healthy.length,
    cost_false_fails: healthy.filter((e) => e.failed).length,
    cost_false_warns: healthy.filter((e) => e.warned).length,
  };
}

export function costEpisodeFigures(seed: number, catalog: readonly SimPipeline[], policy: Policy): CostFigures {
  const judged = catalog.flatMap((p, n) => {
    const factors: Array<number | null> = [...Array<null>(HEALTHY_PER_PIPELINE).fill(null), ...COST_FACTORS];
    return factors.map((f, j) => episode(seed, p, n * 8 + j, f, policy));
  });
  return {
    ...figuresOf(judged),
    healthy_passed: judged.filter((e) => e.factor === null && e.passed).length,
    by_kind: {
      job: figuresOf(judged.filter((e) => e.kind === 'job')),
      pipeline: figuresOf(judged.filter((e) => e.kind === 'pipeline')),
    },
  };
}
