// The simulated tables with a Delta history: what the jobs write and the raw tables ingestion
// writes (pipelines' tables are read through their event log). Each is created, as its version 0,
// long before the world's history starts, so no baseline reaches back to its CREATE TABLE.

import type { DuckDbWarehouse } from '../warehouse/duckdb/duckdb-warehouse.js';
import type { SimPipeline } from './catalog.js';
import { sourceTablesOf } from './sources.js';

/** How long before the world's history its tables were created. */
export const CREATED_BEFORE_MS = 400 * 86_400_000;

/** Every table a simulated job or the ingestion commits to, sorted. */
export function deltaTablesOf(catalog: readonly SimPipeline[]): string[] {
  const written = catalog.filter((p) => p.resourceType === 'job').flatMap((p) => p.targets.map((t) => t.name));
  return [...new Set([...written, ...sourceTablesOf(catalog)])].sort();
}

/** Version 0 of every table of the world, `CREATED_BEFORE_MS` before its history starts at `historyFromMs`. */
export async function writeTableCreates(
  wh: DuckDbWarehouse,
  catalog: readonly SimPipeline[],
  historyFromMs: number,
): Promise<void> {
  await wh.execute(
    'embedded/sim_create_tables',
    { created_ms: historyFromMs - CREATED_BEFORE_MS },
    { columns: [{ name: 'name', type: 'STRING' }], rows: deltaTablesOf(catalog).map((t) => [t]) },
  );
}
