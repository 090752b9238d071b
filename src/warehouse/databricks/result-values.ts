// Driver rows into the core's plain values, by the column types of the result: TIMESTAMP and
// DATE -> epoch ms, 64-bit integers and decimals -> numbers, MAP/STRUCT/ARRAY -> objects.

import type { Row } from '../port.js';

export interface ResultColumn {
  readonly name: string;
  /** Spark type name without parameters: TIMESTAMP, BIGINT, MAP, STRUCT, STRING, ... */
  readonly type: string;
}

export function plainRows(columns: readonly ResultColumn[], rows: readonly object[]): Row[] {
  const conv = columns.map((c) => [c.name, converter(c.type)] as const);
  return rows.map((r) => {
    const src = r as Record<string, unknown>;
    const out: Row = { ...src };
    for (const [name, f] of conv) if (name in src) out[name] = f(src[name]);
    return out;
  });
}

function converter(type: string): (v: unknown) => unknown {
  switch (type.toUpperCase()) {
    case 'TIMESTAMP':
    case 'TIMESTAMP_NTZ':
    case 'DATE':
      return toEpochMs;
    case 'BIGINT':
    case 'INT':
    case 'SMALLINT':
    case 'TINYINT':
    case 'DECIMAL':
    case 'DOUBLE':
    case 'FLOAT':
      return toNumber;
    case 'MAP':
    case 'STRUCT':
    case 'ARRAY':
      return fromJson;
    default:
      return (v) => v;
  }
}

export function toEpochMs(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    // The session runs in UTC; a text timestamp without an offset is UTC.
    const iso = v.includes('T') ? v : v.replace(' ', 'T');
    const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) || /^\d{4}-\d\d-\d\d$/.test(iso) ? iso : `${iso}Z`);
    return Number.isNaN(ms) ? v : ms;
  }
  return v;
}

function toNumber(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  const o = v as { toNumber?: () => number };
  return typeof o?.toNumber === 'function' ? o.toNumber() : v;
}

function fromJson(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}
