// What the platform bills for the simulated runs: system.billing.usage rows (hourly aggregates of
// the DBUs each job run and pipeline update burnt, shown up to twelve hours after their hour), the
// list prices they are priced at, and system.compute.clusters rows for the job clusters the runs
// started (shown within the hour). Each run's rows in one statement per table for the whole step.

import type { DuckDbWarehouse } from '../warehouse/duckdb/duckdb-warehouse.js';
import type { RowBatch, SqlValue } from '../warehouse/port.js';
import { DLT_CLASSIC_SKU, DLT_SKU, JOBS_SKU, WORKSPACE_ID } from './cost.js';
import { BILLING_LAG_MS } from './cost-episodes.js';
import { hexId, uniform } from './random.js';
import { rowBatch } from './row-batches.js';
import type { SimRun } from './runs.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Job clusters show in system.compute.clusters "typically within one hour". */
const CLUSTERS_LAG_MS = HOUR;

const USAGE_COLUMNS: RowBatch['columns'] = [
  { name: 'record_id', type: 'STRING' },
  { name: 'sku', type: 'STRING' },
  { name: 'from_ms', type: 'BIGINT' },
  { name: 'dbus', type: 'DOUBLE' },
  { name: 'job_id', type: 'STRING' },
  { name: 'run_id', type: 'STRING' },
  { name: 'pipeline_id', type: 'STRING' },
  { name: 'cluster_id', type: 'STRING' },
  { name: 'node_type', type: 'STRING' },
  { name: 'name', type: 'STRING' },
  { name: 'visible_ms', type: 'BIGINT' },
];

const CLUSTER_COLUMNS: RowBatch['columns'] = [
  { name: 'cluster_id', type: 'STRING' },
  { name: 'cluster_name', type: 'STRING' },
  { name: 'node_type', type: 'STRING' },
  { name: 'workers', type: 'BIGINT' },
  { name: 'at_ms', type: 'BIGINT' },
  { name: 'job_id', type: 'STRING' },
];

export function clusterIdOf(run: Pick<SimRun, 'runId'>): string {
  return `${hexId(4, 'cl', run.runId)}-${hexId(6, 'cl2', run.runId)}-${hexId(8, 'cl3', run.runId)}`;
}

/** A run's usage records: one per clock hour it ran in, its DBUs shared by the time in each. */
export function usageRowsOf(run: SimRun): SqlValue[][] {
  const p = run.pipeline;
  const job = p.resourceType === 'job';
  const length = Math.max(1, run.endMs - run.startMs);
  const out: SqlValue[][] = [];
  for (let h = Math.floor(run.startMs / HOUR); h * HOUR < run.endMs; h++) {
    const share = (Math.min(run.endMs, (h + 1) * HOUR) - Math.max(run.startMs, h * HOUR)) / length;
    const recordId = `${run.runId}-${h}`;
    // Up to the documented twelve hours after the hour, some records sooner.
    const visible = (h + 1) * HOUR + BILLING_LAG_MS - Math.floor(uniform('billed', recordId) * 2 * HOUR);
    out.push([
      recordId,
      job ? JOBS_SKU : run.cluster ? DLT_CLASSIC_SKU : DLT_SKU,
      h * HOUR,
      run.dbus * share,
      job ? p.id : null,
      run.runId,
      job ? null : p.id,
      run.cluster ? clusterIdOf(run) : null,
      run.cluster?.nodeType ?? null,
      p.name,
      visible,
    ]);
  }
  return out;
}

export async function writeBilling(wh: DuckDbWarehouse, runs: readonly SimRun[]): Promise<void> {
  if (runs.length === 0) return;
  const usage = rowBatch(USAGE_COLUMNS, runs.flatMap(usageRowsOf));
  await wh.session.run(
    `INSERT INTO sim_world.system_billing__usage BY NAME
     SELECT '1001' AS account_id, '${WORKSPACE_ID}' AS workspace_id, r.record_id, r.sku AS sku_name, 'AWS' AS cloud,
       timestamp_millis(r.from_ms) AS usage_start_time, timestamp_millis(r.from_ms + ${HOUR}) AS usage_end_time,
       CAST(timestamp_millis(r.from_ms) AS DATE) AS usage_date, map(['bundle'], [r.name]) AS custom_tags,
       'DBU' AS usage_unit, CAST(r.dbus AS DECIMAL(38,18)) AS usage_quantity,
       struct_pack(cluster_id := r.cluster_id, job_id := r.job_id, warehouse_id := NULL::VARCHAR,
         instance_pool_id := NULL::VARCHAR, node_type := r.node_type,
         job_run_id := CASE WHEN r.job_id IS NULL THEN NULL ELSE r.run_id END, notebook_id := NULL::VARCHAR,
         dlt_pipeline_id := r.pipeline_id, endpoint_name := NULL::VARCHAR, endpoint_id := NULL::VARCHAR,
         dlt_update_id := CASE WHEN r.pipeline_id IS NULL THEN NULL ELSE r.run_id END,
         dlt_maintenance_id := NULL::VARCHAR, run_name := NULL::VARCHAR,
         job_name := CASE WHEN r.job_id IS NULL THEN NULL ELSE r.name END, notebook_path := NULL::VARCHAR) AS usage_metadata,
       struct_pack(run_as := 'sp-etl', created_by := NULL::VARCHAR, owned_by := NULL::VARCHAR, run_by := NULL::VARCHAR)
         AS identity_metadata, 'ORIGINAL' AS record_type,
       CAST(timestamp_millis(r.visible_ms) AS DATE) AS ingestion_date,
       CASE WHEN r.job_id IS NULL THEN 'DLT' ELSE 'JOBS' END AS billing_origin_product,
       struct_pack(jobs_tier := 'PREMIUM', sql_tier := NULL::VARCHAR,
         dlt_tier := CASE WHEN r.job_id IS NULL THEN 'ADVANCED' END,
         is_serverless := r.job_id IS NULL AND r.cluster_id IS NULL, is_photon := false) AS product_features, 'COMPUTE_TIME' AS usage_type,
       timestamp_millis(r.visible_ms) AS _visible_at
     FROM (${usage.select}) r`,
    usage.params,
  );
  // A pipeline's clusters are the pipeline's own (cluster_source PIPELINE), not what a job started.
  const started = runs.filter((r) => r.cluster !== null && r.pipeline.resourceType === 'job');
  if (started.length === 0) return;
  const clusters = rowBatch(
    CLUSTER_COLUMNS,
    started.map((r) => [
      clusterIdOf(r),
      `job-${r.pipeline.id}-run-${r.runId}`,
      r.cluster!.nodeType,
      r.cluster!.workers,
      r.startMs,
      r.pipeline.id,
    ]),
  );
  await wh.session.run(
    `INSERT INTO sim_world.system_compute__clusters BY NAME
     SELECT '1001' AS account_id, '${WORKSPACE_ID}' AS workspace_id, r.cluster_id, r.cluster_name, 'sp-etl' AS owned_by,
       timestamp_millis(r.at_ms) AS create_time, r.node_type AS driver_node_type, r.node_type AS worker_node_type,
       r.workers AS worker_count, map(['JobId'], [r.job_id]) AS tags, 'JOB' AS cluster_source,
       '16.4.x-scala2.12' AS dbr_version, timestamp_millis(r.at_ms) AS change_time,
       CAST(timestamp_millis(r.at_ms) AS DATE) AS change_date, 'SINGLE_USER' AS data_security_mode,
       timestamp_millis(r.at_ms + ${CLUSTERS_LAG_MS}) AS _visible_at
     FROM (${clusters.select}) r`,
    clusters.params,
  );
}

/**
 * The list prices, visible from the start: jobs compute went from $0.15 to $0.16 a DBU three
 * weeks before `startMs` (inside the baselines, so pricing at the usage time matters); the
 * serverless SKU the pipelines bill under stayed at $0.35, and classic pipelines' at $0.36.
 */
export async function writeListPrices(wh: DuckDbWarehouse, startMs: number): Promise<void> {
  const change = startMs - 21 * DAY;
  const rows: Array<[string, number, number | null, number]> = [
    [JOBS_SKU, 0, change, 0.15],
    [JOBS_SKU, change, null, 0.16],
    [DLT_SKU, 0, null, 0.35],
    [DLT_CLASSIC_SKU, 0, null, 0.36],
  ];
  for (const [sku, from, to, price] of rows)
    await wh.session.run(
      `INSERT INTO sim_world.system_billing__list_prices BY NAME
       SELECT timestamp_millis($from) AS price_start_time, CASE WHEN $to < 0 THEN NULL ELSE timestamp_millis($to) END AS price_end_time,
         '1001' AS account_id, $sku AS sku_name, 'AWS' AS cloud, 'USD' AS currency_code, 'DBU' AS usage_unit,
         struct_pack("default" := CAST($price AS DECIMAL(30,18)), promotional := struct_pack("default" := CAST($price AS DECIMAL(30,18))),
           effective_list := struct_pack("default" := CAST($price AS DECIMAL(30,18)))) AS pricing,
         timestamp_millis(0) AS _visible_at`,
      { from, to: to ?? -1, sku, price },
    );
}
