// Which statements of sql/ ran on Spark. Every file is a statement the Databricks dialect compiles
// except the embedded engine's own (sql/embedded/, and files that say they are DuckDB SQL). A
// statement counts as run when the text the endpoint received is the file compiled for Databricks:
// exactly, or around its staged rows (`{{rows}}` becomes a relation over a bound JSON parameter).

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { databricksDialect } from '../../src/warehouse/databricks/databricks-dialect.js';
import type { Locations } from '../../src/warehouse/port.js';
import { splitStatements } from '../../src/warehouse/sql-files.js';
import { compileSql } from '../../src/warehouse/sql-template.js';

export interface SqlFile {
  /** The name the code runs it by, e.g. `tick/runs`. */
  readonly name: string;
  readonly text: string;
}

export function listSqlFiles(root: string): SqlFile[] {
  const out: SqlFile[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const p = join(dir, entry);
      if (statSync(p).isDirectory()) walk(p);
      else if (entry.endsWith('.sql'))
        out.push({
          name: relative(root, p)
            .replace(/\\/g, '/')
            .replace(/\.sql$/, ''),
          text: readFileSync(p, 'utf8'),
        });
    }
  };
  walk(root);
  return out;
}

/**
 * Files that are no statement for Spark, and why. sql/grants.sql is printed by setup for the
 * schema's owner: GRANT on a table is Unity Catalog's, and Spark without it has no privileges to
 * grant (test/unit/grants.test.ts checks that file against the statements instead).
 */
export const NOT_RUN_ON_SPARK: Readonly<Record<string, string>> = {
  grants: "Unity Catalog privileges, applied by the schema's owner; Spark has no GRANT on tables",
};

/** The embedded engine's own statements, which never reach a Databricks warehouse, and NOT_RUN_ON_SPARK. */
export function isEngineLocal(f: SqlFile): boolean {
  return f.name.startsWith('embedded/') || /^--\s*DuckDB SQL/.test(f.text) || f.name in NOT_RUN_ON_SPARK;
}

/** setup/ files are parts of a statement setup builds (the event-log view is their UNION ALL). */
const isPart = (f: SqlFile) => f.name.startsWith('setup/');

/** The texts one file sends, compiled for Databricks: one per statement for DDL files. */
export function compiledStatements(f: SqlFile, loc: Locations): string[] {
  const sql = compileSql(f.text, databricksDialect, loc);
  // DDL and views are applied statement by statement (applyDdl), their comments left out.
  return f.name.startsWith('ddl/') || f.name.startsWith('views/') ? splitStatements(sql) : [sql];
}

export function matches(compiled: string, sent: string): boolean {
  if (!compiled.includes('{{rows}}')) return compiled === sent;
  const parts = compiled.split('{{rows}}');
  if (!sent.startsWith(parts[0]!) || !sent.endsWith(parts[parts.length - 1]!)) return false;
  let at = parts[0]!.length;
  for (const p of parts.slice(1, -1)) {
    const i = sent.indexOf(p, at);
    if (i < 0) return false;
    at = i + p.length;
  }
  return at <= sent.length - parts[parts.length - 1]!.length;
}

export interface Coverage {
  /** Files whose every statement ran. */
  readonly covered: string[];
  /** Files with a statement that never ran, and which. */
  readonly uncovered: Array<{ name: string; missing: number }>;
  /** Sent statements that are no file of sql/ (the harness's own, or DESCRIBE HISTORY). */
  readonly other: number;
}

export function coverage(files: readonly SqlFile[], sent: readonly string[], loc: Locations): Coverage {
  const remaining = new Set(sent);
  const covered: string[] = [];
  const uncovered: Coverage['uncovered'] = [];
  for (const f of files.filter((x) => !isEngineLocal(x))) {
    const stmts = compiledStatements(f, loc);
    let missing = 0;
    for (const c of stmts) {
      const hits = [...remaining].filter((s) => (isPart(f) ? s.includes(c.trim()) : matches(c, s)));
      if (hits.length === 0) missing++;
      for (const h of hits) remaining.delete(h);
    }
    if (missing === 0) covered.push(f.name);
    else uncovered.push({ name: f.name, missing });
  }
  return { covered, uncovered, other: remaining.size };
}
