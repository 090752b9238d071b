// tick/cost_usage on the embedded warehouse: a run's hourly records summed, retractions netted,
// each hour priced at the price in force then, large records without overflow, other
// workspaces and non-DBU units left out; a pipeline's updates by dlt_update_id, its maintenance
// (no update) left out.

import { describe, expect, it } from 'vitest';
import { createWorldSchema } from '../../src/simulator/world-schema.js';
import { costRows } from '../../src/tick/cost-read.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';

const HOUR = 3_600_000;
const T = Date.UTC(2026, 10, 2, 10);

async function usage(wh: DuckDbWarehouse, row: Record<string, string | number | null>) {
  await wh.session.run(
    `INSERT INTO sim_world.system_billing__usage BY NAME SELECT $ws AS workspace_id, $id AS record_id, $sku AS sku_name,
       'AWS' AS cloud, timestamp_millis($from) AS usage_start_time, timestamp_millis($from + ${HOUR}) AS usage_end_time,
       CAST(timestamp_millis($from) AS DATE) AS usage_date, $unit AS usage_unit, CAST($q AS DECIMAL(38,18)) AS usage_quantity,
       struct_pack(cluster_id := NULL::VARCHAR, job_id := $job, warehouse_id := NULL::VARCHAR, instance_pool_id := NULL::VARCHAR,
         node_type := NULL::VARCHAR, job_run_id := $run, notebook_id := NULL::VARCHAR, dlt_pipeline_id := $pipeline,
         endpoint_name := NULL::VARCHAR, endpoint_id := NULL::VARCHAR, dlt_update_id := $update,
         dlt_maintenance_id := $maintenance, run_name := NULL::VARCHAR, job_name := NULL::VARCHAR,
         notebook_path := NULL::VARCHAR) AS usage_metadata, $type AS record_type, timestamp_millis(0) AS _visible_at`,
    {
      ws: '4242',
      unit: 'DBU',
      sku: 'JOBS_SKU',
      job: '42',
      type: 'ORIGINAL',
      pipeline: null,
      update: null,
      maintenance: null,
      ...row,
    },
  );
}

async function world(): Promise<DuckDbWarehouse> {
  const wh = await DuckDbWarehouse.open(':memory:');
  await createWorldSchema(wh);
  await wh.session.run('INSERT INTO sim_world.clock VALUES ($now)', { now: T + 24 * HOUR });
  for (const [sku, from, to, price] of [
    ['JOBS_SKU', 0, T + HOUR, 0.15],
    ['JOBS_SKU', T + HOUR, -1, 0.2],
    ['DLT_SKU', 0, -1, 0.36],
  ] as const)
    await wh.session.run(
      `INSERT INTO sim_world.system_billing__list_prices BY NAME SELECT timestamp_millis($from) AS price_start_time,
         CASE WHEN $to < 0 THEN NULL ELSE timestamp_millis($to) END AS price_end_time, $sku AS sku_name,
         'AWS' AS cloud, 'USD' AS currency_code, 'DBU' AS usage_unit,
         struct_pack("default" := CAST($price AS DECIMAL(30,18)), promotional := NULL, effective_list := NULL) AS pricing,
         timestamp_millis(0) AS _visible_at`,
      { sku, from, to, price },
    );
  return wh;
}

describe('tick/cost_usage', () => {
  it('sums, nets and prices each run of the deployed jobs at its usage time', async () => {
    const wh = await world();
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
    const rows = await wh.query('tick/cost_usage', { workspace_id: '4242', since_ms: T - HOUR }, costRows(active));
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

  it("sums and prices each update of a deployed pipeline, leaving out its maintenance and other pipelines'", async () => {
    const wh = await world();
    const dlt = { sku: 'DLT_SKU', job: null, run: null, pipeline: 'p-1' };
    await usage(wh, { ...dlt, id: 'a', update: 'u1', from: T, q: 3 });
    await usage(wh, { ...dlt, id: 'b', update: 'u1', from: T + HOUR, q: 1 });
    await usage(wh, { ...dlt, id: 'c', update: 'u2', from: T + 2 * HOUR, q: 2 });
    await usage(wh, { ...dlt, id: 'd', maintenance: 'm1', from: T + 2 * HOUR, q: 7 });
    await usage(wh, { ...dlt, id: 'e', pipeline: 'p-2', update: 'u9', from: T, q: 5 });
    await usage(wh, { id: 'f', run: 'r1', from: T, q: 10 });
    const active = [
      {
        deployment: {
          resources: [
            { type: 'pipeline' as const, id: 'p-1', key: 'p' },
            { type: 'job' as const, id: '42', key: 'k' },
          ],
        },
      },
    ] as unknown as Parameters<typeof costRows>[0];
    const rows = await wh.query('tick/cost_usage', { workspace_id: '4242', since_ms: T - HOUR }, costRows(active));
    const by = new Map(rows.map((r) => [`${String(r.subject_type)}:${String(r.run_id)}`, r]));
    expect([...by.keys()].sort()).toEqual(['job:r1', 'pipeline:u1', 'pipeline:u2']);
    const u1 = by.get('pipeline:u1')!;
    expect(String(u1.subject_id)).toBe('p-1');
    expect(Number(u1.dbus)).toBeCloseTo(4, 9);
    expect(Number(u1.dollars)).toBeCloseTo(4 * 0.36, 9);
    expect(Number(u1.billed_to_ms)).toBe(T + 2 * HOUR);
    expect(Number(by.get('pipeline:u2')!.records)).toBe(1);
    await wh.close();
  });
});
