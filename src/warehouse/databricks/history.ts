// `DESCRIBE HISTORY` cannot take the table as a parameter, so the name is validated part by part
// and quoted; its rows are mapped into the port's HistoryEntry.

import { MalformedRowError } from '../../evidence/malformed-error.js';
import type { HistoryEntry, Row } from '../port.js';

/** Letters of any script, digits, `_`, `-` and `$`: what Unity Catalog names hold in practice once quoted. */
const NAME_PART = /^[\p{L}\p{N}_$-]{1,255}$/u;

export const MAX_HISTORY_ROWS = 10_000;

export function describeHistorySql(table: string, limit: number): string {
  const quoted = quotedName(table, 'DESCRIBE HISTORY');
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_HISTORY_ROWS) {
    throw new Error(`DESCRIBE HISTORY ${table}: limit ${limit} must be a whole number from 1 to ${MAX_HISTORY_ROWS}`);
  }
  return `DESCRIBE HISTORY ${quoted} LIMIT ${limit}`;
}

/** `RESTORE TABLE`: like DESCRIBE HISTORY, it takes neither the table nor the version as a marker. */
export function restoreTableSql(table: string, version: number): string {
  if (!Number.isSafeInteger(version) || version < 0)
    throw new Error(`RESTORE TABLE ${table.slice(0, 120)}: version ${version} must be a whole number from 0`);
  return `RESTORE TABLE ${quotedName(table, 'RESTORE TABLE')} TO VERSION AS OF ${version}`;
}

function quotedName(table: string, what: string): string {
  const parts = table.split('.');
  if (parts.length < 1 || parts.length > 3 || !parts.every((p) => NAME_PART.test(p)))
    throw new Error(
      `${what}: '${table.slice(0, 120)}' is not a table name; use catalog.schema.table without backticks`,
    );
  return parts.map((p) => `\`${p}\``).join('.');
}

/**
 * One history row. `job` is the struct Databricks writes for commits made by a job; its `jobRunId`
 * is the job run (what jobs/runs/list calls run_id), `runId` the task run, so the job run wins.
 */
export function historyEntryFromRow(row: Row, table: string): HistoryEntry {
  const version = row.version === null || row.version === undefined ? NaN : Number(row.version);
  const timestampMs = row.timestamp === null || row.timestamp === undefined ? NaN : Number(row.timestamp);
  if (!Number.isFinite(version))
    throw new MalformedRowError(`DESCRIBE HISTORY ${table}: a row has no numeric version (${String(row.version)})`);
  if (!Number.isFinite(timestampMs))
    throw new MalformedRowError(
      `DESCRIBE HISTORY ${table}: version ${version} has no readable timestamp (${String(row.timestamp)})`,
    );
  const job = asObject(row.job);
  const jobRun = job?.jobRunId ?? job?.runId;
  return {
    version,
    timestampMs,
    operation: String(row.operation ?? ''),
    operationMetrics: stringMap(row.operationMetrics),
    ...(row.operationParameters === null || row.operationParameters === undefined
      ? {}
      : { operationParameters: stringMap(row.operationParameters) }),
    jobId: job?.jobId === null || job?.jobId === undefined ? null : String(job.jobId),
    runId: jobRun === null || jobRun === undefined ? null : String(jobRun),
  };
}

function asObject(v: unknown): Record<string, unknown> | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') {
    try {
      return asObject(JSON.parse(v));
    } catch {
      return null;
    }
  }
  return typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

function stringMap(v: unknown): Record<string, string> {
  const o = asObject(v);
  if (!o) return {};
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(o)) if (x !== null && x !== undefined) out[k] = String(x);
  return out;
}
