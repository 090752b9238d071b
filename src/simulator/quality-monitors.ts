// Databricks' own monitors in the simulated world. Data quality monitoring is on for one schema
// (prod.sales): after each deploy of a pipeline writing there, its scans mark a target stale when
// the runs stop committing to it and incomplete when they write far too few rows, and healthy
// otherwise; one row before the deploy says how the table stood. One pipeline has a Lakehouse
// Monitoring drift monitor whose consecutive drift jumps in the window where the deployed
// behaviour changes the data. Both follow the deployment plan, not the verifier's rollbacks.

import { toDuckDbType } from '../warehouse/duckdb/duckdb-types.js';
import type { DuckDbWarehouse } from '../warehouse/duckdb/duckdb-warehouse.js';
import { type SimPipeline, slotStartMs, type WorldSpec } from './catalog.js';
import type { Behaviour, DeployPlan } from './plan.js';
import { hashKey, uniform } from './random.js';
import { rowBatch } from './row-batches.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
/** The schema data quality monitoring is enabled on. */
export const MONITORED_SCHEMA = 'prod.sales';
/** Scans after a deploy, one per run slot. */
const SCANS_AFTER = 4;
/** A drift monitor's windows show once its scheduled refresh has run. */
const REFRESH_LAG_MS = 30 * MINUTE;

const STALE: ReadonlySet<string> = new Set(['failing_runs', 'schema_break']);

/** What data quality monitoring makes of a target while `b` is deployed. */
function health(b: Behaviour, targetIndex: number): { freshness: string; completeness: string } {
  const stale = (b.kind !== null && STALE.has(b.kind)) || (b.kind === 'stale_output' && targetIndex === 0);
  const incomplete = b.kind === 'zero_rows' || (b.kind === 'volume_drop' && b.factor <= 0.5);
  return { freshness: stale ? 'Unhealthy' : 'Healthy', completeness: incomplete ? 'Unhealthy' : 'Healthy' };
}

/** When a scan after slot `slot` judges it: once the run should have committed. */
const scanAfter = (p: SimPipeline, slot: number) =>
  slotStartMs(p, slot) +
  Math.min(p.cadenceMin, 60) * 0.75 * MINUTE +
  Math.floor(uniform(p.index, slot, 'scan') * 5) * MINUTE;

export function qualityResultRows(catalog: readonly SimPipeline[], plan: DeployPlan): Array<Array<string | number>> {
  const rows: Array<Array<string | number>> = [];
  const healthy: Behaviour = { kind: null, factor: 1 };
  const previous = new Map<string, Behaviour>();
  const deploys = [...plan.deploys].sort((a, b) => a.atMs - b.atMs);
  for (const [k, d] of deploys.entries()) {
    const p = catalog[d.pipelineIndex]!;
    const before = previous.get(d.bundle) ?? healthy;
    previous.set(d.bundle, d.behaviour);
    const monitored = p.targets
      .map((t, i) => [t, i] as const)
      .filter(([t]) => t.name.startsWith(`${MONITORED_SCHEMA}.`));
    if (monitored.length === 0) continue;
    const next = deploys.slice(k + 1).find((n) => n.bundle === d.bundle)?.atMs ?? Infinity;
    const firstSlot = Math.floor((d.atMs / MINUTE - p.offsetMin) / p.cadenceMin) + 1;
    const scans = [d.atMs - 30 * MINUTE];
    for (let s = firstSlot; s < firstSlot + SCANS_AFTER; s++) if (scanAfter(p, s) < next) scans.push(scanAfter(p, s));
    for (const [t, i] of monitored) {
      const [catalogName, schema, table] = t.name.split('.') as [string, string, string];
      scans.forEach((at, n) => {
        const h = health(n === 0 ? before : d.behaviour, i);
        const status = h.freshness === 'Healthy' && h.completeness === 'Healthy' ? 'Healthy' : 'Unhealthy';
        rows.push([at, catalogName, schema, table, `t-${hashKey(t.name)}`, status, h.freshness, h.completeness]);
      });
    }
  }
  return rows;
}

const QUALITY_COLUMNS = [
  { name: 'at', type: 'BIGINT' },
  { name: 'catalog_name', type: 'STRING' },
  { name: 'schema_name', type: 'STRING' },
  { name: 'table_name', type: 'STRING' },
  { name: 'table_id', type: 'STRING' },
  { name: 'status', type: 'STRING' },
  { name: 'freshness', type: 'STRING' },
  { name: 'completeness', type: 'STRING' },
] as const;

/** The pipeline whose first target has a drift monitor: one a replayed deploy changes the data of. */
export function driftMonitored(catalog: readonly SimPipeline[], plan: DeployPlan, spec: WorldSpec): SimPipeline {
  const changes = new Set(['volume_drop', 'volume_jump', 'zero_rows', 'expectation_spike']);
  const d = plan.deploys.find(
    (x) => x.atMs >= spec.startMs && x.behaviour.kind !== null && changes.has(x.behaviour.kind),
  );
  return catalog[d?.pipelineIndex ?? 0]!;
}

/** Its drift metrics table, in the embedded file's `monitoring` schema. */
export const driftMetricsTableFor = (p: SimPipeline) =>
  `monitoring.${p.targets[0]!.name.split('.').pop()}_drift_metrics`;

/** The columns of a `_drift_metrics` table the simulated monitor fills (the documented layout). */
export const DRIFT_TABLE_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ['window', 'STRUCT<start: TIMESTAMP, end: TIMESTAMP>'],
  ['granularity', 'STRING'],
  ['monitor_version', 'BIGINT'],
  ['slice_key', 'STRING'],
  ['slice_value', 'STRING'],
  ['column_name', 'STRING'],
  ['data_type', 'STRING'],
  ['window_cmp', 'STRUCT<start: TIMESTAMP, end: TIMESTAMP>'],
  ['drift_type', 'STRING'],
  ['count_delta', 'BIGINT'],
  ['avg_delta', 'DOUBLE'],
  ['percent_null_delta', 'DOUBLE'],
  ['percent_zeros_delta', 'DOUBLE'],
  ['percent_distinct_delta', 'DOUBLE'],
  ['js_distance', 'DOUBLE'],
  ['ks_test', 'STRUCT<statistic: DOUBLE, pvalue: DOUBLE>'],
  ['wasserstein_distance', 'DOUBLE'],
  ['population_stability_index', 'DOUBLE'],
  ['chi_squared_test', 'STRUCT<statistic: DOUBLE, pvalue: DOUBLE>'],
  ['tv_distance', 'DOUBLE'],
  ['l_infinity_distance', 'DOUBLE'],
];

/** One window per run slot: the whole table's row count and one numeric column's distribution. */
export function driftRows(p: SimPipeline, plan: DeployPlan, fromMs: number, toMs: number, seed: number) {
  const mine = plan.deploys.filter((d) => d.pipelineIndex === p.index).sort((a, b) => a.atMs - b.atMs);
  const behaviourAt = (ms: number) => mine.filter((d) => d.atMs <= ms).at(-1)?.behaviour ?? { kind: null, factor: 1 };
  const volume = (b: Behaviour) =>
    b.kind === 'zero_rows' ? 0 : b.kind === 'volume_drop' || b.kind === 'volume_jump' ? b.factor : 1;
  const rows: Array<Array<string | number>> = [];
  const first = Math.ceil((fromMs / MINUTE - p.offsetMin) / p.cadenceMin);
  const base = p.targets[0]!.baseRows;
  for (let s = first; slotStartMs(p, s + 1) <= toMs; s++) {
    const start = slotStartMs(p, s);
    const end = slotStartMs(p, s + 1);
    const now = behaviourAt(start);
    const then = behaviourAt(slotStartMs(p, s - 1));
    const changed = now.kind !== then.kind || now.factor !== then.factor;
    const noise = uniform(seed, 'drift', p.index, s);
    const countDelta = Math.round(base * (volume(now) - volume(then)) + base * p.rowSigma * (noise - 0.5));
    const psi = changed ? 0.3 + 0.1 * noise : 0.01 + 0.04 * noise;
    const pvalue = changed ? 1e-6 * (1 + noise) : 0.05 + 0.9 * noise;
    rows.push([start, end, ':table', 'bigint', countDelta, 0, 0, end + REFRESH_LAG_MS]);
    rows.push([start, end, 'amount', 'double', 0, psi, pvalue, end + REFRESH_LAG_MS]);
  }
  return rows;
}

export async function writeQualityMonitors(
  wh: DuckDbWarehouse,
  spec: WorldSpec,
  catalog: readonly SimPipeline[],
  plan: DeployPlan,
): Promise<void> {
  const s = wh.session;
  const q = rowBatch(QUALITY_COLUMNS, qualityResultRows(catalog, plan));
  await s.run(
    `INSERT INTO sim_world.system_data_quality_monitoring__table_results BY NAME
     SELECT timestamp_millis(r.at) AS event_time, r.catalog_name, r.schema_name, r.table_name, r.table_id,
       'c-' || r.catalog_name AS catalog_id, 's-' || r.schema_name AS schema_id, r.status,
       {'status': r.freshness, 'commit_freshness': NULL} AS freshness,
       {'status': r.completeness, 'total_row_count': NULL, 'daily_row_count': NULL} AS completeness,
       timestamp_millis(r.at) AS _visible_at
     FROM (${q.select}) r`,
    q.params,
  );
  const p = driftMonitored(catalog, plan, spec);
  const [schema, table] = driftMetricsTableFor(p).split('.') as [string, string];
  const cols = DRIFT_TABLE_COLUMNS.map(([n, t]) => `"${n}" ${toDuckDbType(t)}`).join(', ');
  await s.run(`CREATE TABLE IF NOT EXISTS sim_world.${schema}__${table} (${cols}, _visible_at TIMESTAMP)`);
  await s.run(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  await s.run(
    `CREATE OR REPLACE VIEW ${schema}.${table} AS SELECT * EXCLUDE (_visible_at) FROM sim_world.${schema}__${table}
     WHERE _visible_at <= (SELECT timestamp_millis(now_ms) FROM sim_world.clock)`,
  );
  const d = rowBatch(
    [
      { name: 'start_ms', type: 'BIGINT' },
      { name: 'end_ms', type: 'BIGINT' },
      { name: 'column_name', type: 'STRING' },
      { name: 'data_type', type: 'STRING' },
      { name: 'count_delta', type: 'BIGINT' },
      { name: 'psi', type: 'DOUBLE' },
      { name: 'pvalue', type: 'DOUBLE' },
      { name: 'visible_ms', type: 'BIGINT' },
    ],
    driftRows(p, plan, spec.startMs - spec.days * DAY, spec.startMs + DAY, spec.seed),
  );
  await s.run(
    `INSERT INTO sim_world.${schema}__${table} BY NAME
     SELECT {'start': timestamp_millis(r.start_ms), 'end': timestamp_millis(r.end_ms)} AS "window", '${p.cadenceMin} minutes' AS granularity,
       1 AS monitor_version, NULL AS slice_key, NULL AS slice_value, r.column_name, r.data_type, 'CONSECUTIVE' AS drift_type,
       CASE WHEN r.column_name = ':table' THEN r.count_delta END AS count_delta,
       CASE WHEN r.column_name = 'amount' THEN r.psi END AS population_stability_index,
       CASE WHEN r.column_name = 'amount' THEN {'statistic': 1 - r.pvalue, 'pvalue': r.pvalue} END AS ks_test,
       timestamp_millis(r.visible_ms) AS _visible_at
     FROM (${d.select}) r`,
    d.params,
  );
}
