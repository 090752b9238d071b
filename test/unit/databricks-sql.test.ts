import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROW_COLUMNS as AUDIT_ROW_COLUMNS } from '../../src/audit/audit-log.js';
import { deploymentRows, snapshotRows, stageEventRows } from '../../src/ci/record.js';
import { writtenRows } from '../../src/explain/story-parts.js';
import { RESTORE_COLUMNS } from '../../src/restore/apply.js';
import { column } from '../../src/restore/read-inputs.js';
import { RECORD_COLUMNS as RETENTION_RECORD_COLUMNS } from '../../src/retention/report.js';
import { DECISION_COLUMNS, QUARANTINE_COLUMNS } from '../../src/rollback/ledger.js';
import { pairRows, SCHEMA_SINCE_COLUMNS } from '../../src/rollback/ledger-reads.js';
import { budgetRows } from '../../src/tick/budgets.js';
import { heldRows } from '../../src/tick/catch-up.js';
import { costBudgetBatch, ownResourceRows } from '../../src/tick/cost-budgets.js';
import { costRows } from '../../src/tick/cost-read.js';
import { liveSubjectRows } from '../../src/tick/live-burn.js';
import { pipelineTargetRows } from '../../src/tick/pipeline-events.js';
import { checkResultRows, tickRows, verdictRows } from '../../src/tick/result-rows.js';
import { observedRunRows, slowPendingRows } from '../../src/tick/runs.js';
import { SETTINGS_PAIR_COLUMNS } from '../../src/tick/settings-read.js';
import { wantedRows } from '../../src/tick/stated-slas-read.js';
import { commitRows } from '../../src/tick/table-history.js';
import { untrackedRows } from '../../src/untracked/sweep.js';
import { bindStatement, typed } from '../../src/warehouse/databricks/bind-statement.js';
import { databricksDialect } from '../../src/warehouse/databricks/databricks-dialect.js';
import { encodeBatches, ROWS_PARAM, stagedRelation } from '../../src/warehouse/databricks/staged-rows.js';
import { idRows, indexedRows } from '../../src/warehouse/id-rows.js';
import type { Locations, RowBatch } from '../../src/warehouse/port.js';
import { loadSql } from '../../src/warehouse/sql-files.js';
import { compileSql, parameterNames } from '../../src/warehouse/sql-template.js';

const loc: Locations = {
  ops: 'main.pf_ops',
  eventLog: 'main.pf_ops.event_log_v',
  dbtArtifacts: 'analytics.elementary',
};

/**
 * Every statement of sql/ that runs on Databricks (embedded/ and demo/ are DuckDB-only; grants.sql
 * is printed by setup for the owner to apply, with placeholders of its own: test/unit/grants.test.ts).
 */
function databricksStatements(): string[] {
  const root = join(import.meta.dirname, '../../sql');
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const f of readdirSync(dir)) {
      const p = join(dir, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (f.endsWith('.sql'))
        out.push(
          relative(root, p)
            .replace(/\\/g, '/')
            .replace(/\.sql$/, ''),
        );
    }
  };
  walk(root);
  return out.filter((n) => !n.startsWith('embedded/') && !n.startsWith('demo/') && n !== 'grants').sort();
}

/** Column layouts of the batches the code stages for each statement, from the real row builders. */
const columnsOf = (b: RowBatch) => b.columns;
const BATCHES: Record<string, RowBatch['columns']> = {
  'explain/downstream': columnsOf(writtenRows([])),
  'tick/lineage': columnsOf(idRows([])),
  'restore/written': column('id', []).columns,
  'restore/commits': column('name', []).columns,
  'restore/lineage': column('name', []).columns,
  'restore/merge_restore': RESTORE_COLUMNS,
  'tick/runs': columnsOf(indexedRows([], 'id')),
  'tick/dbt_tests': columnsOf(indexedRows([], 'id')),
  'tick/monitor_results': columnsOf(indexedRows([], 'name')),
  'tick/settings': SETTINGS_PAIR_COLUMNS,
  'tick/slow_pending': columnsOf(slowPendingRows([])),
  'tick/cost_usage': columnsOf(costRows([])),
  'tick/stated_slas': columnsOf(wantedRows([], new Map())),
  'tick/pipeline_events': columnsOf(idRows([])),
  'tick/table_writes': columnsOf(indexedRows([], 'name')),
  'tick/tables_held': columnsOf(heldRows([])),
  'tick/merge_check_results': columnsOf(checkResultRows([], 't', 0)),
  'tick/merge_verdicts': columnsOf(verdictRows([], 't', 0)),
  'tick/merge_observed_runs': columnsOf(observedRunRows([], 0)),
  'tick/merge_table_commits': columnsOf(commitRows([], 'WRITE', 0)),
  'tick/merge_pipeline_targets': columnsOf(pipelineTargetRows(new Map(), 0)),
  'tick/merge_untracked_changes': columnsOf(untrackedRows([], 'tick', 0)),
  'tick/merge_watermarks': [
    { name: 'name', type: 'STRING' },
    { name: 'value_ms', type: 'BIGINT' },
    { name: 'updated_at', type: 'TIMESTAMP' },
  ],
  'tick/insert_tick': columnsOf(
    tickRows(
      {
        tickId: 't',
        nowMs: 0,
        deployments: 0,
        judged: 0,
        deferred: 0,
        firstReads: 0,
        verdicts: {},
        newRuns: 0,
        statements: 0,
        historyReads: 0,
        restCalls: 0,
        errors: [],
        errorsByKind: {},
        durationMs: 0,
        changed: [],
        rollbacks: null,
        budgets: null,
      },
      null,
      null,
    ),
  ),
  'record/merge_deployments': columnsOf(deploymentRows([], 0)),
  'audit/append': AUDIT_ROW_COLUMNS,
  'audit/tail': [{ name: 'event_key', type: 'STRING' }],
  'budget/context': [{ name: 'bundle', type: 'STRING' }],
  'budget/live_runs': columnsOf(liveSubjectRows([])),
  'budget/merge_error_budgets': columnsOf(budgetRows([], new Map(), 0)),
  'budget/merge_cost_budgets': columnsOf(costBudgetBatch([], 0)),
  'budget/cost_spend': columnsOf(ownResourceRows({ verifierJobId: null, warehouseId: null })),
  'rollback/history': columnsOf(pairRows([])),
  'rollback/insert': DECISION_COLUMNS,
  'rollback/quarantine': QUARANTINE_COLUMNS,
  'rollback/schema_changes': SCHEMA_SINCE_COLUMNS,
  'rollback/snapshots': [{ name: 'id', type: 'STRING' }],
  'rollback/code': columnsOf(idRows([])),
  'record/merge_resource_snapshots': columnsOf(snapshotRows([], 0)),
  'record/merge_deployment_events': columnsOf(stageEventRows([])),
  'record/previous': columnsOf(idRows([])),
  'precheck/columns': columnsOf(idRows([])),
  'retention/record': RETENTION_RECORD_COLUMNS,
};

describe('sql/ compiled for Databricks', () => {
  const names = databricksStatements();

  it('covers the tick, record and ddl statements', () => {
    expect(names).toEqual(
      expect.arrayContaining(['ddl/ops', 'tick/open', 'tick/merge_verdicts', 'record/merge_deployments']),
    );
  });

  it.each(names)(
    '%s keeps :params, expands {{ops}}, {{event_log}} and {{dbt_artifacts}}, leaves system names alone',
    (name) => {
      const text = loadSql(name);
      const sql = compileSql(text, databricksDialect, loc);
      expect(parameterNames(sql)).toEqual(parameterNames(text));
      expect(sql.split('{{rows}}').join('')).not.toMatch(/\{\{|\}\}|\$[a-z]/);
      if (text.includes('{{ops}}')) expect(sql).toContain('`main`.`pf_ops`.');
      if (text.includes('{{event_log}}')) expect(sql).toContain('`main`.`pf_ops`.`event_log_v`');
      if (text.includes('{{dbt_artifacts}}')) expect(sql).toContain('`analytics`.`elementary`.');
      for (const m of text.matchAll(/(?<![A-Za-z0-9_.])system\.[a-z_]+\.[a-z_]+/g)) expect(sql).toContain(m[0]);
      expect(sql).not.toMatch(/system_[a-z]/);
      // Spark and Databricks SQL do not read a doubled quote inside a literal as an escaped one.
      expect(sql.replace(/--[^\n]*/g, '')).not.toMatch(/[A-Za-z]''[A-Za-z]/);
      // Spark reads 1000.0 as a DECIMAL and divides in decimals, DuckDB in doubles: say DOUBLE.
      expect(sql.replace(/--[^\n]*/g, '')).not.toMatch(/\/\s*\d+\.\d+/);
    },
  );

  it.each(names.filter((n) => loadSql(n).includes('{{rows}}')))(
    '%s binds its staged rows as one JSON parameter',
    (name) => {
      const columns = BATCHES[name];
      expect(columns, `no batch layout known for ${name}; add it to BATCHES`).toBeDefined();
      const sql = compileSql(loadSql(name), databricksDialect, loc);
      // Every s.<column> a MERGE reads must be a column of the batch the code stages.
      for (const m of sql.matchAll(/\bs\.([a-z_]+)/g)) expect(columns!.map((c) => c.name)).toContain(m[1]);
      const params = Object.fromEntries(parameterNames(sql).map((p) => [p, 1]));
      const [stmt, ...more] = bindStatement(
        name,
        sql,
        params,
        { columns: columns!, rows: [columns!.map(() => null)] },
        'execute',
      );
      expect(more).toHaveLength(0);
      expect(stmt!.sql).not.toContain('{{rows}}');
      expect(stmt!.sql).toContain(stagedRelation(columns!));
      expect(stmt!.params.map((p) => p.name)).toEqual([...parameterNames(sql), ROWS_PARAM]);
      expect(JSON.parse(String(stmt!.params.at(-1)!.value))).toEqual([
        Object.fromEntries(columns!.map((_, i) => [`c${i}`, null])),
      ]);
    },
  );
});

describe('staged rows', () => {
  const batch: RowBatch = {
    columns: [
      { name: 'id', type: 'STRING' },
      { name: 'n', type: 'BIGINT' },
      { name: 'x', type: 'DOUBLE' },
      { name: 'ok', type: 'BOOLEAN' },
      { name: 'at', type: 'TIMESTAMP' },
    ],
    rows: [
      ['it\'s "quoted" ✓', 41.6, Number.NaN, true, 1_767_225_600_123],
      [null, null, 2.5, false, null],
    ],
  };

  it('expands to a relation with the batch names and Databricks types', () => {
    expect(stagedRelation(batch.columns)).toBe(
      "SELECT c0 AS `id`, c1 AS `n`, c2 AS `x`, c3 AS `ok`, timestamp_millis(c4) AS `at` FROM inline(from_json(:pf_rows, 'ARRAY<STRUCT<c0: STRING, c1: BIGINT, c2: DOUBLE, c3: BOOLEAN, c4: BIGINT>>'))",
    );
  });

  it('sends values as JSON the way the embedded stage stores them', () => {
    const [json] = encodeBatches(batch, 10_000);
    expect(JSON.parse(json!)).toEqual([
      { c0: 'it\'s "quoted" ✓', c1: 42, c2: null, c3: true, c4: 1_767_225_600_123 },
      { c0: null, c1: null, c2: 2.5, c3: false, c4: null },
    ]);
  });

  it('refuses column names that are not identifiers', () => {
    expect(() => stagedRelation([{ name: "x') --", type: 'STRING' }])).toThrow(/column name 'x'\) --'/);
    expect(() =>
      stagedRelation([
        { name: 'a', type: 'STRING' },
        { name: 'A', type: 'BIGINT' },
      ]),
    ).toThrow(/appears twice/);
  });

  it('splits a large MERGE batch into statements under the byte limit, in order', () => {
    const big: RowBatch = {
      columns: [
        { name: 'id', type: 'STRING' },
        { name: 'n', type: 'BIGINT' },
      ],
      rows: Array.from({ length: 500 }, (_, i) => [`run-${i}`, i]),
    };
    const chunks = encodeBatches(big, 2_000);
    expect(chunks.length).toBeGreaterThan(5);
    for (const c of chunks) expect(Buffer.byteLength(c)).toBeLessThanOrEqual(2_000);
    expect(chunks.flatMap((c) => JSON.parse(c) as Array<{ c0: string }>).map((r) => r.c0)).toEqual(
      big.rows.map((r) => r[0]),
    );
    const stmts = bindStatement(
      'tick/merge_watermarks',
      'MERGE INTO t USING ({{rows}}) AS s ON t.id = s.id',
      {},
      big,
      'execute',
      2_000,
    );
    expect(stmts).toHaveLength(chunks.length);
    expect(new Set(stmts.map((s) => s.sql)).size).toBe(1);
  });

  it('refuses to split a query and a row that cannot fit at all', () => {
    const ids = idRows(Array.from({ length: 300 }, (_, i) => `job-${i}`));
    expect(() =>
      bindStatement('tick/runs', 'WITH ids AS ({{rows}}) SELECT * FROM ids', {}, ids, 'query', 1_000),
    ).toThrow(/tick\/runs' reads a batch of 300 rows, more than fits one statement/);
    expect(() => encodeBatches({ columns: [{ name: 's', type: 'STRING' }], rows: [['x'.repeat(500)]] }, 100)).toThrow(
      /row 0 is 509 bytes/,
    );
  });

  it('sends an empty batch as an empty array', () => {
    expect(encodeBatches({ columns: [{ name: 'id', type: 'STRING' }], rows: [] }, 100)).toEqual(['[]']);
  });
});

describe('parameters', () => {
  it('binds each value with an explicit type', () => {
    expect(typed('s', 'since_ms', 1_767_225_600_000)).toEqual({
      name: 'since_ms',
      type: 'BIGINT',
      value: 1_767_225_600_000,
    });
    expect(typed('s', 'n', 3)).toEqual({ name: 'n', type: 'BIGINT', value: 3 });
    expect(typed('s', 'p', 0.25)).toEqual({ name: 'p', type: 'DOUBLE', value: 0.25 });
    expect(typed('s', 'b', false)).toEqual({ name: 'b', type: 'BOOLEAN', value: false });
    expect(typed('s', 't', "x'; DROP")).toEqual({ name: 't', type: 'STRING', value: "x'; DROP" });
    expect(typed('s', 'z', null)).toEqual({ name: 'z', type: 'VOID', value: null });
    expect(() => typed('s', 'bad', Number.POSITIVE_INFINITY)).toThrow(/parameter :bad is Infinity/);
  });

  it('binds only the parameters a statement names, and names a missing one', () => {
    const sql = compileSql(loadSql('tick/open'), databricksDialect, loc);
    const [stmt] = bindStatement('tick/open', sql, { now_ms: 2, since_ms: 1, unused: 'x' }, undefined, 'query');
    expect(stmt!.params.map((p) => p.name)).toEqual(['now_ms', 'since_ms']);
    expect(stmt!.sql).toBe(sql);
    expect(() => bindStatement('tick/open', sql, { now_ms: 2 }, undefined, 'query')).toThrow(
      "sql: statement 'tick/open' needs parameter :since_ms",
    );
    expect(() =>
      bindStatement(
        'tick/runs',
        compileSql(loadSql('tick/runs'), databricksDialect, loc),
        { since_ms: 1 },
        undefined,
        'query',
      ),
    ).toThrow(/needs a row batch/);
    expect(() => bindStatement('x', 'SELECT 1', { [ROWS_PARAM]: 'x' }, undefined, 'query')).toThrow(/reserved/);
  });
});

describe('the dbt artifacts location', () => {
  it('is required by the statements that read it, with the setting to give named', () => {
    const { dbtArtifacts: _unset, ...without } = loc;
    expect(() => compileSql(loadSql('tick/dbt_tests'), databricksDialect, without)).toThrow(
      /no dbt artifacts schema is configured \(--dbt-artifacts or POSTFLIGHT_DBT_ARTIFACTS\)/,
    );
  });
});
