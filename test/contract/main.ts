// `npm run contract -- [--json]`: the Databricks path proven on Apache Spark SQL with Delta Lake.
// One simulated world, twice: the embedded verifier ticks on DuckDB; the Databricks verifier
// ticks through the real @databricks/sql driver against the local endpoint, on Delta tables
// created from sql/ddl in Spark and filled from the same world. Every verdict, check result,
// budget row, rollback ledger row and audit entry must come out the same.

import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { resolveCostBudgetPolicy } from '../../src/budget/cost-budget-policy.js';
import { resolveSloPolicy } from '../../src/budget/slo-policy.js';
import { DEFAULT_POLICY } from '../../src/checks/policy.js';
import { connect } from '../../src/cli/connect.js';
import { type PolicySet, parsePolicyFile } from '../../src/config/policy-file.js';
import { ensureWorldTemplate } from '../../src/demo/demo.js';
import { resolveRollbackPolicy } from '../../src/rollback/policy.js';
import type { SetupTarget } from '../../src/setup/plan.js';
import { defaultSpec } from '../../src/simulator/default-spec.js';
import { driftMetricsTableFor, driftMonitored } from '../../src/simulator/quality-monitors.js';
import { embeddedAuditKey } from '../../src/simulator/secret-scope.js';
import { SimWorld } from '../../src/simulator/world.js';
import { runTick } from '../../src/tick/run-tick.js';
import type { TickSummary } from '../../src/tick/types.js';
import { DEFAULT_UNTRACKED_POLICY } from '../../src/untracked/sweep.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import type { Warehouse } from '../../src/warehouse/port.js';
import type { Workspace } from '../../src/workspace/port.js';
import { afterReplay } from './after-replay.js';
import { compareOps } from './compare.js';
import { coverage, listSqlFiles } from './coverage.js';
import { sparkName } from './endpoint/catalog-names.js';
import { startEndpoint } from './endpoint/server.js';
import { SparkWorker } from './endpoint/spark-worker.js';
import { overlapOnSpark } from './overlap.js';
import { createDriftMetricsTable, createPlatformTables } from './platform.js';
import { probeBadInput } from './probes.js';
import { compareReaders } from './readers.js';
import { probeRestore } from './restore-probe.js';
import { mirroredTables } from './world/table-mirror.js';
import { twinWorlds } from './world/twin-worlds.js';

/** A small world whose replayed hours hold a failing deploy rolled back, a blocked rollback and an upstream incident. */
export const CONTRACT_SPEC = defaultSpec({ seed: 8, pipelines: 8, days: 7, deploysPerDay: 16, badShare: 0.7 });
/** Whole minutes from the environment; anything else ends the run at once, exit 2, naming the variable and the fix. */
function minutesFromEnv(name: string, fallback: number, least: number, hint: string): number {
  const raw = process.env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (Number.isInteger(n) && n >= least && n <= 100_000) return n;
  process.stderr.write(
    `contract: ${name}='${raw}' is not a whole number of minutes from ${least} to 100000; set it to one (${hint}) or unset it for ${fallback}\n`,
  );
  process.exit(2);
}
const STEP_MIN = minutesFromEnv('POSTFLIGHT_CONTRACT_STEP_MIN', 5, 1, 'simulated minutes between ticks');
const MINUTES = minutesFromEnv('POSTFLIGHT_CONTRACT_MINUTES', 300, STEP_MIN, '150 runs every file of sql/');
const HTTP_PATH = '/sql/1.0/warehouses/contract';
const CONTRACT_TICK_BUDGET_MS = 30 * 60_000;
const OPS = 'ops.postflight';
/** postflight's own verifier job, as the job passes --verifier-job-id. */
const OWN_JOB_ID = '990001';
const EVENT_LOG = 'ops.postflight.pipeline_event_log';
const DBT = 'analytics.elementary';

interface InstallEnv {
  readonly python: string;
  readonly jars: readonly string[];
  readonly spark_version: string;
  readonly delta_version: string;
}

/** What the run needs is not installed: said in one line, exit 2, as any bad input is. */
class SetupMissing extends Error {}

function installEnv(): InstallEnv {
  const file = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'postflight-contract', 'env.json');
  if (!existsSync(file))
    throw new SetupMissing(
      `contract: ${file} is missing; run 'bash test/contract/install.sh' first (it installs Spark and Delta)`,
    );
  return JSON.parse(readFileSync(file, 'utf8')) as InstallEnv;
}

const phase = (what: string) => process.env.POSTFLIGHT_CONTRACT_TRACE && process.stderr.write(`[contract] ${what}\n`);

async function main(): Promise<number> {
  const json = process.argv.includes('--json');
  const t0 = Date.now();
  const env = installEnv();
  const dir = resolve('.postflight/contract');
  const sparkDir = join(dir, 'spark');
  rmSync(sparkDir, { recursive: true, force: true });
  const template = await ensureWorldTemplate(join(dir, 'worlds'), CONTRACT_SPEC);
  phase('world template ready');
  const duckA = await DuckDbWarehouse.openCopyInMemory(template);
  const duckB = await DuckDbWarehouse.openCopyInMemory(template);
  const spark = await SparkWorker.start({
    python: env.python,
    jars: env.jars,
    dir: sparkDir,
    script: resolve('test/contract/spark/worker.py'),
  });
  phase('spark started');
  const versions = await spark.versions();
  const token = `dapi${randomBytes(16).toString('hex')}`;
  const endpoint = await startEndpoint({
    engine: spark,
    catalogs: ['ops', 'system', 'prod', 'analytics'],
    token,
    httpPath: HTTP_PATH,
    dir,
  });
  const startedMs = Date.now() - t0;
  // The Databricks side is wired as `postflight tick --warehouse databricks` wires it, from the
  // same environment variables.
  const sparkEnv = {
    DATABRICKS_HOST: `https://127.0.0.1:${endpoint.port}`,
    DATABRICKS_HTTP_PATH: HTTP_PATH,
    DATABRICKS_TOKEN: token,
    POSTFLIGHT_WORKSPACE_ID: '4242',
    POSTFLIGHT_OPS: OPS,
    POSTFLIGHT_EVENT_LOG: EVENT_LOG,
    POSTFLIGHT_DBT_ARTIFACTS: DBT,
    // The audit chain is keyed: Spark's rows hash under the world's own key, as DuckDB's do, so they compare.
    POSTFLIGHT_AUDIT_KEY: (await embeddedAuditKey(duckA, false))?.secret.toString('utf8'),
  };
  const conn = await connect({ warehouse: { kind: 'databricks' }, workspace: 'databricks', env: sparkEnv });
  const sparkWh = conn.wh;
  const platform: string[] = [];
  try {
    // `postflight setup`, the event log and the dbt schema a workspace has, Databricks' own system tables.
    platform.push(...(await createPlatformTables(spark, [DBT])));
    phase('platform tables created');
    await sparkWh.applyDdl('ddl/ops');
    await sparkWh.applyDdl('ddl/event_log');
    await sparkWh.applyDdl('ddl/elementary');
    phase('postflight set up');
    // Databricks' own monitors are read as a policy turns them on: data quality monitoring for
    // every table, a drift metrics table for the pipeline the world gives a drift monitor.
    const monitored = await driftMonitoredOf(duckA);
    await createDriftMetricsTable(spark, monitored.metricsTable);
    const policies = monitorsPolicy(monitored);
    const twins = await twinWorlds(
      duckA,
      duckB,
      spark,
      sparkWh,
      [
        ...mirroredTables(EVENT_LOG, DBT),
        { base: `sim_world.${monitored.metricsTable.replace('.', '__')}`, name: monitored.metricsTable },
      ],
      OPS,
      join(dir, 'load'),
    );
    const deps = (wh: Warehouse, ws: Workspace) => ({
      wh,
      ws,
      policy: DEFAULT_POLICY,
      policies,
      rollback: { policy: resolveRollbackPolicy(undefined) },
      slos: resolveSloPolicy(undefined),
      untracked: DEFAULT_UNTRACKED_POLICY,
      // Cost budgets kept on the first tick of each hour, postflight's own job and warehouse priced too.
      cost: {
        policy: resolveCostBudgetPolicy(policies.costBudgets)!,
        own: { verifierJobId: OWN_JOB_ID, warehouseId: 'contract' },
      },
      // The run compares decisions. A tick's time budget is measured on the wall clock, and a Spark
      // tick on a shared local machine takes far longer than on a warehouse: under the default
      // budget, what a tick leaves for the next would follow the machine's speed, not the dialect.
      tickBudgetMs: CONTRACT_TICK_BUDGET_MS,
    });
    const mirroredMs = Date.now() - t0;
    const start = twins.a.world.nowMs;
    const duckTicks: TickSummary[] = [];
    const sparkTicks: TickSummary[] = [];
    const took = { duckdb: 0, spark: 0, advance: 0 };
    const tickBoth = async (at: number) => {
      let t = Date.now();
      duckTicks.push(await runTick(deps(twins.a.wh, twins.a.ws), at));
      took.duckdb += Date.now() - t;
      t = Date.now();
      sparkTicks.push(await runTick(deps(sparkWh, twins.b.ws), at));
      took.spark += Date.now() - t;
    };
    phase('worlds mirrored');
    await tickBoth(start);
    phase('first tick done');
    for (let m = STEP_MIN; m <= MINUTES; m += STEP_MIN) {
      const t = Date.now();
      await twins.advance(start + m * 60_000);
      took.advance += Date.now() - t;
      await tickBoth(start + m * 60_000);
      if (!json) process.stderr.write(`\rminute ${m}/${MINUTES}`);
    }
    if (!json) process.stderr.write('\n');
    const replayMs = Date.now() - t0 - mirroredMs;
    const drift = await twins.tables.drift(twins.a.world.nowMs);
    const compared = await compareOps(duckA, spark, OPS);
    const judged = (
      await duckA.session.all(
        `SELECT d.deployment_id AS id, d.bundle, d.version, d.target, d.resources FROM postflight.deployments d
         JOIN postflight.verdicts v ON v.deployment_id = d.deployment_id ORDER BY v.updated_at DESC, d.deployment_id LIMIT 12`,
      )
    ).map((r) => ({
      id: String(r.id),
      bundle: String(r.bundle),
      version: String(r.version),
      target: String(r.target),
      resourceIds: (JSON.parse(String(r.resources ?? '[]')) as Array<{ id: string }>).map((x) => x.id),
    }));
    const tables = (
      await duckA.session.all('SELECT DISTINCT table_name FROM sim_world.delta_commits ORDER BY 1 LIMIT 6')
    ).map((r) => String(r.table_name));
    const rollbackIds = (await duckA.session.all('SELECT rollback_id FROM postflight.rollbacks ORDER BY 1')).map((r) =>
      String(r.rollback_id),
    );
    const readers = await compareReaders(twins.a.wh, sparkWh, twins.a.world.nowMs, judged, tables, rollbackIds);
    phase('readers compared');
    const after = await afterReplay({
      duck: duckA,
      duckWh: twins.a.wh,
      spark,
      sparkWh: sparkWh as Warehouse & SetupTarget,
      sparkOps: OPS,
      nowMs: twins.a.world.nowMs,
    });
    phase('setup, views, alerts, exports and retention compared');
    writeFileSync(join(dir, 'differences.json'), `${JSON.stringify(compared.differences, null, 1)}\n`);
    const replayed = endpoint.service.log.length;
    const probe = await probeBadInput(
      spark,
      sparkWh,
      twins.b.ws,
      deps,
      twins.a.world.nowMs,
      () =>
        endpoint.service.log
          .slice(replayed)
          .filter((s) => !s.ok)
          .map((s) => s.sent),
      (to) => twins.advance(to),
    );
    // Last, as it moves the Spark side on alone: two verifiers racing on two connections.
    const second = await connect({ warehouse: { kind: 'databricks' }, workspace: 'databricks', env: sparkEnv });
    const overlap = await overlapOnSpark({
      spark,
      ops: OPS,
      world: twins.b.world,
      first: sparkWh,
      second: second.wh,
      ws: twins.b.ws,
      deps,
      advance: (to) => twins.advance(to),
    })
      .catch((e: Error) => ({ ok: false, report: { error: e.stack ?? e.message } }))
      .finally(() => second.close().catch(() => undefined));
    phase('overlapping ticks raced');
    // RESTORE TABLE, which only `postflight restore apply` sends, on a table of its own.
    await spark.run(`CREATE DATABASE IF NOT EXISTS \`${sparkName('prod', 'restore_probe')}\``, []);
    const restored = await probeRestore(spark, sparkWh, 'prod.restore_probe.orders').catch((e: Error) => ({
      ok: false,
      report: { error: e.message },
    }));
    phase('restore run on Delta');
    const sent = endpoint.service.log.filter((s) => s.ok).map((s) => s.sent);
    const cover = coverage(listSqlFiles(resolve('sql')), [...sent, ...platform], sparkWh.locations);
    writeFileSync(
      join(dir, 'executed.json'),
      `${JSON.stringify({ at: new Date().toISOString(), covered: cover.covered, uncovered: cover.uncovered }, null, 2)}\n`,
    );
    const failed = endpoint.service.log.filter((s, i) => !s.ok && (i < replayed || !probe.expected.has(s.sent)));
    const verdicts = (t: TickSummary[]) => t.at(-1)?.verdicts ?? {};
    const result = {
      engines: ['duckdb', `spark ${versions.spark} + delta ${versions.delta}`],
      spark_version: versions.spark,
      delta_version: versions.delta,
      driver: '@databricks/sql 2.0.0 (thrift)',
      ticks: duckTicks.length,
      simulated_minutes: MINUTES,
      tick_every_min: STEP_MIN,
      statements: endpoint.service.log.length,
      statements_failed: failed.length,
      rows_compared: compared.rowsCompared + readers.rowsCompared + after.rowsCompared,
      rows_differing: compared.differences.length + readers.differences.length + after.differences.length,
      rows_by_table: compared.byTable,
      verdicts: { duckdb: verdicts(duckTicks), spark: verdicts(sparkTicks) },
      rollbacks_executed: {
        duckdb: duckTicks.reduce((n, t) => n + (t.rollbacks?.executed.length ?? 0), 0),
        spark: sparkTicks.reduce((n, t) => n + (t.rollbacks?.executed.length ?? 0), 0),
      },
      measurement_errors: { duckdb: count(duckTicks), spark: count(sparkTicks) },
      mirrored: { rows: twins.tables.rows, delta_commits: twins.history.commits, drift },
      bad_input: probe.report,
      overlapping_ticks: overlap.report,
      restore_on_delta: restored.report,
      sql_files_covered: cover.covered.length,
      sql_files_uncovered: cover.uncovered,
      seconds: {
        spark_start: startedMs / 1000,
        setup_and_mirror: (mirroredMs - startedMs) / 1000,
        replay: replayMs / 1000,
        ticks_duckdb: took.duckdb / 1000,
        ticks_spark: took.spark / 1000,
        world_advance_and_mirror: took.advance / 1000,
        total: (Date.now() - t0) / 1000,
      },
      failures: failed.slice(0, 10).map((f) => ({ error: f.error, sql: f.sent.slice(0, 300) })),
      differences: compared.differences.slice(0, 10),
      reader_differences: readers.differences.slice(0, 10),
      after_replay: after.report,
      after_replay_differences: after.differences.slice(0, 10),
    };
    process.stdout.write(`${JSON.stringify(result, null, json ? 0 : 2)}\n`);
    const ok =
      failed.length === 0 &&
      compared.differences.length === 0 &&
      readers.differences.length === 0 &&
      after.differences.length === 0 &&
      cover.uncovered.length === 0 &&
      drift.length === 0 &&
      probe.ok &&
      overlap.ok &&
      restored.ok;
    return ok ? 0 : 1;
  } finally {
    // Every statement the endpoint ran, as sent and as run, for looking into a failure.
    writeFileSync(join(dir, 'statements.jsonl'), endpoint.service.log.map((s) => JSON.stringify(s)).join('\n'));
    await conn.close().catch(() => undefined);
    await endpoint.close();
    await spark.close();
    await duckA.close();
    await duckB.close();
  }
}

async function driftMonitoredOf(wh: DuckDbWarehouse): Promise<{ table: string; metricsTable: string }> {
  const world = (await SimWorld.open(wh))!;
  const p = driftMonitored(world.catalog, world.plan, world.spec);
  return { table: p.targets[0]!.name, metricsTable: driftMetricsTableFor(p) };
}

function monitorsPolicy(m: { table: string; metricsTable: string }): PolicySet {
  return parsePolicyFile(
    JSON.stringify({
      version: 1,
      // Production's month overruns a dollar at the simulated burn; any other target has $400.
      costBudgets: { default: { '*': 400, prod: 1 } },
      checks: {
        monitors: {
          dataQualityMonitoring: true,
          drift: {
            [m.table]: {
              metricsTable: m.metricsTable,
              monitor: 'contract drift monitor',
              metrics: { population_stability_index: 0.2 },
            },
          },
        },
      },
    }),
    'contract.policy.json',
  );
}

const count = (ticks: readonly TickSummary[]) => ticks.reduce((n, t) => n + t.errors.length, 0);

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    if (e instanceof SetupMissing) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`contract: ${e.stack ?? e.message}\n`);
    process.exit(1);
  },
);
