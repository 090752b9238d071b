// The simulated platform's published tables, mirrored into Delta tables on Spark as they become
// visible: the system tables (which lag by hours in the world, as on Databricks), the pipeline
// event log and the Elementary dbt tables. Rows travel as Parquet written by DuckDB and read by
// Spark, so every value keeps its type (timestamps, maps, structs, arrays) without a text detour.

import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseCreateTable } from '../../../src/warehouse/ddl-parse.js';
import type { DuckDbWarehouse } from '../../../src/warehouse/duckdb/duckdb-warehouse.js';
import { loadSql, splitStatements } from '../../../src/warehouse/sql-files.js';
import { CATALOG_JOIN } from '../endpoint/catalog-names.js';
import type { SparkWorker } from '../endpoint/spark-worker.js';

export interface MirroredTable {
  /** The world's base table, with its `_visible_at` column. */
  readonly base: string;
  /** The Databricks name the verifier reads it by, e.g. `system.lakeflow.jobs`. */
  readonly name: string;
}

/** The Databricks names of the world's tables; the event log and dbt schema as the Spark run names them. */
export function mirroredTables(eventLog: string, dbtArtifacts: string): MirroredTable[] {
  const out: MirroredTable[] = [];
  for (const stmt of splitStatements(loadSql('ddl/system'))) {
    const def = parseCreateTable(stmt);
    if (!def) continue;
    const [, schema, table] = def.name.split('.') as [string, string, string];
    out.push({ base: `sim_world.system_${schema}__${table}`, name: def.name });
  }
  out.push({ base: 'sim_world.event_log', name: eventLog });
  for (const stmt of splitStatements(loadSql('ddl/elementary'))) {
    const table = /\{\{dbt_artifacts\}\}\.([A-Za-z_]+)/.exec(stmt)?.[1];
    if (table) out.push({ base: `sim_world.elementary__${table}`, name: `${dbtArtifacts}.${table}` });
  }
  return out;
}

/** A three-part name as the endpoint maps it; a two-part one is a database of Spark's own catalog. */
export function sparkTable(name: string): string {
  const parts = name.split('.');
  if (parts.length === 2) return `\`${parts[0]}\`.\`${parts[1]}\``;
  const [catalog, schema, table] = parts as [string, string, string];
  return `\`${catalog}${CATALOG_JOIN}${schema}\`.\`${table}\``;
}

export class TableMirror {
  readonly #spark: SparkWorker;
  readonly #world: DuckDbWarehouse;
  readonly #tables: readonly MirroredTable[];
  readonly #dir: string;
  rows = 0;

  constructor(spark: SparkWorker, world: DuckDbWarehouse, tables: readonly MirroredTable[], dir: string) {
    this.#spark = spark;
    this.#world = world;
    this.#tables = tables;
    this.#dir = dir;
    mkdirSync(dir, { recursive: true });
  }

  /** Copies the rows that became visible in (fromMs, toMs]. */
  async sync(fromMs: number, toMs: number): Promise<void> {
    const where = `_visible_at > make_timestamp(${BigInt(fromMs) * 1000n}) AND _visible_at <= make_timestamp(${BigInt(toMs) * 1000n})`;
    for (const [i, t] of this.#tables.entries()) {
      const [n] = await this.#world.session.all(`SELECT count(*) AS n FROM ${t.base} WHERE ${where}`);
      if (Number(n!.n) === 0) continue;
      const file = join(this.#dir, `t${i}.parquet`);
      rmSync(file, { force: true });
      await this.#world.session.run(
        `COPY (SELECT * EXCLUDE (_visible_at) FROM ${t.base} WHERE ${where}) TO '${file}' (FORMAT PARQUET)`,
      );
      await this.#spark.run(`INSERT INTO ${sparkTable(t.name)} SELECT * FROM parquet.\`${file}\``, []);
      this.rows += Number(n!.n);
    }
  }

  /** Rows visible in the world and rows in Spark, per table, where they differ. */
  async drift(nowMs: number): Promise<string[]> {
    const out: string[] = [];
    for (const t of this.#tables) {
      const [w] = await this.#world.session.all(
        `SELECT count(*) AS n FROM ${t.base} WHERE _visible_at <= make_timestamp(${BigInt(nowMs) * 1000n})`,
      );
      const s = await this.#spark.run(`SELECT count(*) AS n FROM ${sparkTable(t.name)}`, []);
      if (Number(w!.n) !== Number(s.rows[0]![0])) out.push(`${t.name}: world ${w!.n}, spark ${s.rows[0]![0]}`);
    }
    return out;
  }
}

/** Copies whole tables of the world (postflight's CI-written tables at the start). */
export async function copyTables(
  spark: SparkWorker,
  world: DuckDbWarehouse,
  pairs: ReadonlyArray<{ from: string; to: string }>,
  dir: string,
): Promise<number> {
  mkdirSync(dir, { recursive: true });
  let rows = 0;
  for (const [i, p] of pairs.entries()) {
    const [n] = await world.session.all(`SELECT count(*) AS n FROM ${p.from}`);
    if (Number(n!.n) === 0) continue;
    const file = join(dir, `c${i}.parquet`);
    rmSync(file, { force: true });
    await world.session.run(`COPY (SELECT * FROM ${p.from}) TO '${file}' (FORMAT PARQUET)`);
    await spark.run(`INSERT INTO ${sparkTable(p.to)} SELECT * FROM parquet.\`${file}\``, []);
    rows += Number(n!.n);
  }
  return rows;
}
