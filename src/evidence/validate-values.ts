// The plausibility rules every source's rows are held to before the core sees them. A value that
// breaks one is reported with the rule it broke, never coerced to NULL: a NULL count or time reads
// to the checks as "nothing happened", which is how a corrupt row turned a table stale.
// Pure: values in, a reason (or null when the value is fine) out.

import type { MeasurementError } from '../types.js';

/** The stable word an ERROR of these validators starts with (and its CheckResult's kind). */
export const MALFORMED = 'malformed evidence';

/** Epoch ms before 2000 or after 2100 is no time a workspace has seen: a unit mix-up or junk. */
const EARLIEST_MS = Date.UTC(2000, 0, 1);
const LATEST_MS = Date.UTC(2100, 0, 1);
/** More rows than any table holds (a petabyte of one-byte rows is 1e15): a count this large is junk. */
export const MAX_ROWS = 1e15;
/** A run, update or backlog longer than a year is not a duration, it is a broken clock. */
export const MAX_DURATION_MS = 366 * 86_400_000;

export type Reason = string | null;

const shown = (v: unknown): string => {
  if (v === null) return 'NULL';
  if (v === undefined) return 'missing';
  if (typeof v === 'string') return `'${v.slice(0, 40)}'`;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return typeof v;
};

/** A number as the drivers hand it over (number, bigint or decimal string); NaN when it is none. */
export function numeric(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/.test(v)) return Number(v);
  return Number.NaN;
}

/** A point in time, epoch ms: present, finite and within this century. */
export function checkTime(field: string, v: unknown): Reason {
  const n = numeric(v);
  if (v === null || v === undefined || !Number.isFinite(n)) return `${field} is ${shown(v)}, not a time`;
  if (n < EARLIEST_MS || n > LATEST_MS) return `${field} ${n} is not a plausible time (epoch ms, years 2000 to 2100)`;
  return null;
}

/** A time that may be absent (a run still going), and is plausible when present. */
export function checkOptionalTime(field: string, v: unknown): Reason {
  return v === null || v === undefined ? null : checkTime(field, v);
}

/** A count of rows or records: a whole number from 0 to MAX_ROWS; absent is allowed only where `optional`. */
export function checkCount(field: string, v: unknown, optional = true): Reason {
  if (v === null || v === undefined) return optional ? null : `${field} is ${shown(v)}`;
  const n = numeric(v);
  if (!Number.isFinite(n)) return `${field} is ${shown(v)}, not a count`;
  if (!Number.isInteger(n) || n < 0) return `${field} ${n} is not a whole number of rows at or above 0`;
  if (n > MAX_ROWS) return `${field} ${n} is beyond any plausible count (over ${MAX_ROWS})`;
  return null;
}

/** A non-negative amount that need not be whole (backlog seconds); absent is allowed. */
export function checkAmount(field: string, v: unknown, max: number): Reason {
  if (v === null || v === undefined) return null;
  const n = numeric(v);
  if (!Number.isFinite(n)) return `${field} is ${shown(v)}, not a number`;
  if (n < 0 || n > max) return `${field} ${n} is outside 0 to ${max}`;
  return null;
}

/** An identifier (run id, update id, version): present and not empty. */
export function checkId(field: string, v: unknown): Reason {
  if (v === null || v === undefined) return `${field} is ${shown(v)}`;
  if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'bigint') return `${field} is ${shown(v)}`;
  const s = String(v).trim();
  if (s === '' || s === 'null' || s === 'NaN' || s === 'undefined') return `${field} is ${shown(v)}, not an id`;
  return null;
}

/** A value from a closed vocabulary; absent is allowed only where `optional`. */
export function checkState(field: string, v: unknown, known: ReadonlySet<string>, optional = false): Reason {
  if (v === null || v === undefined) return optional ? null : `${field} is ${shown(v)}`;
  if (typeof v !== 'string' || !known.has(v.toUpperCase()))
    return `${field} ${shown(v)} is not a known state (${[...known].slice(0, 8).join(', ')}${known.size > 8 ? ', ...' : ''})`;
  return null;
}

/** An end not before its start and not absurdly after it. */
export function checkSpan(startField: string, start: number, endField: string, end: number | null): Reason {
  if (end === null) return null;
  if (end < start) return `${endField} ${end} is before ${startField} ${start}`;
  if (end - start > MAX_DURATION_MS) return `${endField} is ${end - start} ms after ${startField}, over a year`;
  return null;
}

/** The first reason among rules, in order. */
export function firstReason(...reasons: Reason[]): Reason {
  for (const r of reasons) if (r !== null) return r;
  return null;
}

/**
 * The measurement error a malformed row makes for its subject: `kind` is the evidence it spoils
 * (runs, writes, expectations), `source` and `key` name the offending row where it came from.
 */
export function malformedRow(
  kind: string,
  subject: string,
  source: string,
  key: string,
  reason: string,
): MeasurementError {
  return { kind, subject, message: `${MALFORMED}: ${reason} (${source} ${key})`, fault: MALFORMED };
}
