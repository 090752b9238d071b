// tick/cost_usage on the embedded warehouse: a run's hourly records summed, retractions netted,
// each hour priced at the price in force then, large records without overflow, other
// workspaces and non-DBU units left out.

import { describe, expect, it } from 'vitest';
import { createWorldSchema } from '../../src/simulator/world-schema.js';
import { costRows } from '../../src/tick/cost-read.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';

const HOUR = 3_600_000;
const T = Date.UTC(2026, 10, 2, 10);

async function usage(wh: DuckDbWarehouse, row: Record<string, string | number>) {
  await wh.session.run(
    `INSERT INTO sim_world.system_billing__usage BY NAME SELECT $ws AS workspace_id, $id AS record_id, 'JOBS_SKU' AS sku_name,
       'AWS' AS cloud, timestamp_millis($from) AS usage_start_time, timestamp_millis($from + ${HOUR}) AS usage_end_time,
       CAST(timestamp_millis($from) AS DATE) AS usage_date, $unit AS usage_unit, CAST($q AS DECIMAL(38,18)) AS usage_quantity,
       struct_pack(cluster_id := NULL::VARCHAR, job_id := $job, warehouse_id := NULL::VARCHAR, instance_pool_id := NULL::VARCHAR,
         node_type := NULL::VARCHAR, job_run_id := $run, notebook_id := NULL::VARCHAR, dlt_pipeline_id := NULL::VARCHAR,
         endpoint_name := NULL::VARCHAR, endpoint_id := NULL::VARCHAR, dlt_update_id := NULL::VARCHAR,
         dlt_maintenance_id := NULL::VARCHAR, run_name := NULL::VARCHAR, job_name := NULL::VARCHAR,
         notebook_path := NULL::VARCHAR) AS usage_metadata, $type AS record_type, timestamp_millis(0) AS _visible_at`,
    { ws: '4242', unit: 'DBU', job: '42', type: 'ORIGINAL', ...row },
  );
}

describe('tick/cost_usage', () => {
  it('sums, nets and prices each run of the deployed jobs at its usage time', async () => {
    const wh = await DuckDbWarehouse.open(':memory:');
    await createWorldSchema(wh);
    await wh.session.run('INSERT INTO sim_world.clock VALUES ($now)', { now: T + 24 * HOUR });
    for (const [from, to, price] of [
      [0, T + HOUR, 0.15],
      [T + HOUR, -1, 0.2],
    ] as const)
      await wh.session.run(
        `INSERT INTO sim_world.system_billing__list_prices BY NAME SELECT timestamp_millis($from) AS price_start_time,
           CASE WHEN $to < 0 THEN NULL ELSE timestamp_millis($to) END AS price_end_time, 'JOBS_SKU' AS sku_name,
           'AWS' AS cloud, 'USD' AS currency_code, 'DBU' AS usage_unit,
           struct_pack("default" := CAST($price AS DECIMAL(30,18)), promotional := NULL, effective_list := NULL) AS pricing,
           timestamp_millis(0) AS _visible_at`,
        { from, to, price },
      );
    // Run r1 spans two hours across the price change; a restatement nets its first hour down.
    await usage(wh, { id: 'a', run: 'r1', from: T, q: 10 });
    await usage(wh, { id: 'b', run: 'r1', from: T + HOUR, q: 4 });
    await usage(wh, { id: 'c', run: 'r1', from: T, q: -2, type: 'RETRACTION' });
    // A large record: 2,000 DBUs at $0.20.
    await usage(wh, { id: 'd', run: 'r2', from: T + 2 * HOUR, q: 2000 });
    // Not ours: another workspace, another unit, another job.
    await usage(wh, { id: 'e', run: 'r3', from: T, q: 5, ws: '9999' });
    await usage(wh, { id: 'f', run: 'r4', from: T, q: 5, unit: 'GB' });
    await usage(wh, { id: 'g', run: 'r5', from: T, q: 5, job: '43' });
    const active = [
      {
        deployment: { resources: [{ type: 'job' as const, id: '42', key: 'k' }] },
      },
    ] as unknown as Parameters<typeof costRows>[0];
    const rows = await wh.query('tick/cost_usage', { workspace_id: '4242' }, costRows(active, T - HOUR));
    const byRun = new Map(rows.map((r) => [String(r.run_id), r]));
    expect([...byRun.keys()].sort()).toEqual(['r1', 'r2']);
    const r1 = byRun.get('r1')!;
    expect(Number(r1.dbus)).toBeCloseTo(12, 9);
    expect(Number(r1.dollars)).toBeCloseTo(8 * 0.15 + 4 * 0.2, 9);
    expect(Number(r1.from_ms)).toBe(T);
    expect(Number(r1.billed_to_ms)).toBe(T + 2 * HOUR);
    expect(Number(byRun.get('r2')!.dollars)).toBeCloseTo(400, 9);
    await wh.close();
  });
});
