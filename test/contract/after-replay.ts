// What runs on postflight's tables besides the tick, run on both engines once the replay is over:
// `postflight setup` as on a workspace (its tables, its views and the event-log view over the
// published event logs), every view read back, the SQL alerts' queries, the backtest export
// queries, and two retention runs (one moving every row past its hot window to the archive, one
// purging the archive a year on). Every row they leave or return must be the same on both.

import { type DeploymentRecord, recordDeployments } from '../../src/ci/record.js';
import type { RetentionReport } from '../../src/retention/report.js';
import { runRetention } from '../../src/retention/run-retention.js';
import { applyPlan, type SetupTarget, setupPlan } from '../../src/setup/plan.js';
import type { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import type { Row, SqlParams, Warehouse } from '../../src/warehouse/port.js';
import { listSql, loadSql } from '../../src/warehouse/sql-files.js';
import { parameterNames } from '../../src/warehouse/sql-template.js';
import { type Comparison, compareOps, opsTableKeys } from './compare.js';
import type { EngineColumn } from './endpoint/engine.js';
import type { SparkWorker } from './endpoint/spark-worker.js';
import { canonical } from './readers.js';
import { sparkTable } from './world/table-mirror.js';

const DAY = 86_400_000;

/** What a tick cost (its wall time, the adapter's own counts of calls): no decision of the engine's. */
const TICK_COST: Readonly<Record<string, readonly string[]>> = {
  verifier_ticks: ['duration_ms', 'statements', 'history_reads', 'rest_calls'],
};

export interface AfterReplay {
  readonly rowsCompared: number;
  readonly differences: Array<{ what: string; detail: unknown }>;
  readonly report: Record<string, unknown>;
}

interface Sides {
  readonly duck: DuckDbWarehouse;
  readonly duckWh: Warehouse;
  readonly spark: SparkWorker;
  readonly sparkWh: Warehouse & SetupTarget;
  readonly sparkOps: string;
  readonly nowMs: number;
}

export async function afterReplay(s: Sides): Promise<AfterReplay> {
  const out = { rowsCompared: 0, differences: [] as AfterReplay['differences'], report: {} as Record<string, unknown> };
  const add = (what: string, c: { rowsCompared: number; differences: readonly unknown[] }) => {
    out.rowsCompared += c.rowsCompared;
    for (const d of c.differences) out.differences.push({ what, detail: d });
  };

  // setup as on a workspace: the tick reads the event log through the view setup makes over the
  // published event logs; here the view is made beside the table the replay read, and must show it.
  const eventLogView = `${s.sparkOps}.pipeline_event_log_view`;
  const steps = setupPlan({ ...s.sparkWh.locations, eventLog: eventLogView }, [s.sparkWh.locations.eventLog]);
  out.report.setup_steps = await applyPlan(steps, s.sparkWh);
  const [table, view] = [
    await s.spark.run(`SELECT id FROM ${sparkTable(s.sparkWh.locations.eventLog)} ORDER BY id`, []),
    await s.spark.run(`SELECT id FROM ${sparkTable(eventLogView)} ORDER BY id`, []),
  ];
  add('event log view', {
    rowsCompared: Math.max(table.rows.length, view.rows.length),
    differences:
      JSON.stringify(table.rows) === JSON.stringify(view.rows)
        ? []
        : [{ table: table.rows.length, view: view.rows.length }],
  });

  for (const name of listSql('views')) add(name, await compareView(s, name.slice('views/'.length)));

  const both = async (name: string, params: SqlParams) => {
    const [a, b] = [await s.duckWh.query(name, params), await s.sparkWh.query(name, params)];
    const diff = canonical(a) === canonical(b) ? [] : [{ params, duckdb: a.slice(0, 2), spark: b.slice(0, 2) }];
    add(name, { rowsCompared: Math.max(a.length, b.length), differences: diff });
  };
  for (const name of listSql('alerts')) await both(name, paramsFor(name, s));
  for (const name of listSql('export')) await both(name, paramsFor(name, s));
  await both('tick/deployments_span', { now_ms: s.nowMs });
  // What `postflight gate` reads of a promotion's cost: the rises verified for a version whose cost
  // was judged, and the target's budget the hourly step kept.
  const [costed] = (await s.duck.session.all(
    `SELECT d.bundle, d.version, d.target FROM postflight.deployments d
     JOIN postflight.check_results c ON c.deployment_id = d.deployment_id
     WHERE c.check_name = 'cost' ORDER BY c.evaluated_at DESC, d.deployment_id LIMIT 1`,
  )) as Array<{ bundle: string; version: string; target: string }>;
  if (costed)
    await both('gate/cost_rise', {
      bundle: costed.bundle,
      version: costed.version,
      from_target: costed.target,
      to_target: costed.target,
      since_ms: s.nowMs - 2 * DAY,
    });
  out.report.gate_cost_read = costed ? `${costed.bundle} ${costed.version} ${costed.target}` : null;

  // CI ships a fix forward for every bundle whose deploy was rolled back or blocked, recorded on
  // both as `postflight record` records it: the failed deployments are then no bundle's newest,
  // and their rows, the rollback ledger's included, become history that retention moves.
  const failed = (await s.duck.session.all(
    'SELECT DISTINCT bundle, target FROM postflight.rollbacks ORDER BY 1, 2',
  )) as Array<{ bundle: string; target: string }>;
  const fixes = failed.map(
    (f, i): DeploymentRecord => ({
      deploymentId: `dep-contract-fix-${i}`,
      bundle: f.bundle,
      target: f.target,
      version: `fix${String(i).padStart(37, '0')}`,
      previousVersion: null,
      actor: 'sp-ci-deployer',
      ciRunUrl: null,
      startedMs: s.nowMs - 60_000,
      finishedMs: s.nowMs,
      status: 'SUCCEEDED',
      resources: [],
      expectedChanges: [],
      traceId: `${i}`.padStart(32, '0'),
    }),
  );
  for (const wh of [s.duckWh, s.sparkWh])
    await recordDeployments(wh, { deployments: fixes, snapshots: [], events: [] }, s.nowMs);
  out.report.fixes_recorded = fixes.length;

  // The heartbeat (ticks) holds what each tick cost: its wall time and the adapter's own counts of
  // its calls, measurements of the engine rather than decisions. They are set alike on both sides,
  // as retention's wall time is below, and every other column of every tick is compared; retention
  // then checksums the same heartbeat rows on both.
  const cost = TICK_COST.verifier_ticks!;
  await s.duck.session.run(`UPDATE postflight.ticks SET ${cost.map((c) => `"${c}" = 0`).join(', ')}`);
  await s.spark.run(
    `UPDATE ${sparkTable(`${s.sparkOps}.ticks`)} SET ${cost.map((c) => `\`${c}\` = 0`).join(', ')}`,
    [],
  );
  add('ticks, their cost set alike', await compareOps(s.duck, s.spark, s.sparkOps, { ticks: ['tick_id'] }));

  // Retention a quarter on (every finished deployment's rows move) and then a year past that (the
  // archive is purged); the run's wall time is the one column that is no decision of the engine.
  const runs: Record<string, unknown>[] = [];
  for (const at of [s.nowMs + 91 * DAY, s.nowMs + 91 * DAY + 366 * DAY]) {
    const [a, b] = [
      await runRetention(s.duckWh, { nowMs: at }, undefined, () => 0),
      await runRetention(s.sparkWh, { nowMs: at }, undefined, () => 0),
    ];
    runs.push({ at: new Date(at).toISOString(), duckdb: summary(a), spark: summary(b) });
  }
  out.report.retention = runs;
  // Every table, keyed as sql/ddl keys it, or a history table as its archive is keyed.
  const keys = opsTableKeys();
  const tables = Object.fromEntries(
    Object.keys(keys)
      .map((t) => [t, keys[t]!.length ? keys[t]! : (keys[`${t}_archive`] ?? [])] as const)
      .filter(([, k]) => k.length > 0),
  );
  const after: Comparison = await compareOps(s.duck, s.spark, s.sparkOps, tables);
  add('tables after retention', after);
  out.report.rows_after_retention = after.byTable;
  return out;
}

function summary(r: RetentionReport) {
  return {
    ok: r.ok,
    moved: r.tables.reduce((n, t) => n + t.moved.rows, 0),
    purged: r.tables.reduce((n, t) => n + t.purged.rows, 0),
    by_table: Object.fromEntries(
      r.tables.map((t) => [
        t.table,
        { moved: t.moved.rows, purged: t.purged.rows, verified: t.verified, conserved: t.conserved },
      ]),
    ),
  };
}

/** Parameters for a statement: the period of the replay's world, this workspace, the last week. */
function paramsFor(name: string, s: Sides): SqlParams {
  const known: SqlParams = {
    since: new Date(s.nowMs - 30 * DAY).toISOString(),
    until: new Date(s.nowMs + DAY).toISOString(),
    workspace_id: s.sparkWh.locations.workspaceId ?? '',
    since_ms: s.nowMs - 7 * DAY,
  };
  return Object.fromEntries(
    parameterNames(loadSql(name)).map((p) => {
      if (!(p in known)) throw new Error(`contract: no value for :${p} of ${name}`);
      return [p, known[p]!];
    }),
  );
}

/** A view's rows on both engines, every column, timestamps as epoch ms; rows have no key, so as multisets. */
async function compareView(s: Sides, view: string): Promise<{ rowsCompared: number; differences: unknown[] }> {
  const probe = await s.spark.run(`SELECT * FROM ${sparkTable(`${s.sparkOps}.${view}`)} LIMIT 0`, []);
  const cols = probe.columns.filter((c) => !(TICK_COST[view] ?? []).includes(c.name));
  // Timestamps as epoch ms and dates as ISO text on both: each driver hands them over in a form of its own.
  const isTs = (c: EngineColumn) => /^TIMESTAMP/.test(c.type);
  const isDate = (c: EngineColumn) => /^DATE/.test(c.type);
  const sparkCol = (c: EngineColumn) =>
    isTs(c)
      ? `unix_millis(\`${c.name}\`) AS \`${c.name}\``
      : isDate(c)
        ? `CAST(\`${c.name}\` AS STRING) AS \`${c.name}\``
        : `\`${c.name}\``;
  const duckCol = (c: EngineColumn) =>
    isTs(c)
      ? `epoch_ms("${c.name}") AS "${c.name}"`
      : isDate(c)
        ? `strftime("${c.name}", '%Y-%m-%d') AS "${c.name}"`
        : `"${c.name}"`;
  const sparkRes = await s.spark.run(
    `SELECT ${cols.map(sparkCol).join(', ')} FROM ${sparkTable(`${s.sparkOps}.${view}`)}`,
    [],
  );
  const duckRows = await s.duck.session.all(`SELECT ${cols.map(duckCol).join(', ')} FROM postflight.${view}`);
  const numeric = new Set(
    cols.filter((c) => /^(BIGINT|INT|DOUBLE|FLOAT|DECIMAL|TIMESTAMP|SMALLINT|TINYINT)/.test(c.type)).map((c) => c.name),
  );
  const norm = (r: Record<string, unknown>): Row =>
    Object.fromEntries(
      cols.map((c) => [c.name, r[c.name] == null ? null : numeric.has(c.name) ? Number(r[c.name]) : r[c.name]]),
    ) as Row;
  const a = duckRows.map(norm);
  const b = sparkRes.rows.map((r) => norm(Object.fromEntries(cols.map((c, i) => [c.name, r[i]]))));
  const [x, y] = [multiset(a), multiset(b)];
  const differences: unknown[] = [];
  for (const [k, n] of x)
    if ((y.get(k) ?? 0) !== n) differences.push({ duckdb: JSON.parse(k), n_duckdb: n, n_spark: y.get(k) ?? 0 });
  for (const [k, n] of y) if (!x.has(k)) differences.push({ spark: JSON.parse(k), n_spark: n, n_duckdb: 0 });
  return { rowsCompared: Math.max(a.length, b.length), differences };
}

function multiset(rows: readonly Row[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of rows) {
    const k = canonical([r]);
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}
