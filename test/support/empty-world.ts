import { createWorldSchema } from '../../src/simulator/world-schema.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';

/** An in-memory warehouse with the simulated world's tables, empty, its clock at `nowMs`. */
export async function emptyWorldAt(nowMs: number): Promise<DuckDbWarehouse> {
  const wh = await DuckDbWarehouse.open(':memory:');
  await createWorldSchema(wh);
  await wh.session.run('DELETE FROM sim_world.clock');
  await wh.session.run('INSERT INTO sim_world.clock (now_ms) VALUES ($now)', { now: nowMs });
  return wh;
}
