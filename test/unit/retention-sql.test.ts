// The retention statements name every column of their table many times over (hashes, copies):
// these checks keep them, and the archive tables, in step with the hot tables' DDL.

import { describe, expect, it } from 'vitest';
import { ARCHIVED_TABLES, CURRENT_STATE_TABLES, statementOf } from '../../src/retention/tables.js';
import { databricksDialect } from '../../src/warehouse/databricks/databricks-dialect.js';
import { parseCreateTable, type TableDef } from '../../src/warehouse/ddl-parse.js';
import { mergeKeyColumns } from '../../src/warehouse/merge-source.js';
import { loadSql, splitStatements } from '../../src/warehouse/sql-files.js';
import { compileSql, parameterNames } from '../../src/warehouse/sql-template.js';

const tables = new Map<string, TableDef>(
  splitStatements(loadSql('ddl/ops'))
    .map(parseCreateTable)
    .filter((t): t is TableDef => t !== null)
    .map((t) => [t.name.replace('{{ops}}.', ''), t]),
);

/** The argument lists of every xxhash64(...) in a statement, without their table alias. */
function hashedColumns(sql: string): string[][] {
  return [...sql.matchAll(/xxhash64\(([^)]*)\)/g)].map((m) =>
    m[1]!.split(',').map((c) => c.trim().replace(/^[a-z]+\./, '')),
  );
}

describe('retention statements and archive tables', () => {
  it('classifies every table of ddl/ops as history (archived) or current state (kept)', () => {
    const own = [...tables.keys()].filter((t) => !t.endsWith('_archive'));
    const classified = new Set<string>([...ARCHIVED_TABLES, ...Object.keys(CURRENT_STATE_TABLES)]);
    expect(own.filter((t) => !classified.has(t))).toEqual([]);
    expect([...tables.keys()].filter((t) => t.endsWith('_archive')).sort()).toEqual(
      ARCHIVED_TABLES.map((t) => `${t}_archive`).sort(),
    );
  });

  it.each(ARCHIVED_TABLES)('%s_archive has the hot columns, types and key, and when each row moved', (table) => {
    const hot = tables.get(table)!;
    const archive = tables.get(`${table}_archive`)!;
    expect(archive.columns).toEqual([...hot.columns, { name: 'archived_at', type: 'TIMESTAMP', notNull: false }]);
    const key = mergeKeyColumns(loadSql(statementOf(table, 'copy')))!;
    expect(archive.primaryKey).toEqual(key);
    for (const k of key) expect(hot.columns.find((c) => c.name === k)?.notNull).toBe(true);
  });

  it.each(ARCHIVED_TABLES)(
    '%s: every row hash covers every column, in order, and the copy writes them all',
    (table) => {
      const columns = tables.get(table)!.columns.map((c) => c.name);
      for (const step of ['measure', 'copy', 'release'] as const) {
        const hashes = hashedColumns(loadSql(statementOf(table, step)));
        // measure: due and archived rows; copy: due rows (and the archived copy it may replace); release: all three.
        expect(hashes.length, `${table}/${step}`).toBeGreaterThanOrEqual(
          step === 'release' ? 3 : step === 'copy' ? 1 : 2,
        );
        for (const h of hashes) expect(h, `${table}/${step}`).toEqual(columns);
      }
      const insert = /INSERT \(([^)]*)\)/.exec(loadSql(statementOf(table, 'copy')))![1]!;
      expect(insert.split(',').map((c) => c.trim())).toEqual([...columns, 'archived_at']);
    },
  );

  it.each(ARCHIVED_TABLES)('%s: the statements take the documented parameters and compile for Databricks', (table) => {
    const steps: Record<string, string[]> = {
      measure: ['hot_before_ms', 'archive_before_ms'],
      copy: ['hot_before_ms', 'now_ms'],
      release: ['hot_before_ms'],
      purge: table === 'audit_log' ? ['anchor_seq'] : ['archive_before_ms'],
      ...(table === 'audit_log' ? { anchor: ['seq', 'hash', 'now_ms'] } : {}),
    };
    for (const [step, params] of Object.entries(steps)) {
      const text = loadSql(statementOf(table, step as 'measure'));
      expect(parameterNames(text).sort(), `${table}/${step}`).toEqual([...params].sort());
      expect(() =>
        compileSql(text, databricksDialect, { ops: 'main.pf_ops', eventLog: 'main.pf_ops.ev' }),
      ).not.toThrow();
    }
  });
});
