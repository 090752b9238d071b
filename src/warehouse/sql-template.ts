// Compiles the neutral SQL of `sql/` for one engine. Inputs never reach the text: values are
// bound as parameters, and the only identifiers spliced in come from configuration, validated
// part by part and quoted for the engine.

import type { Locations } from './port.js';

export interface Dialect {
  readonly name: 'databricks' | 'duckdb';
  quoteIdent(part: string): string;
  /** Placeholder text for the named parameter. */
  param(name: string): string;
  /** Maps a Databricks three-part name `system.<schema>.<table>` to the engine's. */
  systemTable(schema: string, table: string): string;
}

const IDENT_PART = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function validateIdentifier(name: string, field: string): string[] {
  const parts = name.split('.');
  if (parts.length < 1 || parts.length > 3 || !parts.every((p) => IDENT_PART.test(p))) {
    throw new Error(
      `${field}: '${name}' is not a table or schema name; use one to three dot-separated parts of letters, digits and underscores`,
    );
  }
  return parts;
}

export function quoteName(dialect: Dialect, name: string, field: string): string {
  const parts = validateIdentifier(name, field);
  if (parts[0] === 'system' && parts.length === 3) return dialect.systemTable(parts[1]!, parts[2]!);
  return parts.map((p) => dialect.quoteIdent(p)).join('.');
}

/**
 * Rewrites `:name` markers (but not `::` casts, nor text inside quotes or comments) with the
 * dialect's placeholder, and expands `{{ops}}`, `{{event_log}}`, `{{dbt_artifacts}}` and `system.x.y` names.
 */
export function compileSql(text: string, dialect: Dialect, loc: Locations): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === "'" || ch === '"' || ch === '`') {
      const end = findClosingQuote(text, i, ch);
      out += text.slice(i, end + 1);
      i = end + 1;
    } else if (ch === '-' && text[i + 1] === '-') {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
    } else if (ch === ':' && text[i + 1] === ':') {
      out += '::';
      i += 2;
    } else if (ch === ':' && /[A-Za-z_]/.test(text[i + 1] ?? '') && !/[A-Za-z0-9_]/.test(text[i - 1] ?? '')) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1))!;
      out += dialect.param(m[0]);
      i += 1 + m[0].length;
    } else if (text.startsWith('{{', i)) {
      const end = text.indexOf('}}', i);
      const key = text.slice(i + 2, end).trim();
      out += expandPlaceholder(key, dialect, loc);
      i = end + 2;
    } else if (text.startsWith('system.', i) && !/[A-Za-z0-9_.]/.test(text[i - 1] ?? '')) {
      const m = /^system\.([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)/.exec(text.slice(i));
      if (!m) throw new Error(`sql: 'system.' must be followed by <schema>.<table> near '${text.slice(i, i + 40)}'`);
      out += dialect.systemTable(m[1]!, m[2]!);
      i += m[0].length;
    } else {
      out += ch;
      i += 1;
    }
  }
  return out;
}

function expandPlaceholder(key: string, dialect: Dialect, loc: Locations): string {
  if (key === 'ops') return quoteName(dialect, loc.ops, 'ops location');
  if (key === 'event_log') return quoteName(dialect, loc.eventLog, 'event log location');
  if (key === 'dbt_artifacts') {
    if (loc.dbtArtifacts === undefined)
      throw new Error(
        'sql: {{dbt_artifacts}} is used but no dbt artifacts schema is configured (--dbt-artifacts or POSTFLIGHT_DBT_ARTIFACTS)',
      );
    return quoteName(dialect, loc.dbtArtifacts, 'dbt artifacts location');
  }
  if (key === 'rows') return '{{rows}}';
  throw new Error(
    `sql: unknown placeholder {{${key}}}; known are {{ops}}, {{event_log}}, {{dbt_artifacts}} and {{rows}}`,
  );
}

function findClosingQuote(text: string, start: number, quote: string): number {
  let j = start + 1;
  while (j < text.length) {
    if (text[j] === quote) {
      if (text[j + 1] === quote) j += 2;
      else return j;
    } else if (text[j] === '\\' && quote === "'") j += 2;
    else j += 1;
  }
  throw new Error(`sql: unterminated ${quote} quote starting '${text.slice(start, start + 40)}'`);
}

/**
 * Names of the `:params` a statement expects, in first-use order: read as compileSql reads it, so a
 * quote or marker inside a comment or string (an apostrophe in a comment) is not taken for one.
 */
export function parameterNames(text: string): string[] {
  const names: string[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === "'" || ch === '"' || ch === '`') i = findClosingQuote(text, i, ch) + 1;
    else if (ch === '-' && text[i + 1] === '-') {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
    } else if (ch === ':' && text[i + 1] === ':') i += 2;
    else if (ch === ':' && /[A-Za-z_]/.test(text[i + 1] ?? '') && !/[A-Za-z0-9_]/.test(text[i - 1] ?? '')) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1))![0];
      if (!names.includes(m)) names.push(m);
      i += 1 + m.length;
    } else i += 1;
  }
  return names;
}
