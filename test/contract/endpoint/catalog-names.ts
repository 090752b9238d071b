// The one rewrite the local endpoint makes to a statement: Unity Catalog's three-level names onto
// Spark's two-level session catalog. A name whose first part is one of the endpoint's catalogs
// (`ops.postflight.verdicts`, `system.lakeflow.jobs`) becomes `ops__postflight`.`verdicts`; a
// two-part name of such a catalog (`CREATE SCHEMA ops.postflight`) becomes `ops__postflight`.
// Text inside string literals and comments is left alone, so a table name held as data
// ('prod.sales.orders' in system.access.table_lineage) is not touched.

/** How a catalog and schema are joined into one Spark database name. */
export const CATALOG_JOIN = '__';

export function sparkName(catalog: string, schema: string): string {
  return `${catalog}${CATALOG_JOIN}${schema}`;
}

const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_]/;

export function mapCatalogNames(sql: string, catalogs: ReadonlySet<string>): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    if (ch === "'" || ch === '"') {
      const end = closingQuote(sql, i, ch);
      out += sql.slice(i, end + 1);
      i = end + 1;
    } else if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end < 0 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop;
    } else if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      const stop = end < 0 ? sql.length : end + 2;
      out += sql.slice(i, stop);
      i = stop;
    } else if (ch === '`' || (IDENT_START.test(ch) && !IDENT_PART.test(sql[i - 1] ?? '') && sql[i - 1] !== '.')) {
      const name = readName(sql, i);
      const first = name.parts[0]!;
      if (catalogs.has(first) && (name.parts.length === 2 || name.parts.length === 3) && sql[i - 1] !== ':') {
        const db = `\`${sparkName(first, name.parts[1]!)}\``;
        out += name.parts.length === 3 ? `${db}.\`${name.parts[2]}\`` : db;
      } else out += sql.slice(i, name.end);
      i = name.end;
    } else {
      out += ch;
      i += 1;
    }
  }
  return out;
}

/** A dotted name from `start`: plain or backticked parts separated by dots (no spaces). */
function readName(sql: string, start: number): { parts: string[]; end: number } {
  const parts: string[] = [];
  let i = start;
  for (;;) {
    if (sql[i] === '`') {
      const end = closingQuote(sql, i, '`');
      parts.push(sql.slice(i + 1, end).replace(/``/g, '`'));
      i = end + 1;
    } else {
      let j = i;
      while (j < sql.length && IDENT_PART.test(sql[j]!)) j++;
      if (j === i) break;
      parts.push(sql.slice(i, j));
      i = j;
    }
    if (sql[i] === '.' && (sql[i + 1] === '`' || IDENT_START.test(sql[i + 1] ?? ''))) i += 1;
    else break;
  }
  return { parts, end: i };
}

function closingQuote(sql: string, start: number, quote: string): number {
  let j = start + 1;
  while (j < sql.length) {
    if (sql[j] === '\\' && quote !== '`') j += 2;
    else if (sql[j] === quote) {
      if (sql[j + 1] === quote) j += 2;
      else return j;
    } else j += 1;
  }
  return sql.length - 1;
}
