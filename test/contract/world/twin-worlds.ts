// Two copies of one simulated world, moved through the same minutes: world A is the embedded
// verifier's (its warehouse and its workspace), world B is the platform the Spark verifier watches
// (its workspace answers jobs and pipelines calls and takes rollbacks; its published tables and
// Delta history are mirrored into Spark as they become visible). Each verifier rolls back in its
// own world, so neither sees the other's actions.

import { SimWorld } from '../../../src/simulator/world.js';
import type { DuckDbWarehouse } from '../../../src/warehouse/duckdb/duckdb-warehouse.js';
import type { RowBatch, SqlParams, Warehouse } from '../../../src/warehouse/port.js';
import { EmbeddedWorkspace } from '../../../src/workspace/embedded/embedded-workspace.js';
import type { SparkWorker } from '../endpoint/spark-worker.js';
import { DeltaHistoryMirror } from './delta-history.js';
import { copyTables, type MirroredTable, TableMirror } from './table-mirror.js';

/** postflight's tables that CI writes (postflight record), copied as they stand when the replay starts. */
const CI_TABLES = ['deployments', 'deployment_events', 'resource_snapshots'];

export interface TwinWorlds {
  readonly a: { wh: DuckDbWarehouse; ws: EmbeddedWorkspace; world: SimWorld };
  readonly b: { ws: EmbeddedWorkspace; world: SimWorld };
  readonly tables: TableMirror;
  readonly history: DeltaHistoryMirror;
  /** Moves both worlds to `atMs` and mirrors what became visible in B since the last move. */
  advance(atMs: number): Promise<void>;
}

export async function twinWorlds(
  a: DuckDbWarehouse,
  b: DuckDbWarehouse,
  spark: SparkWorker,
  sparkWh: Warehouse,
  mirrored: readonly MirroredTable[],
  sparkOps: string,
  dir: string,
): Promise<TwinWorlds> {
  // What CI records in world B (a deploy of the simulated plan) it records on Spark too, through
  // the same code: postflight record's statements.
  const teed = recordsTo(b, sparkWh);
  const worldA = (await SimWorld.open(a))!;
  const worldB = (await SimWorld.open(teed))!;
  const tables = new TableMirror(spark, b, mirrored, dir);
  const history = new DeltaHistoryMirror(spark, b);
  let at = worldB.nowMs;
  // Spark's warehouse clock follows the world's, as the embedded warehouse's does.
  await spark.setClock(at);
  // From just before the epoch: the list prices are visible from it (timestamp 0), and a sync
  // copies what became visible after its start only.
  await tables.sync(-1, at);
  await history.sync(0, at);
  await copyTables(
    spark,
    b,
    CI_TABLES.map((t) => ({ from: `postflight.${t}`, to: `${sparkOps}.${t}` })),
    dir,
  );
  return {
    a: { wh: a, ws: new EmbeddedWorkspace(a), world: worldA },
    b: { ws: new EmbeddedWorkspace(teed), world: worldB },
    tables,
    history,
    async advance(toMs) {
      await worldA.advance(toMs);
      await worldB.advance(toMs);
      await spark.setClock(toMs);
      await tables.sync(at, toMs);
      await history.sync(at, toMs);
      at = toMs;
    },
  };
}

function recordsTo(world: DuckDbWarehouse, spark: Warehouse): DuckDbWarehouse {
  return new Proxy(world, {
    get(target, key) {
      if (key === 'execute')
        return async (name: string, params?: SqlParams, rows?: RowBatch) => {
          const n = await target.execute(name, params, rows);
          if (name.startsWith('record/')) await spark.execute(name, params, rows);
          return n;
        };
      const v = Reflect.get(target, key, target) as unknown;
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}
