// Delta history rows (DESCRIBE HISTORY, either warehouse) held to the documented schema before a
// commit is cached or judged: a version, a commit time, and for a write a row count that is one.

import type { MeasurementError } from '../types.js';
import type { HistoryEntry } from '../warehouse/port.js';
import { checkCount, checkTime, firstReason, malformedRow } from './validate-values.js';

/** Operations that write no rows (maintenance): their metrics are not row counts. */
const MAINTENANCE = /^(OPTIMIZE|VACUUM|RESTORE|FSCK|SET TBLPROPERTIES|CHANGE COLUMN|ADD COLUMNS)/i;

/** Why a history row cannot be used, or null when it can. */
export function historyRowReason(e: HistoryEntry): string | null {
  const version = Number.isInteger(e.version) && e.version >= 0 ? null : `version is ${String(e.version)}`;
  const operation = typeof e.operation === 'string' && e.operation !== '' ? null : 'operation is empty';
  const rows =
    operation === null && !MAINTENANCE.test(e.operation)
      ? firstReason(
          checkCount("operationMetrics['numOutputRows']", e.operationMetrics.numOutputRows),
          checkCount("operationMetrics['numTargetRowsInserted']", e.operationMetrics.numTargetRowsInserted),
        )
      : null;
  return firstReason(
    version,
    checkTime('timestamp', Number.isNaN(e.timestampMs) ? null : e.timestampMs),
    operation,
    rows,
  );
}

/**
 * The first malformed row among the commits a read brings in, as the table's measurement error.
 * Rows older than the newest well-formed commit before `sinceMs` are outside the baseline and
 * not judged, so an ancient broken commit does not spoil a table forever.
 */
export function malformedHistory(
  table: string,
  entries: readonly HistoryEntry[],
  knownVersion: number | undefined,
  sinceMs: number,
): MeasurementError | null {
  let floor = knownVersion ?? -Infinity;
  for (const e of entries)
    if (historyRowReason(e) === null && e.timestampMs < sinceMs) floor = Math.max(floor, e.version);
  for (const e of entries) {
    if (Number.isFinite(e.version) && e.version <= floor) continue;
    const reason = historyRowReason(e);
    if (reason !== null)
      return malformedRow(
        'writes',
        `table:${table}`,
        'DESCRIBE HISTORY',
        `${table} version ${String(e.version)}`,
        reason,
      );
  }
  return null;
}
