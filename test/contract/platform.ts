// What a Databricks workspace has before postflight is set up: the system tables (Databricks' own,
// read-only to postflight) and the schema the Elementary dbt package writes to. Created on Spark
// from sql/ddl/system.sql as compiled for Databricks, names mapped as the endpoint maps them.

import { DRIFT_TABLE_COLUMNS } from '../../src/simulator/quality-monitors.js';
import { databricksDialect } from '../../src/warehouse/databricks/databricks-dialect.js';
import { parseCreateTable } from '../../src/warehouse/ddl-parse.js';
import { loadSql, splitStatements } from '../../src/warehouse/sql-files.js';
import { compileSql } from '../../src/warehouse/sql-template.js';
import { mapCatalogNames, sparkName } from './endpoint/catalog-names.js';
import type { SparkWorker } from './endpoint/spark-worker.js';

/** Creates the tables and schemas; returns the statements of sql/ it ran, as compiled for Databricks. */
export async function createPlatformTables(spark: SparkWorker, schemas: readonly string[]): Promise<string[]> {
  const ran: string[] = [];
  const catalogs = new Set(['system']);
  for (const s of schemas) {
    const [catalog, schema] = s.split('.') as [string, string];
    await spark.run(`CREATE SCHEMA IF NOT EXISTS \`${sparkName(catalog, schema)}\``, []);
  }
  const stmts = splitStatements(
    compileSql(loadSql('ddl/system'), databricksDialect, { ops: 'ops.postflight', eventLog: 'x.y.z' }),
  );
  for (const stmt of stmts) {
    const def = parseCreateTable(stmt);
    if (!def) continue;
    const [, schema] = def.name.split('.') as [string, string, string];
    await spark.run(`CREATE SCHEMA IF NOT EXISTS \`${sparkName('system', schema)}\``, []);
    await spark.run(mapCatalogNames(stmt, catalogs), []);
    ran.push(stmt);
  }
  return ran;
}

/**
 * A Lakehouse Monitoring drift metrics table, as a monitor's output schema holds it. The world
 * names it by schema and table (`monitoring.<table>_drift_metrics`), which Spark resolves in its
 * own catalog, as the embedded warehouse does: the policy names it the same way for both.
 */
export async function createDriftMetricsTable(spark: SparkWorker, name: string): Promise<void> {
  const [schema, table] = name.split('.') as [string, string];
  const cols = DRIFT_TABLE_COLUMNS.map(([n, t]) => `\`${n}\` ${t}`).join(', ');
  await spark.run(`CREATE SCHEMA IF NOT EXISTS \`${schema}\``, []);
  await spark.run(`CREATE TABLE IF NOT EXISTS \`${schema}\`.\`${table}\` (${cols}) USING delta`, []);
}
