// A staged row batch as Databricks sees it: one JSON string bound to a parameter, expanded by
// `from_json` + `inline` into a relation with the batch's column names and types. Nothing of the
// rows reaches the statement text; the only text generated is the schema, built from validated
// column names and a closed set of types.

import type { RowBatch, StagedType } from '../port.js';
import { checkColumns, encodeRow } from '../row-json.js';

/** The parameter that carries a batch; no statement of sql/ may use this name itself. */
export const ROWS_PARAM = 'pf_rows';

/** How each staged type travels in JSON; timestamps go as epoch ms and are converted in SQL. */
const JSON_TYPE: Record<StagedType, string> = {
  STRING: 'STRING',
  BIGINT: 'BIGINT',
  DOUBLE: 'DOUBLE',
  BOOLEAN: 'BOOLEAN',
  TIMESTAMP: 'BIGINT',
};

/**
 * `SELECT c0 AS \`id\`, timestamp_millis(c1) AS \`at\` FROM inline(from_json(:pf_rows, 'ARRAY<STRUCT<c0: STRING, c1: BIGINT>>'))`.
 * Positional field names keep the JSON small and free of any quoting question.
 */
export function stagedRelation(columns: RowBatch['columns']): string {
  checkColumns(columns);
  if (columns.length === 0) throw new Error('row batch: a batch needs at least one column');
  const fields = columns.map((c, i) => `c${i}: ${JSON_TYPE[c.type]}`).join(', ');
  const select = columns
    .map((c, i) => `${c.type === 'TIMESTAMP' ? `timestamp_millis(c${i})` : `c${i}`} AS \`${c.name}\``)
    .join(', ');
  return `SELECT ${select} FROM inline(from_json(:${ROWS_PARAM}, 'ARRAY<STRUCT<${fields}>>'))`;
}

/**
 * The batch as JSON strings of at most `maxBytes` each (UTF-8), one per statement. A single row
 * larger than the limit is an error: it cannot be sent at all.
 */
export function encodeBatches(batch: RowBatch, maxBytes: number): string[] {
  checkColumns(batch.columns);
  const out: string[] = [];
  let parts: string[] = [];
  let size = 2;
  batch.rows.forEach((row, i) => {
    const json = encodeRow(batch.columns, row);
    const bytes = Buffer.byteLength(json, 'utf8');
    if (bytes + 2 > maxBytes)
      throw new Error(
        `row batch: row ${i} is ${bytes} bytes of JSON, more than the ${maxBytes}-byte limit of one statement`,
      );
    if (parts.length > 0 && size + 1 + bytes > maxBytes) {
      out.push(`[${parts.join(',')}]`);
      parts = [];
      size = 2;
    }
    size += (parts.length > 0 ? 1 : 0) + bytes;
    parts.push(json);
  });
  if (parts.length > 0 || out.length === 0) out.push(`[${parts.join(',')}]`);
  return out;
}
