// A row batch sent with its statement as one JSON parameter, so a statement over a batch is one
// round trip. Filling a temp table first cost a DELETE and an appender flush per statement, each
// its own transaction, which on the minute tick cost more than most of its queries.

import type { RowBatch, StagedType } from '../port.js';
import { checkColumns, encodeRow } from '../row-json.js';

export const ROWS_PARAM = '__rows';

const JSON_TYPE: Record<StagedType, string> = {
  STRING: 'VARCHAR',
  BIGINT: 'BIGINT',
  DOUBLE: 'DOUBLE',
  BOOLEAN: 'BOOLEAN',
  TIMESTAMP: 'BIGINT',
};

const selects = new Map<string, string>();

/** The SELECT that stands for the batch; the same for every batch of one column layout. */
export function inlineRowsSelect(columns: RowBatch['columns']): string {
  const key = columns.map((c) => `${c.name}:${c.type}`).join(',');
  let sql = selects.get(key);
  if (sql === undefined) {
    checkColumns(columns);
    const schema = `[{${columns.map((c, i) => `"c${i}":"${JSON_TYPE[c.type]}"`).join(',')}}]`;
    const cols = columns.map((c, i) =>
      c.type === 'TIMESTAMP' ? `epoch_ms(r.c${i}) AS "${c.name}"` : `r.c${i} AS "${c.name}"`,
    );
    sql = `SELECT ${cols.join(', ')} FROM (SELECT unnest(from_json(CAST($${ROWS_PARAM} AS VARCHAR), '${schema}')) AS r)`;
    selects.set(key, sql);
  }
  return sql;
}

export function inlineRowsJson(batch: RowBatch): string {
  return `[${batch.rows.map((row) => encodeRow(batch.columns, row)).join(',')}]`;
}
