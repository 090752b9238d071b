// Reads the Databricks `CREATE TABLE` statements of sql/ddl into column lists, so an engine
// without Databricks' type syntax can create the same tables.

export interface ColumnDef {
  readonly name: string;
  /** Databricks type text, e.g. `MAP<STRING, STRING>`. */
  readonly type: string;
  readonly notNull: boolean;
}

export interface TableDef {
  readonly name: string;
  readonly columns: readonly ColumnDef[];
  /**
   * The key the embedded warehouse enforces: the table property `'postflight.primary_key' = 'a, b'`,
   * or a `CONSTRAINT <name> PRIMARY KEY (...)` clause (Unity Catalog only on Databricks).
   */
  readonly primaryKey: readonly string[];
}

export function parseCreateTable(stmt: string): TableDef | null {
  const head = /^\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([^\s(]+)\s*\(/i.exec(stmt);
  if (!head) return null;
  const bodyStart = head[0].length;
  const bodyEnd = matchingParen(stmt, bodyStart - 1);
  const body = stripComments(stmt.slice(bodyStart, bodyEnd));
  const parts = splitTopLevel(body, ',').map((c) => c.trim());
  const pk = parts
    .map((c) => /^CONSTRAINT\s+[A-Za-z_][A-Za-z0-9_]*\s+PRIMARY\s+KEY\s*\(([^)]*)\)$/i.exec(c))
    .find((m) => m !== null);
  const columns = parts.filter((c) => !/^CONSTRAINT\s/i.test(c)).map(parseColumn);
  const prop = /TBLPROPERTIES\s*\([^)]*'postflight\.primary_key'\s*=\s*'([^']*)'/i.exec(stmt.slice(bodyEnd));
  const key = pk?.[1] ?? prop?.[1];
  return { name: head[1]!, columns, primaryKey: key ? key.split(',').map((c) => c.trim()) : [] };
}

function parseColumn(text: string): ColumnDef {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)\s+([\s\S]+)$/.exec(text);
  if (!m) throw new Error(`ddl: cannot read column definition '${text}'`);
  let type = m[2]!.trim();
  const notNull = /\s+NOT\s+NULL\s*$/i.test(type);
  type = type.replace(/\s+NOT\s+NULL\s*$/i, '').trim();
  return { name: m[1]!, type, notNull };
}

/** Removes `COMMENT '...'` clauses, which not every engine accepts inside a column list. */
function stripComments(body: string): string {
  return body.replace(/\s+COMMENT\s+'(?:[^'\\]|\\.|'')*'/gi, '');
}

function matchingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'") {
      const close = text.indexOf("'", i + 1);
      // Without this, an unterminated quote restarts the scan from the top, forever.
      if (close < 0) throw new Error('ddl: unterminated quote in CREATE TABLE');
      i = close;
      continue;
    }
    if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i;
  }
  throw new Error('ddl: unbalanced parentheses in CREATE TABLE');
}

export function splitTopLevel(text: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '<' || ch === '(') depth++;
    else if (ch === '>' || ch === ')') depth--;
    if (ch === sep && depth === 0) {
      if (cur.trim()) out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur);
  return out;
}
