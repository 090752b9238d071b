// What the platform does in a step of simulated time, worked out before anything is written: the
// runs that start (with the behaviour then deployed), the deploys and the ingestion into the sources.

import type { DuckDbWarehouse } from '../warehouse/duckdb/duckdb-warehouse.js';
import { withBurnEpisode } from './burn-episodes.js';
import { buildCatalog, firstSlotAfter, type SimPipeline, slotStartMs, type WorldSpec } from './catalog.js';
import { withConfigEpisodes } from './config-episodes.js';
import { withCostEpisode } from './cost-episodes.js';
import { type HandEdit, planHandEdits } from './hand-edits.js';
import { type Behaviour, buildPlan, type DeployPlan, type PlannedDeploy } from './plan.js';
import { withRestoreEpisode } from './restore-episode.js';
import { type SimRun, simulateRun } from './runs.js';
import { type SourceCommit, sourceCommitsBetween, sourceTablesOf } from './sources.js';
import { withStatedSlaEpisodes } from './stated-sla.js';

/** The platform and its deployment plan, derived from the spec alone. */
export interface WorldModel {
  catalog: readonly SimPipeline[];
  plan: DeployPlan;
  schemaBreaks: ReadonlySet<string>;
  sources: readonly string[];
  handEdits: readonly HandEdit[];
}

export interface Step {
  readonly toMs: number;
  readonly deploys: readonly PlannedDeploy[];
  readonly handEdits: readonly HandEdit[];
  readonly runs: readonly SimRun[];
  readonly ingested: readonly SourceCommit[];
}

export function buildWorldModel(spec: WorldSpec): WorldModel {
  const catalog = buildCatalog(spec);
  const made = buildPlan(spec, catalog);
  const configured = withConfigEpisodes(made.deploys, catalog, spec.startMs);
  const stated = withStatedSlaEpisodes(configured, catalog, spec.startMs, spec.seed);
  const replayTo = spec.startMs + 86_400_000;
  const restoring = withRestoreEpisode(stated, catalog, spec.seed, spec.startMs, replayTo);
  const burning = withBurnEpisode(restoring, catalog, spec.seed, spec.startMs, replayTo);
  const plan = {
    ...made,
    deploys: withCostEpisode(
      burning,
      {
        catalog,
        seed: spec.seed,
        replayFromMs: spec.startMs,
        initialVersions: made.initialVersions,
        incidents: made.incidents,
      },
      spec.costEpisodes,
    ),
  };
  // pipeline index:slot of the first run after each schema-breaking deploy (it alters the table).
  const schemaBreaks = new Set(
    plan.deploys
      .filter((d) => d.behaviour.kind === 'schema_break')
      .map((d) => `${d.pipelineIndex}:${firstSlotAfter(catalog[d.pipelineIndex]!, d.atMs - 1)}`),
  );
  return {
    catalog,
    plan,
    schemaBreaks,
    sources: sourceTablesOf(catalog),
    handEdits: planHandEdits(spec, catalog, plan),
  };
}

/** Current version and behaviour of every resource, as the control plane has it now. */
async function currentBehaviours(wh: DuckDbWarehouse): Promise<Map<string, Behaviour>> {
  const rows = await wh.session.all(
    'SELECT r.resource_id, v.kind, v.factor FROM sim_world.api_resources r LEFT JOIN sim_world.versions v ON v.bundle = r.bundle AND v.version = r.version',
  );
  return new Map(
    rows.map((r) => [
      String(r.resource_id),
      { kind: (r.kind as Behaviour['kind']) ?? null, factor: Number(r.factor ?? 1) },
    ]),
  );
}

/** What the platform does from `fromMs` to `toMs`: the runs that start, the deploys, the ingestion. */
export async function computeStep(
  wh: DuckDbWarehouse,
  spec: WorldSpec,
  model: WorldModel,
  fromMs: number,
  toMs: number,
): Promise<Step> {
  const deploys = model.plan.deploys.filter((d) => d.atMs > fromMs && d.atMs <= toMs);
  const starting = model.catalog.filter((p) => slotStartMs(p, firstSlotAfter(p, fromMs)) <= toMs);
  // Most minutes start no run: then the control plane need not be asked what each resource runs.
  const behaviours = starting.length ? await currentBehaviours(wh) : new Map<string, Behaviour>();
  const runs: SimRun[] = [];
  for (const p of starting) {
    const mine = deploys.filter((d) => d.pipelineIndex === p.index);
    let current = behaviours.get(p.id) ?? { kind: null, factor: 1 };
    let di = 0;
    for (let slot = firstSlotAfter(p, fromMs); slotStartMs(p, slot) <= toMs; slot++) {
      const start = slotStartMs(p, slot);
      while (di < mine.length && mine[di]!.atMs <= start) current = mine[di++]!.behaviour;
      // A paused schedule starts nothing until a rollback unpauses it.
      if (current.kind === 'schedule_paused') continue;
      const run = simulateRun(spec.seed, p, slot, start, current, model.plan.incidents);
      runs.push(
        current.kind === 'schema_break' && model.schemaBreaks.has(`${p.index}:${slot}`)
          ? { ...run, schemaChange: 'ADD COLUMNS' }
          : run,
      );
    }
  }
  const ingested = sourceCommitsBetween(spec.seed, model.sources, fromMs, toMs, model.plan.incidents);
  const handEdits = model.handEdits.filter((e) => e.atMs > fromMs && e.atMs <= toMs);
  return { toMs, deploys, handEdits, runs, ingested };
}
