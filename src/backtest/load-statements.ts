// The DuckDB statements that move an export file into the replay world: every known column cast
// to its declared type, and for a world table the time the row became visible. Pure: the text is
// built from the table definitions alone (sql/ddl), never from the export; the file's path is a
// bound parameter.

import { toDuckDbType } from '../warehouse/duckdb/duckdb-types.js';
import type { ExportFormat, ExportTable } from './export-catalog.js';

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The column list read_json is given: every known column, so a file that leaves one out still reads. */
function jsonColumns(table: ExportTable): string {
  return `{${table.columns.map((c) => `${q(c.name)}: '${toDuckDbType(c.type).replace(/'/g, "''")}'`).join(', ')}}`;
}

function visibleAt(table: ExportTable): string {
  const v = table.visibility;
  if ('always' in v) return "TIMESTAMP '1970-01-01 00:00:00'";
  return `CAST(${q(v.column)} AS TIMESTAMP) + to_milliseconds(${Math.round(v.lagMs)})`;
}

/**
 * A column as written to the table: cast to its type; a missing event date taken from the event
 * time; a history row's job run from `job.jobRunId` where the file has it (see row-values.ts).
 */
function columnExpr(table: ExportTable, name: string, type: string, present: boolean, jobRunId: boolean): string {
  if (name === 'job' && jobRunId)
    return `CASE WHEN ${q('job')} IS NULL THEN NULL ELSE struct_pack(jobId := CAST(${q('job')}.jobId AS VARCHAR), jobName := CAST(${q('job')}.jobName AS VARCHAR), runId := CAST(coalesce(${q('job')}.jobRunId, ${q('job')}.runId) AS VARCHAR)) END`;
  const cast = present ? `CAST(${q(name)} AS ${toDuckDbType(type)})` : `CAST(NULL AS ${toDuckDbType(type)})`;
  if (name === 'event_date' && table.columns.some((c) => c.name === 'event_time'))
    return `coalesce(${cast}, CAST(${q('event_time')} AS DATE))`;
  return cast;
}

/**
 * INSERT of one file (param `path`) into the table. `present`: the columns the file holds (a
 * Parquet file's own columns; an NDJSON file is read with every known column, already normalized).
 * `jobRunId`: the Parquet file's `job` struct has that field.
 */
export function insertStatement(
  table: ExportTable,
  format: ExportFormat,
  present?: ReadonlySet<string>,
  jobRunId = false,
): string {
  const has = (n: string) => format === 'ndjson' || (present?.has(n) ?? false);
  const cols = table.columns.map(
    (c) => `${columnExpr(table, c.name, c.type, has(c.name), format === 'parquet' && jobRunId)} AS ${q(c.name)}`,
  );
  if (table.kind === 'world') cols.push(`${visibleAt(table)} AS _visible_at`);
  const source =
    format === 'ndjson'
      ? `read_json($path, format = 'newline_delimited', columns = ${jsonColumns(table)})`
      : 'read_parquet($path)';
  return `INSERT INTO ${table.target} BY NAME SELECT ${cols.join(', ')} FROM ${source}`;
}

/** First row (1-based) of a Parquet file where a required column is null: param `path`. */
export function parquetNullRow(column: string): string {
  const [col, field] = column.split('.') as [string, string | undefined];
  const expr = field === undefined ? q(col) : `${q(col)}.${q(field)}`;
  return `SELECT min(file_row_number) + 1 AS row FROM read_parquet($path, file_row_number = true) WHERE ${expr} IS NULL`;
}

/** First row (1-based) of a Parquet file whose value in a column cannot be read as the declared type. */
export function parquetBadValueRow(name: string, type: string): string {
  return `SELECT min(file_row_number) + 1 AS row, arg_min(CAST(${q(name)} AS VARCHAR), file_row_number) AS sample FROM read_parquet($path, file_row_number = true) WHERE ${q(name)} IS NOT NULL AND TRY_CAST(${q(name)} AS ${toDuckDbType(type)}) IS NULL`;
}

/** Distinct workspace ids of a Parquet file. */
export function parquetWorkspaces(column: string): string {
  return `SELECT DISTINCT CAST(${q(column)} AS VARCHAR) AS id FROM read_parquet($path) WHERE ${q(column)} IS NOT NULL`;
}

/** Every minute (ms, rounded up) at which something became visible to the verifier. */
export function eventMinutesStatement(tables: readonly ExportTable[]): string {
  const world = [...new Set(tables.filter((t) => t.kind === 'world').map((t) => t.target))];
  const times = [
    ...world.map((t) => `SELECT epoch_ms(_visible_at) AS t FROM ${t}`),
    'SELECT start_ms FROM sim_world.api_runs',
    'SELECT end_ms FROM sim_world.api_runs',
    'SELECT epoch_ms(finished_at) FROM postflight.deployments',
    'SELECT from_ms FROM sim_world.api_settings_history',
  ];
  return `SELECT DISTINCT CAST(ceil(t / 60000.0) AS BIGINT) * 60000 AS minute_ms FROM (${times.join(' UNION ALL ')}) WHERE t > 0 ORDER BY 1`;
}

/** The export's latest fact (not when it became visible): where the replay ends. */
export function lastFactStatement(tables: readonly ExportTable[]): string {
  const facts = tables.flatMap((t) => {
    const v = t.visibility;
    return t.kind === 'world' && !('always' in v) ? [`SELECT max(epoch_ms(${q(v.column)})) AS t FROM ${t.target}`] : [];
  });
  return `SELECT max(t) AS last_ms FROM (${[
    ...new Set(facts),
    'SELECT max(greatest(start_ms, coalesce(end_ms, 0))) FROM sim_world.api_runs',
    'SELECT max(epoch_ms(finished_at)) FROM postflight.deployments',
  ].join(' UNION ALL ')})`;
}
