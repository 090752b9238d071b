// A row batch sent with its statement as one JSON parameter, so a statement over a batch is one
// round trip. Filling a temp table first cost a DELETE and an appender flush per statement, each
// its own transaction, which on the minute tick cost more than most of its queries.

import type { RowBatch, SqlValue, StagedType } from '../port.js';

export const ROWS_PARAM = '__rows';

const JSON_TYPE: Record<StagedType, string> = {
  STRING: 'VARCHAR',
  BIGINT: 'BIGINT',
  DOUBLE: 'DOUBLE',
  BOOLEAN: 'BOOLEAN',
  // Sent as epoch milliseconds: JSON has no timestamp.
  TIMESTAMP: 'BIGINT',
};

const selects = new Map<string, string>();

/** The SELECT that stands for the batch; the same for every batch of one column layout. */
export function inlineRowsSelect(columns: RowBatch['columns']): string {
  const key = columns.map((c) => `${c.name}:${c.type}`).join(',');
  let sql = selects.get(key);
  if (sql === undefined) {
    const schema = `[{${columns.map((c, i) => `"c${i}":"${JSON_TYPE[c.type]}"`).join(',')}}]`;
    const cols = columns.map((c, i) => (c.type === 'TIMESTAMP' ? `epoch_ms(r.c${i}) AS "${c.name}"` : `r.c${i} AS "${c.name}"`));
    sql = `SELECT ${cols.join(', ')} FROM (SELECT unnest(from_json($${ROWS_PARAM}, '${schema}')) AS r)`;
    selects.set(key, sql);
  }
  return sql;
}

/** The batch as the JSON the SELECT reads; non-finite numbers become NULL, as the appender did. */
export function inlineRowsJson(batch: RowBatch): string {
  const types = batch.columns.map((c) => c.type);
  const parts: string[] = [];
  for (const row of batch.rows) {
    const o: Record<string, SqlValue> = {};
    for (let i = 0; i < types.length; i++) o[`c${i}`] = jsonValue(types[i]!, row[i] ?? null);
    parts.push(JSON.stringify(o));
  }
  return `[${parts.join(',')}]`;
}

function jsonValue(type: StagedType, value: SqlValue): SqlValue {
  if (value === null) return null;
  switch (type) {
    case 'STRING':
      return String(value);
    case 'BOOLEAN':
      return Boolean(value);
    case 'DOUBLE': {
      const n = Number(value);
      return Number.isFinite(n) ? n : null;
    }
    case 'BIGINT':
    case 'TIMESTAMP': {
      const n = Number(value);
      return Number.isFinite(n) ? Math.round(n) : null;
    }
  }
}
