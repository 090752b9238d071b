// Turns a compiled statement of sql/ plus its inputs into what the driver sends: the text and
// natively bound, explicitly typed `:name` parameters. A staged batch becomes one more parameter;
// a large batch written with MERGE is split into several statements.

import type { RowBatch, SqlParams, SqlValue } from '../port.js';
import { parameterNames } from '../sql-template.js';
import { encodeBatches, ROWS_PARAM, stagedRelation } from './staged-rows.js';

export type ParamType = 'STRING' | 'BIGINT' | 'DOUBLE' | 'BOOLEAN' | 'VOID';

export interface BoundParam {
  readonly name: string;
  readonly type: ParamType;
  readonly value: string | number | boolean | null;
}

export interface BoundStatement {
  readonly sql: string;
  readonly params: readonly BoundParam[];
}

/** Leaves room under the 16 MiB statement limit of Databricks SQL for the text and other values. */
export const DEFAULT_MAX_BATCH_BYTES = 4 * 1024 * 1024;

const ROWS = '{{rows}}';

/**
 * `query` statements must fit one statement: the union of a query over parts of an id list is not
 * in general the query over the whole list. MERGE statements (`execute`) are keyed and idempotent,
 * so running one per chunk writes exactly what one statement would.
 */
export function bindStatement(
  name: string,
  sql: string,
  params: SqlParams,
  rows: RowBatch | undefined,
  mode: 'query' | 'execute',
  maxBatchBytes: number = DEFAULT_MAX_BATCH_BYTES,
): BoundStatement[] {
  if (ROWS_PARAM in params)
    throw new Error(`sql: statement '${name}' passes :${ROWS_PARAM}, a name reserved for staged rows`);
  const staged = sql.includes(ROWS);
  if (!staged) return [{ sql, params: pick(name, sql, params) }];
  if (!rows) throw new Error(`sql: statement '${name}' needs a row batch for {{rows}}`);
  const text = sql.split(ROWS).join(stagedRelation(rows.columns));
  const base = pick(name, text, params);
  const chunks = encodeBatches(rows, maxBatchBytes);
  if (mode === 'query' && chunks.length > 1) {
    throw new Error(
      `sql: statement '${name}' reads a batch of ${rows.rows.length} rows, more than fits one statement (${maxBatchBytes} bytes of JSON); read it in smaller sets`,
    );
  }
  return chunks.map((json) => ({
    sql: text,
    params: [...base, { name: ROWS_PARAM, type: 'STRING' as const, value: json }],
  }));
}

/** Binds exactly the parameters the statement names, and says which one is missing. */
function pick(name: string, sql: string, params: SqlParams): BoundParam[] {
  const out: BoundParam[] = [];
  for (const p of parameterNames(sql)) {
    if (p === ROWS_PARAM) continue;
    if (!(p in params)) throw new Error(`sql: statement '${name}' needs parameter :${p}`);
    out.push(typed(name, p, params[p]!));
  }
  return out;
}

/** Explicit types: the driver would type a whole number below 2^31 as INT and above as BIGINT. */
export function typed(statement: string, name: string, v: SqlValue): BoundParam {
  if (v === null) return { name, type: 'VOID', value: null };
  if (typeof v === 'string') return { name, type: 'STRING', value: v };
  if (typeof v === 'boolean') return { name, type: 'BOOLEAN', value: v };
  if (!Number.isFinite(v))
    throw new Error(`sql: statement '${statement}' parameter :${name} is ${v}; pass a finite number or null`);
  return Number.isSafeInteger(v) ? { name, type: 'BIGINT', value: v } : { name, type: 'DOUBLE', value: v };
}
