// The simulated platform, advanced in simulated time. Each step runs every scheduled run that
// starts in the step with the behaviour of the version deployed at that moment, applies the
// planned deployments (acting as CI: it records them the way `postflight record` does), and moves
// the clock that decides what the views show.

import { type RecordBatch, recordDeployments } from '../ci/record.js';
import type { DuckDbWarehouse } from '../warehouse/duckdb/duckdb-warehouse.js';
import { inlineRowsJson, inlineRowsSelect, ROWS_PARAM } from '../warehouse/duckdb/inline-rows.js';
import type { RowBatch, SqlValue, StagedType } from '../warehouse/port.js';
import { loadSql, splitStatements } from '../warehouse/sql-files.js';
import { buildCatalog, firstSlotAfter, type SimPipeline, slotStartMs, type WorldSpec } from './catalog.js';
import { dbtRunRows, dbtTestRows, type ElementaryRow, elementaryBatch } from './elementary.js';
import { type Behaviour, buildPlan, type DeployPlan, type PlannedDeploy } from './plan.js';
import { uniform } from './random.js';
import { type SimRun, simulateRun } from './runs.js';
import { jobSettings, pipelineSpec } from './settings.js';
import { type SourceCommit, sourceCommitsBetween, sourceTablesOf } from './sources.js';
import { createWorldSchema } from './world-schema.js';

/** How long after the fact each source shows the fact (system tables are hours late). */
export const LATENCY_MS = { lakeflow: 90 * 60_000, lineage: 60 * 60_000 } as const;

const DAY = 86_400_000;

/** A simulated step written but not yet visible: see SimWorld.stepAhead. */
export interface PendingStep {
  /** Makes the step visible; false when it could not be (it is undone: take the step again). */
  commit(): Promise<boolean>;
  /** Undoes the step as if it had never been taken. */
  abort(): Promise<void>;
}

interface Step {
  readonly toMs: number;
  readonly deploys: readonly PlannedDeploy[];
  readonly runs: readonly SimRun[];
  readonly ingested: readonly SourceCommit[];
}

/** Bump when the simulator writes different data for the same spec: cached worlds are rebuilt. */
export const WORLD_FORMAT = 7;

export class SimWorld {
  readonly spec: WorldSpec;
  readonly #wh: DuckDbWarehouse;
  #model: {
    catalog: readonly SimPipeline[];
    plan: DeployPlan;
    schemaBreaks: ReadonlySet<string>;
    sources: readonly string[];
  } | null = null;
  #nowMs: number;
  /** Whether this connection's staging tables for runs exist yet. */
  #staged = false;
  /** Staging tables holding rows from the previous flush. */
  #filled: StageTable[] = [];

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
  get #built(): {
    catalog: readonly SimPipeline[];
    plan: DeployPlan;
    schemaBreaks: ReadonlySet<string>;
    sources: readonly string[];
  } {
    if (this.#model === null) {
      const catalog = buildCatalog(this.spec);
      const plan = buildPlan(this.spec, catalog);
      // pipeline index:slot of the first run after each schema-breaking deploy (it alters the table).
      const schemaBreaks = new Set(
        plan.deploys
          .filter((d) => d.behaviour.kind === 'schema_break')
          .map((d) => `${d.pipelineIndex}:${firstSlotAfter(catalog[d.pipelineIndex]!, d.atMs - 1)}`),
      );
      this.#model = { catalog, plan, schemaBreaks, sources: sourceTablesOf(catalog) };
    }
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
    return new SimWorld(wh, JSON.parse(String(meta[0]!.value)) as WorldSpec, Number(clock[0]!.now_ms));
  }

  /** Builds the world and its history up to spec.startMs. */
  static async create(
    wh: DuckDbWarehouse,
    spec: WorldSpec,
    progress?: (done: number, total: number) => void,
  ): Promise<SimWorld> {
    await createWorldSchema(wh);
    const from = spec.startMs - spec.days * DAY;
    const world = new SimWorld(wh, spec, from);
    const s = wh.session;
    await s.run('DELETE FROM sim_world.meta');
    await s.run("INSERT INTO sim_world.meta VALUES ('spec', $spec)", { spec: JSON.stringify(spec) });
    await s.run('DELETE FROM sim_world.clock');
    await s.run('INSERT INTO sim_world.clock VALUES ($now)', { now: from });
    await world.#writeInitialResources(from);
    for (let d = 0; d < spec.days; d++) {
      await world.advance(from + (d + 1) * DAY);
      progress?.(d + 1, spec.days);
    }
    return world;
  }

  async #writeInitialResources(atMs: number): Promise<void> {
    const s = this.#wh.session;
    for (const p of this.catalog) {
      const version = this.plan.initialVersions.get(p.bundle)!;
      const settings = p.resourceType === 'job' ? jobSettings(p, version) : pipelineSpec(p, version);
      await s.run('INSERT INTO sim_world.api_resources VALUES ($id, $type, $bundle, $version, $settings, $at, $at)', {
        id: p.id,
        type: p.resourceType,
        bundle: p.bundle,
        version,
        settings: JSON.stringify(settings),
        at: atMs,
      });
    }
    await this.#writeScdRows(this.catalog.map((p) => ({ p, changeMs: atMs - 30 * DAY })));
    await this.#writeElementary(
      'dbt_tests',
      this.catalog.filter((p) => p.kind === 'dbt').flatMap((p) => dbtTestRows(this.spec.seed, p, atMs)),
    );
    // Every version the plan will deploy, with its behaviour: one batch rather than a statement each.
    const versions: Array<Array<string | number | null>> = [
      ...this.catalog.map((p) => [p.bundle, this.plan.initialVersions.get(p.bundle)!, null, 1]),
      ...this.plan.deploys.map((d) => [d.bundle, d.version, d.behaviour.kind, d.behaviour.factor]),
    ];
    await s.append('sim_world.versions', ['STRING', 'STRING', 'STRING', 'DOUBLE'], versions);
    for (const i of this.plan.incidents) {
      await s.run('INSERT INTO sim_world.incidents VALUES ($source, $from, $to, $factor, $dep)', {
        source: i.source,
        from: i.fromMs,
        to: i.toMs,
        factor: i.factor,
        dep: i.deploymentId,
      });
    }
  }

  /** The resources' rows in the slowly changing lakeflow.jobs / lakeflow.pipelines tables, one statement per kind. */
  async #writeScdRows(changes: ReadonlyArray<{ readonly p: SimPipeline; readonly changeMs: number }>): Promise<void> {
    for (const type of ['job', 'pipeline'] as const) {
      const mine = changes.filter((c) => c.p.resourceType === type);
      if (mine.length === 0) continue;
      const batch = rowBatch(
        SCD_COLUMNS,
        mine.map((c) => [c.p.id, c.p.name, c.p.bundle, c.changeMs, c.changeMs + LATENCY_MS.lakeflow]),
      );
      await this.#wh.session.run(
        type === 'job'
          ? `INSERT INTO sim_world.system_lakeflow__jobs BY NAME SELECT '1001' AS account_id, '4242' AS workspace_id, r.id AS job_id, r.name AS name,
               map(['bundle'], [r.bundle]) AS tags, timestamp_millis(r.at) AS change_time, 'sp-etl' AS run_as, 'CRON' AS trigger_type,
               false AS paused, struct_pack(kind := 'BUNDLE', metadata_file_path := '/Workspace/.bundle/' || r.bundle || '/prod/state/metadata.json') AS deployment,
               timestamp_millis(r.visible) AS _visible_at FROM (${batch.select}) r`
          : `INSERT INTO sim_world.system_lakeflow__pipelines BY NAME SELECT '1001' AS account_id, '4242' AS workspace_id, r.id AS pipeline_id,
               'ETL_PIPELINE' AS pipeline_type, r.name AS name, map(['bundle'], [r.bundle]) AS tags, timestamp_millis(r.at) AS change_time,
               timestamp_millis(r.visible) AS _visible_at FROM (${batch.select}) r`,
        batch.params,
      );
    }
  }

  /** Rows of one of Elementary's tables, one statement for all of them. */
  async #writeElementary(
    table: 'dbt_invocations' | 'dbt_run_results' | 'dbt_tests',
    rows: readonly ElementaryRow[],
  ): Promise<void> {
    if (rows.length === 0) return;
    const batch = elementaryBatch(rows);
    const { select, params } = rowBatch(batch.columns, batch.rows);
    await this.#wh.session.run(`INSERT INTO sim_world.elementary__${table} BY NAME ${select}`, params);
  }

  /** Current version and behaviour of every resource, as the control plane has it now. */
  async #currentBehaviours(): Promise<Map<string, Behaviour>> {
    const rows = await this.#wh.session.all(
      'SELECT r.resource_id, v.kind, v.factor FROM sim_world.api_resources r LEFT JOIN sim_world.versions v ON v.bundle = r.bundle AND v.version = r.version',
    );
    return new Map(
      rows.map((r) => [
        String(r.resource_id),
        { kind: (r.kind as Behaviour['kind']) ?? null, factor: Number(r.factor ?? 1) },
      ]),
    );
  }

  async advance(toMs: number): Promise<void> {
    if (toMs <= this.#nowMs) return;
    const step = await this.#compute(toMs);
    if (step.runs.length === 0 && step.deploys.length === 0 && step.ingested.length === 0) {
      await this.#wh.session.run('UPDATE sim_world.clock SET now_ms = $now', { now: toMs });
      this.#nowMs = toMs;
      return;
    }
    await (await this.#open(step)).commit();
  }

  /**
   * Takes the step to `toMs` in a transaction left open, so that a replay can write the next
   * minute while the verifier judges this one on another connection; nothing of it is visible
   * until `commit`. Null when the step deploys: a deploy changes the control plane, which a
   * rollback by the verifier may be changing at the same time.
   */
  async stepAhead(toMs: number): Promise<PendingStep | null> {
    if (toMs <= this.#nowMs) return null;
    const step = await this.#compute(toMs);
    if (step.deploys.length) return null;
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
    const kept = { staged: this.#staged, filled: this.#filled };
    const abort = async () => {
      await s.run('ROLLBACK').catch(() => undefined);
      this.#staged = kept.staged;
      this.#filled = kept.filled;
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
    const fromMs = this.#nowMs;
    const deploys = this.plan.deploys.filter((d) => d.atMs > fromMs && d.atMs <= toMs);
    const starting = this.catalog.filter((p) => slotStartMs(p, firstSlotAfter(p, fromMs)) <= toMs);
    // Most minutes start no run: then the control plane need not be asked what each resource runs.
    const behaviours = starting.length ? await this.#currentBehaviours() : new Map<string, Behaviour>();
    const runs: SimRun[] = [];
    for (const p of starting) {
      const mine = deploys.filter((d) => d.pipelineIndex === p.index);
      let current = behaviours.get(p.id) ?? { kind: null, factor: 1 };
      let di = 0;
      for (let slot = firstSlotAfter(p, fromMs); slotStartMs(p, slot) <= toMs; slot++) {
        const start = slotStartMs(p, slot);
        while (di < mine.length && mine[di]!.atMs <= start) current = mine[di++]!.behaviour;
        const run = simulateRun(this.spec.seed, p, slot, start, current, this.plan.incidents);
        runs.push(
          current.kind === 'schema_break' && this.#built.schemaBreaks.has(`${p.index}:${slot}`)
            ? { ...run, schemaChange: 'ADD COLUMNS' }
            : run,
        );
      }
    }
    const ingested = sourceCommitsBetween(this.spec.seed, this.#built.sources, fromMs, toMs, this.plan.incidents);
    return { toMs, deploys, runs, ingested };
  }

  /** Writes a step inside the caller's transaction, the clock last. */
  async #write(step: Step): Promise<void> {
    await this.#flush(step.runs, step.ingested);
    if (step.deploys.length) await this.#applyDeploys(step.deploys);
    await this.#wh.session.run('UPDATE sim_world.clock SET now_ms = $now', { now: step.toMs });
  }

  async #applyDeploys(deploys: readonly PlannedDeploy[]): Promise<void> {
    const s = this.#wh.session;
    const batch: {
      deployments: RecordBatch['deployments'][number][];
      snapshots: RecordBatch['snapshots'][number][];
      events: RecordBatch['events'][number][];
    } = {
      deployments: [],
      snapshots: [],
      events: [],
    };
    const labels: Array<Array<string | number | null>> = [];
    const current = new Map<string, readonly SqlValue[]>();
    for (const d of deploys) {
      const p = this.catalog[d.pipelineIndex]!;
      const settings = p.resourceType === 'job' ? jobSettings(p, d.version) : pipelineSpec(p, d.version);
      // A resource deployed twice in one step ends up with its later deploy.
      current.set(p.id, [p.id, d.version, JSON.stringify(settings), d.atMs]);
      labels.push([
        d.deploymentId,
        d.bundle,
        d.version,
        d.label,
        d.behaviour.kind,
        d.behaviour.factor,
        d.atMs,
        p.kind,
        p.cadenceMin,
      ]);
      const resource = {
        type: p.resourceType,
        id: p.id,
        key: p.name,
        ...(p.resourceType === 'job' ? { dbt: p.kind === 'dbt' } : {}),
      };
      const traceId = d.deploymentId.replace('dep-', '').padEnd(32, '0');
      batch.deployments.push({
        deploymentId: d.deploymentId,
        bundle: d.bundle,
        target: d.target,
        version: d.version,
        previousVersion: d.previousVersion,
        actor: 'sp-ci-deployer',
        ciRunUrl: `https://ci.example.com/${d.bundle}/runs/${d.seq}`,
        startedMs: d.atMs - 90_000,
        finishedMs: d.atMs,
        status: 'SUCCEEDED',
        resources: [resource],
        expectedChanges: [],
        traceId,
      });
      batch.snapshots.push({ deploymentId: d.deploymentId, snapshot: { resource, settings } });
      batch.events.push({
        deploymentId: d.deploymentId,
        traceId,
        event: {
          stage: 'deploy',
          attempt: 1,
          startedMs: d.atMs - 90_000,
          finishedMs: d.atMs,
          status: 'SUCCEEDED',
          attributes: { seq: d.seq },
          spanId: traceId.slice(0, 16),
        },
      });
    }
    const resources = rowBatch(RESOURCE_COLUMNS, [...current.values()]);
    await s.run(
      `UPDATE sim_world.api_resources AS a SET version = r.version, settings = r.settings, changed_ms = r.at, last_modified = r.at
       FROM (${resources.select}) r WHERE a.resource_id = r.id`,
      resources.params,
    );
    await this.#writeScdRows(deploys.map((d) => ({ p: this.catalog[d.pipelineIndex]!, changeMs: d.atMs })));
    await s.append(
      'sim_world.labels',
      ['STRING', 'STRING', 'STRING', 'STRING', 'STRING', 'DOUBLE', 'BIGINT', 'STRING', 'BIGINT'],
      labels,
    );
    await recordDeployments(this.#wh, batch, deploys[deploys.length - 1]!.atMs);
  }

  async #flush(runs: readonly SimRun[], ingested: readonly SourceCommit[]): Promise<void> {
    if (runs.length === 0 && ingested.length === 0) return;
    const s = this.#wh.session;
    if (!this.#staged) {
      for (const stmt of splitStatements(loadSql('embedded/sim_stage_runs'))) await s.run(stmt);
      this.#staged = true;
    }
    // Only the stages the previous flush filled need emptying.
    for (const t of this.#filled) await s.run(`DELETE FROM ${t}`);
    const stageRuns: (string | number | null)[][] = [];
    const stageTasks: (string | number | null)[][] = [];
    const stageCommits: (string | number | null)[][] = [];
    const stageLineage: (string | number | null)[][] = [];
    const stageEvents: (string | number | null)[][] = [];
    for (const r of runs) {
      const p = r.pipeline;
      const slow = r.endMs + LATENCY_MS.lakeflow;
      const resultState = r.succeeded ? 'SUCCEEDED' : 'FAILED';
      if (p.resourceType === 'job') {
        stageRuns.push([
          p.id,
          null,
          r.runId,
          p.name,
          r.startMs,
          r.endMs,
          resultState,
          r.succeeded ? 'SUCCESS' : 'FAILED',
          r.terminationCode,
          r.terminationType,
          JSON.stringify(r.tasks),
          slow,
        ]);
        for (const t of r.tasks)
          stageTasks.push([
            p.id,
            r.runId,
            t.runId,
            t.taskKey,
            t.startMs,
            t.endMs,
            t.result,
            t.result === 'SUCCEEDED' ? 'SUCCESS' : r.terminationCode,
            slow,
          ]);
        if (r.schemaChange)
          stageCommits.push([
            p.targets[0]!.name,
            r.slot,
            r.startMs + 1000,
            r.schemaChange,
            null,
            p.id,
            p.name,
            r.runId,
          ]);
        r.rows.forEach((rows, i) => {
          if (rows === null) return;
          stageCommits.push([
            p.targets[i]!.name,
            r.slot,
            r.endMs - (r.rows.length - i) * 1000,
            p.kind === 'dbt' ? 'CREATE OR REPLACE TABLE AS SELECT' : 'WRITE',
            rows,
            p.id,
            p.name,
            r.runId,
          ]);
        });
      } else {
        stageRuns.push([
          null,
          p.id,
          r.runId,
          p.name,
          r.startMs,
          r.endMs,
          resultState,
          null,
          r.terminationCode,
          r.terminationType,
          null,
          slow,
        ]);
        stageEvents.push([
          `${r.runId}-c`,
          p.id,
          p.name,
          r.runId,
          null,
          r.startMs,
          `Update ${r.runId.slice(-6)} started by SCHEDULE.`,
          'INFO',
          JSON.stringify({ create_update: { cause: 'JOB_TASK', full_refresh: false } }),
          'create_update',
          null,
        ]);
        r.rows.forEach((rows, i) => {
          if (rows === null) return;
          const flow = p.targets[i]!.name.split('.').pop()!;
          const expectations =
            i === 0
              ? r.expectations.map((e) => ({
                  name: e.name,
                  dataset: e.dataset,
                  passed_records: e.passed,
                  failed_records: e.failed,
                }))
              : [];
          stageEvents.push([
            `${r.runId}-f${i}`,
            p.id,
            p.name,
            r.runId,
            flow,
            r.endMs - 2000,
            `Flow '${flow}' has COMPLETED.`,
            'METRICS',
            JSON.stringify({
              flow_progress: {
                status: 'COMPLETED',
                metrics: { num_output_rows: rows, ...backlogAt(this.spec.seed, r, i, rows) },
                data_quality: { dropped_records: 0, expectations },
              },
            }),
            'flow_progress',
            null,
          ]);
        });
        const state = r.succeeded ? 'COMPLETED' : 'FAILED';
        stageEvents.push([
          `${r.runId}-u`,
          p.id,
          p.name,
          r.runId,
          null,
          r.endMs,
          `Update ${r.runId.slice(-6)} is ${state}.`,
          r.succeeded ? 'INFO' : 'ERROR',
          JSON.stringify({ update_progress: { state } }),
          'update_progress',
          r.succeeded
            ? null
            : JSON.stringify({
                fatal: true,
                exceptions: [
                  {
                    class_name: r.terminationType === 'CLOUD_FAILURE' ? 'CloudProviderException' : 'AnalysisException',
                    message: r.terminationCode,
                  },
                ],
              }),
        ]);
      }
      for (const src of p.sources) {
        for (const [i, t] of p.targets.entries()) {
          if (r.rows[i] === null) continue;
          stageLineage.push([
            p.resourceType === 'job' ? 'JOB' : 'PIPELINE',
            p.id,
            r.runId,
            src,
            t.name,
            r.endMs,
            r.endMs + LATENCY_MS.lineage,
            `${r.runId}-${i}-${src}`,
          ]);
        }
      }
    }
    // Ingestion into the source tables runs outside any job the workspace knows of.
    for (const c of ingested)
      stageCommits.push([c.table, c.version, c.timestampMs, 'STREAMING UPDATE', c.rows, null, null, null]);
    const stages: Array<[StageTable, readonly StagedType[], typeof stageRuns]> = [
      [
        'stage_runs',
        [
          'STRING',
          'STRING',
          'STRING',
          'STRING',
          'BIGINT',
          'BIGINT',
          'STRING',
          'STRING',
          'STRING',
          'STRING',
          'STRING',
          'BIGINT',
        ],
        stageRuns,
      ],
      [
        'stage_tasks',
        ['STRING', 'STRING', 'STRING', 'STRING', 'BIGINT', 'BIGINT', 'STRING', 'STRING', 'BIGINT'],
        stageTasks,
      ],
      ['stage_commits', ['STRING', 'BIGINT', 'BIGINT', 'STRING', 'BIGINT', 'STRING', 'STRING', 'STRING'], stageCommits],
      ['stage_lineage', ['STRING', 'STRING', 'STRING', 'STRING', 'STRING', 'BIGINT', 'BIGINT', 'STRING'], stageLineage],
      [
        'stage_events',
        ['STRING', 'STRING', 'STRING', 'STRING', 'STRING', 'BIGINT', 'STRING', 'STRING', 'STRING', 'STRING', 'STRING'],
        stageEvents,
      ],
    ];
    this.#filled = stages.filter(([, , rows]) => rows.length > 0).map(([t]) => t);
    for (const [table, types, rows] of stages) if (rows.length) await s.append(table, types, rows);
    // Most minutes start runs of one kind only: statements moving an empty stage are skipped.
    const rowsIn: Record<string, number> = {
      stage_runs: stageRuns.length,
      'stage_runs:job_id': stageRuns.filter((r) => r[0] !== null).length,
      'stage_runs:pipeline_id': stageRuns.filter((r) => r[1] !== null).length,
      stage_tasks: stageTasks.length,
      stage_commits: stageCommits.length,
      stage_lineage: stageLineage.length,
      stage_events: stageEvents.length,
    };
    for (const stmt of flushStatementsOf()) if ((rowsIn[stmt.stage] ?? 1) > 0) await s.run(stmt.sql);
    const dbt = runs.filter((r) => r.pipeline.kind === 'dbt').map((r) => dbtRunRows(this.spec.seed, r));
    await this.#writeElementary(
      'dbt_invocations',
      dbt.flatMap((d) => d.invocations),
    );
    await this.#writeElementary(
      'dbt_run_results',
      dbt.flatMap((d) => d.results),
    );
  }
}

const SCD_COLUMNS: RowBatch['columns'] = [
  { name: 'id', type: 'STRING' },
  { name: 'name', type: 'STRING' },
  { name: 'bundle', type: 'STRING' },
  { name: 'at', type: 'BIGINT' },
  { name: 'visible', type: 'BIGINT' },
];
const RESOURCE_COLUMNS: RowBatch['columns'] = [
  { name: 'id', type: 'STRING' },
  { name: 'version', type: 'STRING' },
  { name: 'settings', type: 'STRING' },
  { name: 'at', type: 'BIGINT' },
];

/** Rows as one JSON parameter of the statement, the way the warehouse sends a row batch. */
function rowBatch(
  columns: RowBatch['columns'],
  rows: ReadonlyArray<readonly SqlValue[]>,
): { select: string; params: Record<string, SqlValue> } {
  return { select: inlineRowsSelect(columns), params: { [ROWS_PARAM]: inlineRowsJson({ columns, rows }) } };
}

type StageTable = 'stage_runs' | 'stage_tasks' | 'stage_commits' | 'stage_lineage' | 'stage_events';

/** The flush statements, each with the stage it reads (and for runs, which kind of run): `stage_runs:job_id`. */
let flushStatements: Array<{ sql: string; stage: string }> | null = null;
function flushStatementsOf(): Array<{ sql: string; stage: string }> {
  flushStatements ??= splitStatements(loadSql('embedded/sim_flush_runs')).map((sql) => {
    const m = /FROM (stage_\w+)(?: WHERE (job_id|pipeline_id) IS NOT NULL)?/.exec(sql);
    return { sql, stage: m ? (m[2] ? `${m[1]}:${m[2]}` : m[1]!) : '' };
  });
  return flushStatements;
}

export const DEFAULT_START_MS = Date.UTC(2026, 10, 2); // Monday 2026-11-02, 00:00 UTC

export function defaultSpec(overrides: Partial<WorldSpec> = {}): WorldSpec {
  return {
    seed: 7,
    pipelines: 24,
    days: 28,
    deploysPerDay: 30,
    startMs: DEFAULT_START_MS,
    badShare: 0.3,
    ...overrides,
  };
}

/** What a streaming flow still had to read when its update finished: a small, noisy share of its input. */
function backlogAt(
  seed: number,
  r: SimRun,
  flow: number,
  rows: number,
): { backlog_records: number; backlog_seconds: number; backlog_bytes: number } {
  const share = 0.02 * Math.exp(0.3 * (uniform(seed, 'backlog', r.runId, flow) - 0.5));
  const records = Math.round(rows * share);
  return { backlog_records: records, backlog_seconds: Math.round(5 + 60 * share * 10), backlog_bytes: records * 512 };
}
