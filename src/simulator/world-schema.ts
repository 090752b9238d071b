// Lays out the simulated world in the embedded file: base tables with a hidden `_visible_at`
// column, and, at the names the verifier reads, views that show only what a real workspace would
// show by the simulated "now" (system tables lag by hours; the event log and Delta history do not).

import { parseCreateTable } from '../warehouse/ddl-parse.js';
import { duckdbDialect } from '../warehouse/duckdb/duckdb-dialect.js';
import { toDuckDbType } from '../warehouse/duckdb/duckdb-types.js';
import type { DuckDbWarehouse } from '../warehouse/duckdb/duckdb-warehouse.js';
import { listSql, loadSql, splitStatements } from '../warehouse/sql-files.js';
import { compileSql } from '../warehouse/sql-template.js';

const VISIBLE = '_visible_at <= (SELECT timestamp_millis(now_ms) FROM sim_world.clock)';

export async function createWorldSchema(wh: DuckDbWarehouse): Promise<void> {
  const s = wh.session;
  for (const stmt of splitStatements(loadSql('embedded/sim_world'))) await s.run(stmt);
  await createOpsTablesAndViews(wh);

  for (const stmt of splitStatements(loadSql('ddl/system'))) {
    const def = parseCreateTable(stmt);
    if (!def) continue;
    const [, schema, table] = def.name.split('.') as [string, string, string];
    await createVisibleTable(
      wh,
      `sim_world.system_${schema}__${table}`,
      `system_${schema}`,
      `"system_${schema}"."${table}"`,
      def.columns,
    );
  }
  const eventLog = parseCreateTable(splitStatements(loadSql('ddl/event_log'))[0]!)!;
  const [evSchema, evTable] = wh.locations.eventLog.split('.') as [string, string];
  await createVisibleTable(wh, 'sim_world.event_log', evSchema, `"${evSchema}"."${evTable}"`, eventLog.columns);

  // Elementary's tables show a dbt invocation once the package has uploaded it, at the run's end.
  for (const stmt of splitStatements(compileSql(loadSql('ddl/elementary'), duckdbDialect, wh.locations))) {
    const def = parseCreateTable(stmt);
    if (!def) continue;
    const [schema, table] = def.name.replace(/"/g, '').split('.') as [string, string];
    await createVisibleTable(wh, `sim_world.elementary__${table}`, schema, `"${schema}"."${table}"`, def.columns);
  }

  await s.run('CREATE SCHEMA IF NOT EXISTS delta_history');
  await s.run(
    `CREATE OR REPLACE VIEW delta_history.commits AS SELECT * EXCLUDE (_visible_at) FROM sim_world.delta_commits WHERE ${VISIBLE}`,
  );
}

/**
 * The views of sql/views over postflight's tables (what the dashboard and people read), and the
 * world's clock as the warehouse clock: `current_timestamp()` is the simulated now, as it is the
 * wall clock on Databricks, so an alert query of sql/alerts run on the embedded warehouse judges
 * the world at its own time. Replaced every time a world is opened, so a world built before a view
 * changed shows the current one.
 */
export async function createOpsTablesAndViews(wh: DuckDbWarehouse): Promise<void> {
  // A world built by an older postflight gets the tables added since (all CREATE ... IF NOT EXISTS),
  // as `postflight setup` gives them to a workspace.
  await wh.applyDdl('ddl/ops');
  await wh.session.run(
    'CREATE OR REPLACE MACRO current_timestamp() AS (SELECT timestamp_millis(max(now_ms)) FROM sim_world.clock)',
  );
  for (const name of listSql('views')) await wh.applyDdl(name);
}

async function createVisibleTable(
  wh: DuckDbWarehouse,
  base: string,
  viewSchema: string,
  view: string,
  columns: ReadonlyArray<{ name: string; type: string }>,
): Promise<void> {
  const cols = columns.map((c) => `"${c.name}" ${toDuckDbType(c.type)}`).join(', ');
  await wh.session.run(`CREATE TABLE IF NOT EXISTS ${base} (${cols}, _visible_at TIMESTAMP)`);
  await wh.session.run(`CREATE SCHEMA IF NOT EXISTS "${viewSchema}"`);
  await wh.session.run(
    `CREATE OR REPLACE VIEW ${view} AS SELECT * EXCLUDE (_visible_at) FROM ${base} WHERE ${VISIBLE}`,
  );
}
