// A MERGE's staged source holds one row per key, the last one given: Delta rejects a MERGE whose
// source matches one target row twice (DELTA_MULTIPLE_SOURCE_ROW_MATCHING_TARGET_ROW_IN_MERGE),
// where DuckDB would quietly apply both. The key is what the statement matches on: the source
// columns of its ON clause (`ON t.a = s.a AND t.b = s.b`), read from the statement itself.

import type { RowBatch, SqlValue } from './port.js';
import { loadSql } from './sql-files.js';

const keysByStatement = new Map<string, readonly string[] | null>();

/** The source columns a MERGE statement matches on, or null when it is not a MERGE. */
export function mergeKeyColumns(sql: string): string[] | null {
  const text = sql.replace(/--[^\n]*/g, '');
  if (!/^\s*MERGE\s/i.test(text)) return null;
  const on = /\bON\b([\s\S]*?)\bWHEN\b/i.exec(text);
  if (!on) return null;
  const keys = [...on[1]!.matchAll(/\bs\.([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!);
  return keys.length ? [...new Set(keys)] : null;
}

function keysOf(name: string): readonly string[] | null {
  if (!keysByStatement.has(name)) keysByStatement.set(name, mergeKeyColumns(loadSql(name)));
  return keysByStatement.get(name)!;
}

const keyText = (v: SqlValue) => (v === null ? '\u0000null' : typeof v === 'string' ? `s${v}` : `n${String(v)}`);

/** The batch a named statement stages, with one row per MERGE key (the last one). */
export function mergeSource(name: string, rows: RowBatch): RowBatch {
  const keys = keysOf(name);
  if (keys === null || rows.rows.length < 2) return rows;
  const at = keys.map((k) => rows.columns.findIndex((c) => c.name === k));
  if (at.some((i) => i < 0))
    throw new Error(`sql: '${name}' matches on ${keys.join(', ')}, which its staged rows lack`);
  const last = new Map<string, number>();
  rows.rows.forEach((r, i) => {
    last.set(at.map((j) => keyText(r[j]!)).join('\u0001'), i);
  });
  if (last.size === rows.rows.length) return rows;
  const keep = new Set(last.values());
  return { columns: rows.columns, rows: rows.rows.filter((_, i) => keep.has(i)) };
}
