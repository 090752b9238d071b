// The Databricks SQL functions the queries in sql/ use that DuckDB lacks or spells differently.
// Each is a macro with Databricks' name and semantics.

export const DATABRICKS_FUNCTIONS: readonly string[] = [
  // Databricks: milliseconds since the epoch <-> TIMESTAMP (UTC).
  'CREATE OR REPLACE MACRO timestamp_millis(ms) AS make_timestamp(CAST(ms AS BIGINT) * 1000)',
  'CREATE OR REPLACE MACRO unix_millis(ts) AS epoch_ms(CAST(ts AS TIMESTAMP))',
  // Hive/Databricks JSON path extraction; returns the value as text, NULL when absent.
  'CREATE OR REPLACE MACRO get_json_object(doc, path) AS json_extract_string(doc, path)',
  // Databricks: the element of an array at a 1-based index, NULL when out of range.
  'CREATE OR REPLACE MACRO try_element_at(l, i) AS list_extract(l, i)',
  // Databricks `nvl` is COALESCE of two values.
  'CREATE OR REPLACE MACRO nvl(a, b) AS COALESCE(a, b)',
  // Databricks `IDENTIFIER(:name)`: a table named by a bound string, read as DuckDB's query_table.
  'CREATE OR REPLACE MACRO identifier(name) AS TABLE SELECT * FROM query_table(name)',
];

/**
 * Files made by an older postflight hold xxhash64 as a macro (DuckDB's own hash), which would
 * shadow the function every connection now registers (duckdb-driver.ts, spark-xxhash64.ts). One
 * macro of many overloads (one per arity) is listed once per overload.
 */
export const STALE_MACROS_SQL =
  "SELECT DISTINCT database_name, schema_name FROM duckdb_functions() WHERE function_name = 'xxhash64' AND function_type = 'macro' AND NOT internal";
