import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flatHorizon } from '../../src/checks/baseline-window.js';
import { readPipelineEvents } from '../../src/tick/pipeline-events.js';
import type { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { emptyWorldAt } from '../support/empty-world.js';

const T = Date.UTC(2026, 10, 20, 9);
let wh: DuckDbWarehouse;
beforeEach(async () => {
  wh = await emptyWorldAt(T);
});
afterEach(async () => wh.close());

/** One event of the published event log, its error a STRUCT as Databricks publishes it. */
async function event(updateId: string, type: string, atMs: number, details: unknown, error: string | null) {
  await wh.session.run(
    `INSERT INTO sim_world.event_log BY NAME SELECT $id AS id,
       struct_pack(pipeline_id := 'p-1', pipeline_name := 'orders', update_id := $u, flow_id := NULL::VARCHAR,
         flow_name := NULL::VARCHAR, dataset_name := NULL::VARCHAR, cluster_id := NULL::VARCHAR) AS origin,
       make_timestamp($at * 1000) AS "timestamp", $type AS event_type, $details AS details,
       ${error === null ? 'NULL' : `{'fatal': true, 'exceptions': [{'class_name': '${error}', 'message': 'lost the node'}]}`} AS error,
       make_timestamp($at * 1000) AS _visible_at`,
    { id: `${updateId}-${type}-${atMs}`, u: updateId, at: atMs, type, details: JSON.stringify(details) },
  );
}

describe('the event log error, a STRUCT', () => {
  it("reads an update's first exception class, and no class when there is no exception", async () => {
    await event('u1', 'create_update', T - 3_600_000, { create_update: {} }, null);
    await event(
      'u1',
      'update_progress',
      T - 3_000_000,
      { update_progress: { state: 'FAILED' } },
      'CloudProviderException',
    );
    await event('u2', 'create_update', T - 1_800_000, { create_update: {} }, null);
    await event('u2', 'update_progress', T - 1_200_000, { update_progress: { state: 'FAILED' } }, 'AnalysisException');
    await event('u3', 'create_update', T - 900_000, { create_update: {} }, null);
    await event('u3', 'update_progress', T - 600_000, { update_progress: { state: 'COMPLETED' } }, null);
    const pe = await readPipelineEvents(wh, ['p-1'], flatHorizon(T - 86_400_000));
    expect(pe.runs.map((r) => [r.runId, r.result, r.cause, r.rawResult]).sort()).toEqual([
      ['u1', 'FAILED', 'infrastructure', 'FAILED (CloudProviderException)'],
      ['u2', 'FAILED', 'user', 'FAILED (AnalysisException)'],
      ['u3', 'SUCCESS', 'user', 'COMPLETED'],
    ]);
  });
});
