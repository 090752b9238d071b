// dbt test results as rule evaluations of the job run that ran them, read from the Elementary
// dbt package's tables. A test that errored or was skipped measured nothing: the first is kept
// as a rule that could not be measured on that run, the second leaves no record at all.

import { checkCount, checkId, checkTime, firstReason, malformedRow } from '../evidence/validate-values.js';
import type { ExpectationRecord, MeasurementError } from '../types.js';
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

/**
 * Why a dbt result row cannot be a rule evaluation of a run, or null: it needs the job run it
 * belongs to, a time, and a failure count that is one.
 */
export function dbtRowReason(row: Row): string | null {
  return firstReason(
    checkId('dbt_invocations.job_run_id', row.run_id),
    checkTime('dbt_run_results.execute_completed_at / created_at', row.ts_ms),
    checkCount('dbt_run_results.failures', row.failures),
  );
}

/**
 * dbt test results of the given jobs' runs since a time, one statement for all of them. A row
 * that breaks its schema is reported to `onMalformed` as an error of its job, never a record.
 */
export async function readDbtTests(
  wh: Warehouse,
  jobIds: readonly string[],
  sinceMs: number,
  onMalformed?: (e: MeasurementError) => void,
): Promise<ExpectationRecord[]> {
  if (jobIds.length === 0 || wh.locations.dbtArtifacts === undefined) return [];
  const rows = await wh.query('tick/dbt_tests', { since_ms: sinceMs }, indexedRows(jobIds, 'id'));
  const out: ExpectationRecord[] = [];
  for (const row of rows) {
    const jobId = jobIds[Number(row.idx)]!;
    const reason = dbtRowReason(row);
    if (reason !== null) {
      const key = `test ${String(row.unique_id ?? row.name)} of run ${String(row.run_id)}`;
      onMalformed?.(malformedRow('expectations', `job:${jobId}`, 'dbt results', key, reason));
      continue;
    }
    const rec = dbtTestRecord(row, jobId);
    if (rec) out.push(rec);
  }
  return out;
}

/** dbt results that could not be read for a job: its expectations are unmeasured, not passed. */
export function dbtError(jobId: string, e: Error): MeasurementError {
  return { kind: 'expectations', subject: `job:${jobId}`, message: `dbt test results unavailable: ${e.message}` };
}
