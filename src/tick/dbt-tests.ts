// dbt test results as rule evaluations of the job run that ran them, read from the Elementary
// dbt package's tables. A test that errored or was skipped measured nothing: the first is kept
// as a rule that could not be measured on that run, the second leaves no record at all.

import type { ExpectationRecord } from '../types.js';
import { indexedRows } from '../warehouse/id-rows.js';
import type { Row, Warehouse } from '../warehouse/port.js';

/** Statuses a dbt test reports (run_results.json); anything else is a measurement error. */
const OUTCOME: Readonly<Record<string, 'pass' | 'fail' | 'error' | 'skipped'>> = {
  pass: 'pass',
  success: 'pass',
  fail: 'fail',
  warn: 'fail',
  error: 'error',
  'runtime error': 'error',
  skipped: 'skipped',
};

const modelName = (uniqueId: unknown) => (typeof uniqueId === 'string' && uniqueId ? uniqueId.split('.').pop()! : null);

/** One row of tick/dbt_tests as a rule evaluation; null for a test the run skipped. */
export function dbtTestRecord(row: Row, subjectId: string): ExpectationRecord | null {
  const status = typeof row.status === 'string' ? row.status : null;
  const outcome = status === null ? undefined : OUTCOME[status];
  if (outcome === 'skipped') return null;
  const failures = row.failures === null || row.failures === undefined ? null : Number(row.failures);
  // A test without a stored definition: its status says what it was when it failed, and dbt's
  // default severity (error) otherwise.
  const severity = row.severity === 'warn' || (row.severity == null && status === 'warn') ? 'warn' : 'error';
  const rec: ExpectationRecord = {
    subjectId,
    runId: String(row.run_id),
    timestampMs: Number(row.ts_ms),
    name: String(row.name ?? row.unique_id ?? '?'),
    dataset: modelName(row.parent_model_unique_id),
    severity,
    // dbt counts only the failing rows, never the rows checked: the test is judged pass or fail.
    passed: null,
    failed: failures,
    outcome: outcome === 'fail' ? 'fail' : 'pass',
    source: 'dbt',
    plane: 'fast',
  };
  if (outcome === 'error') return { ...rec, error: `the dbt test errored (status ${status}) and measured nothing` };
  if (outcome === undefined)
    return {
      ...rec,
      error: `dbt reported status ${status === null ? 'NULL' : `'${status}'`}; expected pass, fail, warn, error or skipped`,
    };
  return rec;
}

/** dbt test results of the given jobs' runs since a time, one statement for all of them. */
export async function readDbtTests(
  wh: Warehouse,
  jobIds: readonly string[],
  sinceMs: number,
): Promise<ExpectationRecord[]> {
  if (jobIds.length === 0 || wh.locations.dbtArtifacts === undefined) return [];
  const rows = await wh.query('tick/dbt_tests', { since_ms: sinceMs }, indexedRows(jobIds, 'id'));
  return rows
    .map((row) => dbtTestRecord(row, jobIds[Number(row.idx)]!))
    .filter((r): r is ExpectationRecord => r !== null);
}
