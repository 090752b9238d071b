// The simulated platform, advanced in simulated time. Each step runs every scheduled run that
// starts in the step with the behaviour of the version deployed at that moment, applies the
// planned deployments (acting as CI: it records them the way `postflight record` does), and moves
// the clock that decides what the views show. The class holds what outlives a step (the clock, the
// staging state an undone step restores) and the step's transaction; working out a step is in
// world-step, writing it in stage-flush (runs) and world-resources (deploys).

import type { DuckDbWarehouse } from '../warehouse/duckdb/duckdb-warehouse.js';
import { writeBilling, writeListPrices } from './billing.js';
import type { SimPipeline, WorldSpec } from './catalog.js';
import { writeTableCreates } from './delta-tables.js';
import { writeHandEdits } from './hand-edits.js';
import type { DeployPlan } from './plan.js';
import { writeQualityMonitors } from './quality-monitors.js';
import { embeddedAuditKey } from './secret-scope.js';
import { flushRuns, type StagingState } from './stage-flush.js';
import { applyDeploys, writeInitialResources } from './world-resources.js';
import { createOpsTablesAndViews, createWorldSchema } from './world-schema.js';
import { buildWorldModel, computeStep, type Step, type WorldModel } from './world-step.js';

const DAY = 86_400_000;

/** A simulated step written but not yet visible: see SimWorld.stepAhead. */
export interface PendingStep {
  /** Makes the step visible; false when it could not be (it is undone: take the step again). */
  commit(): Promise<boolean>;
  /** Undoes the step as if it had never been taken. */
  abort(): Promise<void>;
}

/** Bump when the simulator or postflight's tables change for the same spec: cached worlds are rebuilt. */
export const WORLD_FORMAT = 18;

export class SimWorld {
  readonly spec: WorldSpec;
  readonly #wh: DuckDbWarehouse;
  #model: WorldModel | null = null;
  #nowMs: number;
  /** This connection's staging tables for runs: whether they exist, which hold rows from the previous flush. */
  #staging: StagingState = { staged: false, filled: [] };

  private constructor(wh: DuckDbWarehouse, spec: WorldSpec, nowMs: number) {
    this.#wh = wh;
    this.spec = spec;
    this.#nowMs = nowMs;
  }

  /**
   * The platform and its deployment plan, built on first use: a verifier that only reads the
   * world's clock (`postflight tick` on the embedded warehouse) does not pay for a plan of months
   * of deployments.
   */
  get #built(): WorldModel {
    this.#model ??= buildWorldModel(this.spec);
    return this.#model;
  }

  get catalog(): readonly SimPipeline[] {
    return this.#built.catalog;
  }

  get plan(): DeployPlan {
    return this.#built.plan;
  }

  get nowMs(): number {
    return this.#nowMs;
  }

  static async open(wh: DuckDbWarehouse): Promise<SimWorld | null> {
    const has = await wh.session.all(
      "SELECT 1 FROM information_schema.tables WHERE table_schema = 'sim_world' AND table_name = 'meta'",
    );
    if (has.length === 0) return null;
    const meta = await wh.session.all("SELECT value FROM sim_world.meta WHERE key = 'spec'");
    const clock = await wh.session.all('SELECT now_ms FROM sim_world.clock');
    if (meta.length === 0 || clock.length === 0) return null;
    await createOpsTablesAndViews(wh);
    return new SimWorld(wh, JSON.parse(String(meta[0]!.value)) as WorldSpec, Number(clock[0]!.now_ms));
  }

  /** Builds the world and its history up to spec.startMs. */
  static async create(
    wh: DuckDbWarehouse,
    spec: WorldSpec,
    progress?: (done: number, total: number) => void,
  ): Promise<SimWorld> {
    await createWorldSchema(wh);
    // The world's audit key is made with it, before anything runs concurrently on the file.
    await embeddedAuditKey(wh, true);
    const from = spec.startMs - spec.days * DAY;
    const world = new SimWorld(wh, spec, from);
    const s = wh.session;
    await s.run('DELETE FROM sim_world.meta');
    await s.run("INSERT INTO sim_world.meta VALUES ('spec', $spec)", { spec: JSON.stringify(spec) });
    await s.run('DELETE FROM sim_world.clock');
    await s.run('INSERT INTO sim_world.clock VALUES ($now)', { now: from });
    await writeInitialResources(wh, spec, world.catalog, world.plan, from);
    await writeTableCreates(wh, world.catalog, from);
    // Databricks' own monitors' results, each hidden until its scan or refresh.
    await writeQualityMonitors(wh, spec, world.catalog, world.plan);
    await writeListPrices(wh, spec.startMs);
    for (let d = 0; d < spec.days; d++) {
      await world.advance(from + (d + 1) * DAY);
      progress?.(d + 1, spec.days);
    }
    return world;
  }

  async advance(toMs: number): Promise<void> {
    if (toMs <= this.#nowMs) return;
    const step = await this.#compute(toMs);
    if (
      step.runs.length === 0 &&
      step.deploys.length === 0 &&
      step.handEdits.length === 0 &&
      step.ingested.length === 0
    ) {
      await this.#wh.session.run('UPDATE sim_world.clock SET now_ms = $now', { now: toMs });
      this.#nowMs = toMs;
      return;
    }
    await (await this.#open(step)).commit();
  }

  /**
   * Takes the step to `toMs` in a transaction left open, so that a replay can write the next
   * minute while the verifier judges this one on another connection; nothing of it is visible
   * until `commit`. Null when the step deploys or edits by hand: either changes the control plane,
   * which a rollback by the verifier may be changing at the same time.
   */
  async stepAhead(toMs: number): Promise<PendingStep | null> {
    if (toMs <= this.#nowMs) return null;
    const step = await this.#compute(toMs);
    if (step.deploys.length || step.handEdits.length) return null;
    const open = await this.#open(step);
    return {
      commit: () =>
        open.commit().then(
          () => true,
          () => false,
        ),
      abort: open.abort,
    };
  }

  /**
   * Writes a step in a transaction of its own (one per simulated minute: what the platform did in
   * it appears at once, and a file is synced once rather than per table). Commit moves the clock;
   * a failed write or commit, or an abort, undoes it all, the staging state included.
   */
  async #open(step: Step): Promise<{ commit(): Promise<void>; abort(): Promise<void> }> {
    const s = this.#wh.session;
    const kept = { ...this.#staging };
    const abort = async () => {
      await s.run('ROLLBACK').catch(() => undefined);
      this.#staging = { ...kept };
    };
    await s.run('BEGIN TRANSACTION');
    try {
      await this.#write(step);
    } catch (e) {
      await abort();
      throw e;
    }
    const commit = async () => {
      try {
        await s.run('COMMIT');
      } catch (e) {
        await abort();
        throw e;
      }
      this.#nowMs = step.toMs;
    };
    return { commit, abort };
  }

  /** What the platform does from now to `toMs`: the runs that start, the deploys, the ingestion. */
  async #compute(toMs: number): Promise<Step> {
    return computeStep(this.#wh, this.spec, this.#built, this.#nowMs, toMs);
  }

  /** Writes a step inside the caller's transaction, the clock last. */
  async #write(step: Step): Promise<void> {
    await flushRuns(this.#wh, this.spec.seed, this.#staging, step.runs, step.ingested);
    await writeBilling(this.#wh, step.runs);
    if (step.deploys.length) await applyDeploys(this.#wh, this.catalog, step.deploys);
    if (step.handEdits.length) await writeHandEdits(this.#wh, this.catalog, step.handEdits);
    await this.#wh.session.run('UPDATE sim_world.clock SET now_ms = $now', { now: step.toMs });
  }
}
