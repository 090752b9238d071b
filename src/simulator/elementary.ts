// What the Elementary dbt package uploads for the simulated dbt jobs: per run one invocation,
// tied to the job run through the dbt vars job_id and job_run_id that the dbt task passes, and one
// result per model and test; and once, the tests' definitions with their severity.

import type { RowBatch, SqlValue, StagedType } from '../warehouse/port.js';
import type { SimPipeline } from './catalog.js';
import { hexId } from './random.js';
import type { SimRun } from './runs.js';

/** A row for INSERT ... BY NAME: the columns Elementary fills here; the others stay NULL. */
export type ElementaryRow = Readonly<Record<string, SqlValue>>;

/** The package uploads at the end of the invocation, a few seconds after the last node. */
const UPLOAD_MS = 5_000;

/** The package's text timestamps: `generated_at` style, and dbt's ISO timings. */
const plainTime = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
const isoTime = (ms: number) => new Date(ms).toISOString().replace('Z', '000Z');

const project = (p: SimPipeline) => p.name;
/** dbt's generic tests, whose instances are named <test>_<model>_<column>. */
const GENERIC_TESTS = ['not_null', 'unique', 'accepted_values'] as const;
const modelOf = (table: string) => table.split('.').pop()!;

export function testUniqueId(seed: number, p: SimPipeline, test: string): string {
  return `test.${project(p)}.${test}.${hexId(10, seed, 'dbt-test', p.index, test)}`;
}

/** The test definitions of a dbt job, as dbt_tests holds them. */
export function dbtTestRows(seed: number, p: SimPipeline, atMs: number): ElementaryRow[] {
  const model = modelOf(p.targets[0]!.name);
  return p.expectations.map((e) => ({
    unique_id: testUniqueId(seed, p, e.name),
    database_name: 'prod',
    schema_name: p.targets[0]!.name.split('.')[1]!,
    name: e.name,
    short_name: GENERIC_TESTS.find((t) => e.name.startsWith(`${t}_`)) ?? e.name,
    // dbt keeps the configured severity as written: ERROR by default.
    severity: e.severity === 'error' ? 'ERROR' : 'warn',
    parent_model_unique_id: `model.${project(p)}.${model}`,
    package_name: project(p),
    type: 'generic',
    generated_at: plainTime(atMs),
    _visible_at: atMs,
  }));
}

/**
 * A run's invocation and results. A run that failed before dbt started (infrastructure) uploads
 * nothing; one whose models failed reports them as errors and its tests as skipped.
 */
export function dbtRunRows(seed: number, r: SimRun): { invocations: ElementaryRow[]; results: ElementaryRow[] } {
  const p = r.pipeline;
  if (r.terminationCode === 'CLOUD_FAILURE') return { invocations: [], results: [] };
  const invocationId = [8, 4, 4, 4, 12].map((n, i) => hexId(n, seed, 'dbt-inv', r.runId, i)).join('-');
  const uploadedMs = r.endMs + UPLOAD_MS;
  const invocation: ElementaryRow = {
    invocation_id: invocationId,
    job_id: p.id,
    job_name: p.name,
    job_run_id: r.runId,
    run_started_at: plainTime(r.startMs),
    run_completed_at: plainTime(r.endMs),
    generated_at: plainTime(r.endMs),
    created_at: uploadedMs,
    command: 'build',
    dbt_version: '1.10.11',
    elementary_version: '0.25.1',
    full_refresh: false,
    invocation_vars: JSON.stringify({ job_id: p.id, job_run_id: r.runId }),
    target_name: 'prod',
    project_name: project(p),
    orchestrator: 'databricks',
    _visible_at: uploadedMs,
  };
  // A dbt run reports no test results only when it failed before its tests: in its models.
  const modelsFailed = r.expectations.length === 0;
  const span = r.endMs - r.startMs;
  const results: ElementaryRow[] = p.targets.map((t, i) => ({
    model_execution_id: `model.${project(p)}.${modelOf(t.name)}.${invocationId}`,
    unique_id: `model.${project(p)}.${modelOf(t.name)}`,
    invocation_id: invocationId,
    generated_at: plainTime(r.endMs),
    created_at: uploadedMs,
    name: modelOf(t.name),
    status: modelsFailed ? 'error' : 'success',
    resource_type: 'model',
    execute_completed_at: isoTime(r.startMs + Math.round((span * (i + 1)) / (p.targets.length + 1))),
    rows_affected: r.rows[i] ?? null,
    materialization: 'table',
    _visible_at: uploadedMs,
  }));
  for (const [i, e] of p.expectations.entries()) {
    const result = r.expectations.find((x) => x.name === e.name);
    const status =
      result === undefined ? 'skipped' : result.failed === 0 ? 'pass' : e.severity === 'error' ? 'fail' : 'warn';
    const uniqueId = testUniqueId(seed, p, e.name);
    results.push({
      model_execution_id: `${uniqueId}.${invocationId}`,
      unique_id: uniqueId,
      invocation_id: invocationId,
      generated_at: plainTime(r.endMs),
      created_at: uploadedMs,
      name: e.name,
      status,
      resource_type: 'test',
      execute_completed_at: isoTime(r.endMs - (p.expectations.length - i) * 1000),
      failures: result === undefined ? null : result.failed,
      _visible_at: uploadedMs,
    });
  }
  return { invocations: [invocation], results };
}

const TYPED: Readonly<Record<string, StagedType>> = {
  created_at: 'TIMESTAMP',
  _visible_at: 'TIMESTAMP',
  rows_affected: 'BIGINT',
  failures: 'BIGINT',
  full_refresh: 'BOOLEAN',
};

/** Rows of one table as a batch over the columns they fill (the rest of the table's columns stay NULL). */
export function elementaryBatch(rows: readonly ElementaryRow[]): RowBatch {
  const names = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return {
    columns: names.map((name) => ({ name, type: TYPED[name] ?? 'STRING' })),
    rows: rows.map((r) => names.map((n) => r[n] ?? null)),
  };
}
