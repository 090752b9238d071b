// Every statement of sql/ that the Databricks dialect compiles must run on Spark in the contract
// run. The run itself fails on a statement it never ran (sql_files_uncovered in its JSON); this
// test keeps the bookkeeping honest: every file is listed, recognised from the text the endpoint
// receives (staged rows and DDL files included), and a file left out is reported. Where a contract
// run has left its record and no statement changed since, the record must cover every file.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bindStatement } from '../../src/warehouse/databricks/bind-statement.js';
import type { Locations, RowBatch } from '../../src/warehouse/port.js';
import { parameterNames } from '../../src/warehouse/sql-template.js';
import { compiledStatements, coverage, isEngineLocal, listSqlFiles, NOT_RUN_ON_SPARK } from './coverage.js';

const LOC: Locations = {
  ops: 'ops.postflight',
  eventLog: 'ops.postflight.pipeline_event_log',
  dbtArtifacts: 'analytics.elementary',
  workspaceId: '4242',
};
const files = listSqlFiles(resolve('sql'));
const remote = files.filter((f) => !isEngineLocal(f));

/** What the Databricks warehouse sends for a file: staged rows expanded, as bindStatement does. */
function sentTexts(name: string): string[] {
  const f = files.find((x) => x.name === name)!;
  const batch: RowBatch = { columns: [{ name: 'id', type: 'STRING' }], rows: [['x']] };
  return compiledStatements(f, LOC).map((sql) =>
    sql.includes('{{rows}}')
      ? bindStatement(
          name,
          sql,
          Object.fromEntries(
            parameterNames(sql)
              .filter((p) => p !== 'pf_rows')
              .map((p) => [p, 1]),
          ),
          batch,
          'execute',
        )[0]!.sql
      : sql,
  );
}

describe('statements of sql/ run on Spark', () => {
  it('lists every statement file, and keeps out only the embedded engine’s own', () => {
    expect(remote.length).toBeGreaterThan(40);
    for (const dir of [
      'tick/',
      'record/',
      'rollback/',
      'budget/',
      'audit/',
      'gate/',
      'alerts/',
      'ddl/',
      'views/',
      'retention/',
      'export/',
      'setup/',
    ])
      expect(remote.some((f) => f.name.startsWith(dir))).toBe(true);
    for (const f of files.filter(isEngineLocal))
      expect(f.name.startsWith('embedded/') || /^--\s*DuckDB SQL/.test(f.text) || f.name in NOT_RUN_ON_SPARK).toBe(
        true,
      );
    for (const name of Object.keys(NOT_RUN_ON_SPARK)) expect(files.some((f) => f.name === name)).toBe(true);
  });

  it('recognises each file from what the warehouse sends, and nothing else for it', () => {
    const all = remote.flatMap((f) => sentTexts(f.name));
    const c = coverage(files, all, LOC);
    expect(c.uncovered).toEqual([]);
    expect(c.covered).toEqual(remote.map((f) => f.name));
  });

  it('reports a file whose statement never ran', () => {
    const left = remote.find((f) => f.name === 'audit/append')!;
    const sent = remote.filter((f) => f !== left).flatMap((f) => sentTexts(f.name));
    expect(coverage(files, sent, LOC).uncovered).toEqual([{ name: 'audit/append', missing: 1 }]);
  });

  it('finds every file covered by the last contract run, when it ran on the statements as they are', () => {
    const record = resolve('.postflight/contract/executed.json');
    const newest = Math.max(...remote.map((f) => statSync(resolve('sql', `${f.name}.sql`)).mtimeMs));
    if (!existsSync(record) || statSync(record).mtimeMs < newest) return;
    const r = JSON.parse(readFileSync(record, 'utf8')) as { covered: string[]; uncovered: unknown[] };
    expect(r.uncovered).toEqual([]);
    expect(r.covered.sort()).toEqual(remote.map((f) => f.name).sort());
  });
});
