// Schema compatibility before a deploy: the columns a bundle declares for the tables it writes
// (dbt model contracts), against the columns Unity Catalog holds for them now. A dropped column, a
// narrowed type, a tightened nullability, or a column renamed without keeping the old name, breaks
// readers downstream or the write itself. Pure.

import type { Finding } from './finding.js';

export interface ColumnSpec {
  readonly name: string;
  /** The full type, e.g. bigint, decimal(18,2), varchar(20), array<string>. */
  readonly type: string;
  readonly nullable: boolean;
}

export interface TableSpec {
  /** catalog.schema.table */
  readonly table: string;
  readonly columns: readonly ColumnSpec[];
  /** Where the new schema is declared (a dbt model's file). */
  readonly source?: string;
}

const INT_WIDTH: Readonly<Record<string, number>> = {
  tinyint: 1,
  byte: 1,
  smallint: 2,
  short: 2,
  int: 4,
  integer: 4,
  bigint: 8,
  long: 8,
};
const FLOAT_WIDTH: Readonly<Record<string, number>> = { float: 4, real: 4, double: 8 };

function norm(t: string): string {
  return t.toLowerCase().replace(/\s+/g, '');
}

/** Why the new type holds less than the old one, or null when every old value still fits. */
export function narrowing(oldType: string, newType: string): string | null {
  const a = norm(oldType);
  const b = norm(newType);
  if (a === b) return null;
  if (a in INT_WIDTH && b in INT_WIDTH) return INT_WIDTH[b]! < INT_WIDTH[a]! ? `${a} to ${b} loses range` : null;
  if (a in INT_WIDTH && b in FLOAT_WIDTH) return a === 'bigint' || a === 'long' ? `${a} to ${b} loses precision` : null;
  if (a in FLOAT_WIDTH && b in FLOAT_WIDTH)
    return FLOAT_WIDTH[b]! < FLOAT_WIDTH[a]! ? `${a} to ${b} loses precision` : null;
  const dec = (t: string) => /^decimal\((\d+),(\d+)\)$/.exec(t);
  const da = dec(a);
  const db = dec(b);
  if (da && db) {
    const [pa, sa, pb, sb] = [Number(da[1]), Number(da[2]), Number(db[1]), Number(db[2])];
    if (sb < sa) return `${a} to ${b} drops decimal places`;
    if (pb - sb < pa - sa) return `${a} to ${b} holds fewer integer digits`;
    return null;
  }
  if (a in INT_WIDTH && db)
    return Number(db[1]) - Number(db[2]) < [3, 5, 10, 19][Math.log2(INT_WIDTH[a]!)]!
      ? `${a} to ${b} holds fewer digits`
      : null;
  const len = (t: string) => /^(?:varchar|char)\((\d+)\)$/.exec(t);
  if ((a === 'string' && len(b)) || (len(a) && len(b) && Number(len(b)![1]) < Number(len(a)![1])))
    return `${a} to ${b} limits the length`;
  if (len(a) && b === 'string') return null;
  if (a === 'timestamp' && b === 'date') return 'timestamp to date drops the time of day';
  if ((a === 'timestamp' && b === 'timestamp_ntz') || (a === 'timestamp_ntz' && b === 'timestamp'))
    return `${a} to ${b} changes how instants are read`;
  if (b === 'string') return null;
  return `${a} to ${b} is not a widening`;
}

export function compareSchemas(current: TableSpec, next: TableSpec): Finding[] {
  const out: Finding[] = [];
  const now = new Map(current.columns.map((c) => [c.name.toLowerCase(), c]));
  const want = new Map(next.columns.map((c) => [c.name.toLowerCase(), c]));
  const dropped = [...now.values()].filter((c) => !want.has(c.name.toLowerCase()));
  const added = [...want.values()].filter((c) => !now.has(c.name.toLowerCase()));
  const at = { subject: current.table, ...(next.source ? { file: next.source } : {}) };
  for (const d of dropped) {
    const twin = added.find((a) => norm(a.type) === norm(d.type));
    out.push({
      check: 'schema',
      severity: 'error',
      ...at,
      message: twin
        ? `column ${d.name} would be renamed to ${twin.name} (same type ${d.type}): readers of ${d.name} break; keep ${d.name} (an alias or a view) for a release`
        : `column ${d.name} (${d.type}) would be dropped: readers of it break; deprecate it for a release before dropping it`,
    });
  }
  for (const [name, w] of want) {
    const c = now.get(name);
    if (!c) continue;
    const why = narrowing(c.type, w.type);
    if (why)
      out.push({
        check: 'schema',
        severity: 'error',
        ...at,
        message: `column ${c.name}: ${why}; existing rows may not fit or readers may break`,
      });
    if (c.nullable && !w.nullable) {
      out.push({
        check: 'schema',
        severity: 'warning',
        ...at,
        message: `column ${c.name} becomes NOT NULL: writes fail on a NULL, and rows already NULL must be fixed first`,
      });
    }
  }
  return out;
}

/** Whether the deploy changes the table's schema at all: a column added, dropped, retyped or made NOT NULL. */
export function schemaChanges(current: TableSpec, next: TableSpec): boolean {
  if (current.columns.length !== next.columns.length) return true;
  const now = new Map(current.columns.map((c) => [c.name.toLowerCase(), c]));
  return next.columns.some((n) => {
    const c = now.get(n.name.toLowerCase());
    return !c || norm(c.type) !== norm(n.type) || c.nullable !== n.nullable;
  });
}
