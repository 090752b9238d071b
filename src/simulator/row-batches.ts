// Rows sent to the embedded warehouse as one JSON parameter per statement, the way the warehouse
// sends a row batch, so that a step costs a statement per table rather than one per row.

import type { DuckDbWarehouse } from '../warehouse/duckdb/duckdb-warehouse.js';
import { inlineRowsJson, inlineRowsSelect, ROWS_PARAM } from '../warehouse/duckdb/inline-rows.js';
import type { RowBatch, SqlValue } from '../warehouse/port.js';
import type { SimPipeline } from './catalog.js';
import { type ElementaryRow, elementaryBatch } from './elementary.js';

/** How long after the fact each source shows the fact (system tables are hours late). */
export const LATENCY_MS = { lakeflow: 90 * 60_000, lineage: 60 * 60_000 } as const;

const SCD_COLUMNS: RowBatch['columns'] = [
  { name: 'id', type: 'STRING' },
  { name: 'name', type: 'STRING' },
  { name: 'bundle', type: 'STRING' },
  { name: 'at', type: 'BIGINT' },
  { name: 'visible', type: 'BIGINT' },
];
export const RESOURCE_COLUMNS: RowBatch['columns'] = [
  { name: 'id', type: 'STRING' },
  { name: 'version', type: 'STRING' },
  { name: 'settings', type: 'STRING' },
  { name: 'at', type: 'BIGINT' },
];

/** Rows as one JSON parameter of the statement, the way the warehouse sends a row batch. */
export function rowBatch(
  columns: RowBatch['columns'],
  rows: ReadonlyArray<readonly SqlValue[]>,
): { select: string; params: Record<string, SqlValue> } {
  return { select: inlineRowsSelect(columns), params: { [ROWS_PARAM]: inlineRowsJson({ columns, rows }) } };
}

/** The resources' rows in the slowly changing lakeflow.jobs / lakeflow.pipelines tables, one statement per kind. */
export async function writeScdRows(
  wh: DuckDbWarehouse,
  changes: ReadonlyArray<{ readonly p: SimPipeline; readonly changeMs: number }>,
): Promise<void> {
  for (const type of ['job', 'pipeline'] as const) {
    const mine = changes.filter((c) => c.p.resourceType === type);
    if (mine.length === 0) continue;
    const batch = rowBatch(
      SCD_COLUMNS,
      mine.map((c) => [c.p.id, c.p.name, c.p.bundle, c.changeMs, c.changeMs + LATENCY_MS.lakeflow]),
    );
    await wh.session.run(
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
export async function writeElementary(
  wh: DuckDbWarehouse,
  table: 'dbt_invocations' | 'dbt_run_results' | 'dbt_tests',
  rows: readonly ElementaryRow[],
): Promise<void> {
  if (rows.length === 0) return;
  const batch = elementaryBatch(rows);
  const { select, params } = rowBatch(batch.columns, batch.rows);
  await wh.session.run(`INSERT INTO sim_world.elementary__${table} BY NAME ${select}`, params);
}
