// The Databricks SQL functions the queries in sql/ use that DuckDB lacks or spells differently.
// Each is a macro with Databricks' name and semantics.

/** Most columns a row hash takes: the widest table postflight keeps has fewer. */
const HASH_ARITY = 32;

/**
 * Databricks `xxhash64(a, b, ...)`: a 64-bit hash of the values together, for row checksums. DuckDB
 * macros are not variadic, so one overload per arity, each DuckDB's own `hash` of the same values;
 * the numbers differ from Databricks', but a checksum is only ever compared on one engine.
 */
function xxhash64Macro(): string {
  const overloads = Array.from({ length: HASH_ARITY }, (_, i) => {
    const args = Array.from({ length: i + 1 }, (_, j) => `a${j + 1}`).join(', ');
    return `(${args}) AS hash(${args})`;
  });
  return `CREATE OR REPLACE MACRO xxhash64 ${overloads.join(', ')}`;
}

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
  xxhash64Macro(),
];
