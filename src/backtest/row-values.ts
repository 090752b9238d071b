// A JSON row of an export checked against the Databricks column types and written in the form the
// embedded warehouse reads: timestamps in UTC, numbers where numbers are due, nested values of the
// declared shape. Pure: a row in, the normalized row or the first problem (which column, why, the
// fix) out.

import { splitTopLevel } from '../warehouse/ddl-parse.js';
import type { ExportTable } from './export-catalog.js';

export type TypeNode =
  | { readonly kind: 'scalar'; readonly name: string }
  | { readonly kind: 'array'; readonly of: TypeNode }
  | { readonly kind: 'map'; readonly value: TypeNode }
  | { readonly kind: 'struct'; readonly fields: ReadonlyArray<{ readonly name: string; readonly type: TypeNode }> };

export function parseType(text: string): TypeNode {
  const t = text.trim();
  const generic = /^(ARRAY|MAP|STRUCT)\s*<([\s\S]*)>$/i.exec(t);
  if (!generic) return { kind: 'scalar', name: t.toUpperCase().replace(/\(.*\)$/, '') };
  const kind = generic[1]!.toUpperCase();
  const inner = generic[2]!;
  if (kind === 'ARRAY') return { kind: 'array', of: parseType(inner) };
  if (kind === 'MAP') return { kind: 'map', value: parseType(splitTopLevel(inner, ',')[1] ?? 'STRING') };
  return {
    kind: 'struct',
    fields: splitTopLevel(inner, ',').map((f) => {
      const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([\s\S]+)$/.exec(f)!;
      return { name: m[1]!, type: parseType(m[2]!) };
    }),
  };
}

/** A value that does not fit its column: where in the row, what is wrong, what to write instead. */
export class ValueProblem {
  constructor(
    readonly column: string,
    readonly message: string,
    readonly fix: string,
  ) {}
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** Epoch milliseconds of an ISO 8601 text; a time without an offset is UTC, as Databricks writes it. */
export function parseTimestamp(text: string): number | null {
  const m = ISO.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const ms = Date.UTC(
    Number(y),
    Number(mo) - 1,
    Number(d),
    Number(h),
    Number(mi),
    Number(s),
    Number(frac.slice(0, 3).padEnd(3, '0')),
  );
  const check = new Date(ms);
  if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59)
    return null;
  if (!zone || zone.toUpperCase() === 'Z') return ms;
  const z = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!;
  const offset = (Number(z[2]) * 60 + Number(z[3] ?? 0)) * 60_000;
  return z[1] === '+' ? ms - offset : ms + offset;
}

/** How the embedded warehouse reads a timestamp: UTC, to the millisecond, no offset. */
export function timestampText(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

const TIMESTAMP_FIX = 'write ISO 8601 text such as 2026-03-02T02:00:00Z (a time without an offset is read as UTC)';

function typeName(t: TypeNode): string {
  return t.kind === 'scalar' ? t.name : t.kind.toUpperCase();
}

function scalar(name: string, v: unknown, at: string): unknown {
  switch (name) {
    case 'STRING':
      if (typeof v === 'string') return v;
      if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
      // A column holding JSON text (settings, resources, details) may come as the object itself.
      if (typeof v === 'object') return JSON.stringify(v);
      throw new ValueProblem(at, `${JSON.stringify(v)} is not text`, 'write it as a JSON string');
    case 'BIGINT':
    case 'INT':
    case 'INTEGER':
    case 'SMALLINT':
    case 'TINYINT': {
      const n = typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : v;
      if (typeof n === 'number' && Number.isSafeInteger(n)) return n;
      throw new ValueProblem(at, `${JSON.stringify(v)} is not a whole number`, 'write a whole number such as 42');
    }
    case 'DOUBLE':
    case 'FLOAT':
    case 'DECIMAL': {
      const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
      if (typeof n === 'number' && Number.isFinite(n)) return n;
      throw new ValueProblem(at, `${JSON.stringify(v)} is not a number`, 'write a number such as 0.5');
    }
    case 'BOOLEAN':
      if (typeof v === 'boolean') return v;
      if (v === 'true' || v === 'false') return v === 'true';
      throw new ValueProblem(at, `${JSON.stringify(v)} is not true or false`, 'write true or false');
    case 'TIMESTAMP': {
      const ms = typeof v === 'string' ? parseTimestamp(v) : null;
      if (ms === null) throw new ValueProblem(at, `${JSON.stringify(v)} is not a timestamp`, TIMESTAMP_FIX);
      return timestampText(ms);
    }
    case 'DATE': {
      const ms = typeof v === 'string' ? parseTimestamp(v) : null;
      if (ms === null)
        throw new ValueProblem(at, `${JSON.stringify(v)} is not a date`, 'write a date such as 2026-03-02');
      return timestampText(ms).slice(0, 10);
    }
    default:
      return v;
  }
}

/** A value of the given type, normalized; throws ValueProblem naming `at`. */
export function normalizeValue(type: TypeNode, v: unknown, at: string): unknown {
  if (v === null || v === undefined) return null;
  if (type.kind === 'scalar') return scalar(type.name, v, at);
  // The event_log() function and some exports give nested columns as JSON text.
  let value = v;
  if (typeof v === 'string') {
    try {
      value = JSON.parse(v);
    } catch {
      throw new ValueProblem(at, `is text that is not JSON, where ${typeName(type)} is due`, shapeFix(type));
    }
  }
  if (type.kind === 'array') {
    if (!Array.isArray(value)) throw new ValueProblem(at, 'is not an array', shapeFix(type));
    return value.map((x, i) => normalizeValue(type.of, x, `${at}[${i}]`));
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ValueProblem(at, `is not an object, where ${typeName(type)} is due`, shapeFix(type));
  const obj = value as Record<string, unknown>;
  if (type.kind === 'map') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(obj)) {
      const inner = type.value.kind === 'scalar' && type.value.name === 'STRING' && typeof x !== 'string' && x !== null;
      out[k] = inner ? JSON.stringify(x) : normalizeValue(type.value, x, `${at}.${k}`);
    }
    return out;
  }
  // Fields postflight does not read are left out; those it reads keep their declared types.
  const out: Record<string, unknown> = {};
  for (const f of type.fields) out[f.name] = normalizeValue(f.type, obj[f.name], `${at}.${f.name}`);
  return out;
}

function shapeFix(type: TypeNode): string {
  if (type.kind === 'array') return 'write a JSON array';
  if (type.kind === 'map') return 'write a JSON object of keys and values';
  if (type.kind === 'struct') return `write a JSON object with the fields ${type.fields.map((f) => f.name).join(', ')}`;
  return 'write a value of the column type';
}

/** Column types of a table, parsed once. */
export function typesOf(table: ExportTable): ReadonlyArray<{ name: string; type: TypeNode }> {
  return table.columns.map((c) => ({ name: c.name, type: parseType(c.type) }));
}

/**
 * One row of a table: the known columns normalized (others left out: exports carry columns
 * postflight does not read), the required ones present. Throws ValueProblem.
 */
export function normalizeRow(
  table: ExportTable,
  types: ReadonlyArray<{ name: string; type: TypeNode }>,
  row: unknown,
): Record<string, unknown> {
  if (typeof row !== 'object' || row === null || Array.isArray(row))
    throw new ValueProblem('', 'is not a JSON object', 'write one JSON object per line, {"column": value, ...}');
  const r = row as Record<string, unknown>;
  for (const req of table.required) {
    const [col, field] = req.split('.') as [string, string | undefined];
    const v = field === undefined ? r[col] : nested(r[col], field);
    if (v === null || v === undefined || v === '') {
      throw new ValueProblem(
        req,
        field === undefined && !(col in r) ? 'is missing' : 'is null or empty',
        `every row of ${table.name} needs ${req}; see docs/embedded-layout.md`,
      );
    }
  }
  const out: Record<string, unknown> = {};
  for (const c of types) if (c.name in r) out[c.name] = normalizeValue(c.type, r[c.name], c.name);
  if (table.name === 'delta_history') jobRunOf(r, out);
  return out;
}

/**
 * A Databricks history row names the job's run `jobRunId` and the task's run `runId`; postflight
 * ties a write to the job run, which is what `runId` holds where `jobRunId` is absent.
 */
function jobRunOf(raw: Record<string, unknown>, out: Record<string, unknown>): void {
  const job = nested(raw.job, 'jobRunId');
  if (job === null || job === undefined || job === '') return;
  const norm = out.job as Record<string, unknown> | null;
  if (norm) norm.runId = normalizeValue({ kind: 'scalar', name: 'STRING' }, job, 'job.jobRunId');
}

function nested(v: unknown, field: string): unknown {
  let obj = v;
  if (typeof v === 'string') {
    try {
      obj = JSON.parse(v);
    } catch {
      return undefined;
    }
  }
  return typeof obj === 'object' && obj !== null ? (obj as Record<string, unknown>)[field] : undefined;
}
