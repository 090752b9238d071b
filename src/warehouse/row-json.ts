// A row of a row batch as the JSON object both warehouses' `from_json` read: positional field
// names (c0, c1, ...) keep the JSON small and free of any quoting question; timestamps go as
// epoch milliseconds and are converted in SQL.

import type { RowBatch, SqlValue, StagedType } from './port.js';

const COLUMN = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TYPES: readonly StagedType[] = ['STRING', 'BIGINT', 'DOUBLE', 'BOOLEAN', 'TIMESTAMP'];

export function checkColumns(columns: RowBatch['columns']): void {
  const seen = new Set<string>();
  for (const c of columns) {
    if (!COLUMN.test(c.name))
      throw new Error(`row batch: column name '${c.name}' must be letters, digits and underscores`);
    if (!TYPES.includes(c.type))
      throw new Error(`row batch: column ${c.name} has type '${String(c.type)}'; use ${TYPES.join(', ')}`);
    if (seen.has(c.name.toLowerCase())) throw new Error(`row batch: column ${c.name} appears twice`);
    seen.add(c.name.toLowerCase());
  }
}

/** One row as the JSON object `from_json` reads; non-finite numbers travel as NULL. */
export function encodeRow(columns: RowBatch['columns'], row: ReadonlyArray<SqlValue>): string {
  if (row.length !== columns.length)
    throw new Error(`row batch: a row has ${row.length} values for ${columns.length} columns`);
  const o: Record<string, SqlValue> = {};
  columns.forEach((c, i) => {
    o[`c${i}`] = coerce(c.type, row[i] ?? null);
  });
  return JSON.stringify(o);
}

function coerce(type: StagedType, v: SqlValue): SqlValue {
  if (v === null) return null;
  switch (type) {
    case 'STRING':
      return String(v);
    case 'BOOLEAN':
      return Boolean(v);
    case 'DOUBLE': {
      // JSON has no NaN or Infinity; the embedded stage stores them as NULL too.
      const n = Number(v);
      return Number.isFinite(n) ? n : null;
    }
    case 'BIGINT':
    case 'TIMESTAMP': {
      const n = Number(v);
      return Number.isFinite(n) ? Math.round(n) : null;
    }
  }
}
