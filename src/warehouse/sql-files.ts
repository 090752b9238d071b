// Loads the statements of `sql/`. The bundled job carries them inline (injected at build time);
// a checkout reads them from disk.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

declare const __POSTFLIGHT_SQL__: Record<string, string> | undefined;

const cache = new Map<string, string>();

function sqlRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let k = 0; k < 6; k++) {
    try {
      readFileSync(join(dir, 'sql', 'README.md'));
      return join(dir, 'sql');
    } catch {
      dir = dirname(dir);
    }
  }
  throw new Error('sql: cannot find the sql/ folder next to the program; run from a checkout or the bundled build');
}

export function loadSql(name: string): string {
  const hit = cache.get(name);
  if (hit !== undefined) return hit;
  let text: string | undefined;
  if (typeof __POSTFLIGHT_SQL__ !== 'undefined') text = __POSTFLIGHT_SQL__[name];
  else {
    try {
      text = readFileSync(join(sqlRoot(), `${name}.sql`), 'utf8');
    } catch {
      text = undefined;
    }
  }
  if (text === undefined) throw new Error(`sql: no statement named '${name}' (expected sql/${name}.sql)`);
  cache.set(name, text);
  return text;
}

/** Names of the statements in a folder of `sql/` (not its subfolders), in file-name order; none when absent. */
export function listSql(folder: string): string[] {
  const prefix = `${folder}/`;
  const names =
    typeof __POSTFLIGHT_SQL__ !== 'undefined'
      ? Object.keys(__POSTFLIGHT_SQL__).filter((n) => n.startsWith(prefix) && !n.slice(prefix.length).includes('/'))
      : existsSync(join(sqlRoot(), folder))
        ? readdirSync(join(sqlRoot(), folder))
            .filter((f) => f.endsWith('.sql'))
            .map((f) => prefix + f.slice(0, -'.sql'.length))
        : [];
  return names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Splits a file of several statements on top-level semicolons. */
export function splitStatements(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      cur += ch;
      if (ch === quote) quote = null;
    } else if (ch === '-' && text[i + 1] === '-') {
      const end = text.indexOf('\n', i);
      i = (end < 0 ? text.length : end) - 1;
    } else if (ch === "'" || ch === '"' || ch === '`') {
      quote = ch;
      cur += ch;
    } else if (ch === ';') {
      if (cur.trim()) out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}
