// Billing rows for the embedded world's system.billing tables, in their documented schema, each
// visible to the verifier only once billing would have landed it (hours after the usage hour).

import type { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

const METADATA_FIELDS = [
  'cluster_id',
  'job_id',
  'warehouse_id',
  'instance_pool_id',
  'node_type',
  'job_run_id',
  'notebook_id',
  'dlt_pipeline_id',
  'endpoint_name',
  'endpoint_id',
  'dlt_update_id',
  'dlt_maintenance_id',
  'run_name',
  'job_name',
  'notebook_path',
] as const;

export interface UsageRow {
  readonly startMs: number;
  readonly dbus: number;
  readonly sku: string;
  readonly jobId?: string;
  readonly pipelineId?: string;
  readonly warehouseId?: string;
  readonly workspaceId?: string;
  readonly recordType?: 'ORIGINAL' | 'RETRACTION' | 'RESTATEMENT';
  readonly unit?: string;
  /** Hours after the usage hour's end the row lands (billing: about 12). */
  readonly lagHours?: number;
}

let seq = 0;

export async function insertUsage(wh: DuckDbWarehouse, rows: readonly UsageRow[]): Promise<void> {
  for (const r of rows) {
    const meta: Record<string, string | null> = Object.fromEntries(METADATA_FIELDS.map((f) => [f, null]));
    meta.job_id = r.jobId ?? null;
    meta.dlt_pipeline_id = r.pipelineId ?? null;
    meta.warehouse_id = r.warehouseId ?? null;
    const struct = `{${METADATA_FIELDS.map((f) => `'${f}': $${f}`).join(', ')}}`;
    await wh.session.run(
      `INSERT INTO sim_world.system_billing__usage
         (account_id, workspace_id, record_id, sku_name, cloud, usage_start_time, usage_end_time, usage_date,
          usage_unit, usage_quantity, usage_metadata, record_type, billing_origin_product, usage_type, _visible_at)
       VALUES ('acc', $ws, $id, $sku, 'AWS', make_timestamp($start * 1000), make_timestamp($end * 1000),
          CAST(make_timestamp($start * 1000) AS DATE), $unit, $qty, ${struct}, $rtype, 'JOBS', 'COMPUTE_TIME',
          make_timestamp($visible * 1000))`,
      {
        ws: r.workspaceId ?? '4242',
        id: `rec-${++seq}`,
        sku: r.sku,
        start: r.startMs,
        end: r.startMs + HOUR,
        unit: r.unit ?? 'DBU',
        qty: r.dbus,
        rtype: r.recordType ?? 'ORIGINAL',
        visible: r.startMs + HOUR + (r.lagHours ?? 12) * HOUR,
        ...meta,
      },
    );
  }
}

export interface PriceRow {
  readonly sku: string;
  readonly usd: number;
  readonly fromMs: number;
  readonly untilMs?: number;
}

export async function insertPrices(wh: DuckDbWarehouse, rows: readonly PriceRow[]): Promise<void> {
  for (const p of rows) {
    await wh.session.run(
      `INSERT INTO sim_world.system_billing__list_prices
         (price_start_time, price_end_time, account_id, sku_name, cloud, currency_code, usage_unit, pricing, _visible_at)
       VALUES (make_timestamp($from * 1000), CASE WHEN $until IS NULL THEN NULL ELSE make_timestamp($until * 1000) END,
         'acc', $sku, 'AWS', 'USD', 'DBU',
         {'default': $usd, 'promotional': {'default': $usd}, 'effective_list': {'default': $usd}}, make_timestamp(0))`,
      { from: p.fromMs, until: p.untilMs ?? null, sku: p.sku, usd: p.usd },
    );
  }
}
