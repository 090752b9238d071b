// Executes an approved restore plan, table by table: a table that moved on since the plan is left
// alone, a table this plan already restored is not restored twice, and each outcome is audited.

import { appendAudit } from '../audit/audit-log.js';
import type { AuditEntry } from '../audit/hash-chain.js';
import type { HistoryEntry, RowBatch, Warehouse } from '../warehouse/port.js';
import type { SafeRestore } from './plan.js';
import type { PlanFile } from './plan-file.js';

/** The columns of a restore recorded (sql/restore/merge_restore). */
export const RESTORE_COLUMNS: RowBatch['columns'] = [
  { name: 'plan_id', type: 'STRING' },
  { name: 'deployment_id', type: 'STRING' },
  { name: 'table_name', type: 'STRING' },
  { name: 'to_version', type: 'BIGINT' },
  { name: 'restore_version', type: 'BIGINT' },
  { name: 'restored_at', type: 'TIMESTAMP' },
  { name: 'approved_by', type: 'STRING' },
];

export type ApplyStatus = 'restored' | 'already_restored' | 'moved' | 'failed';

export interface ApplyOutcome {
  readonly table: string;
  readonly status: ApplyStatus;
  readonly toVersion: number;
  /** The version the RESTORE commit made, when there is one. */
  readonly restoreVersion: number | null;
  readonly detail: string;
}

export async function applyPlan(
  wh: Warehouse,
  file: PlanFile,
  approvedBy: string,
  nowMs: () => number,
): Promise<ApplyOutcome[]> {
  const applied = new Map(
    (await wh.query('restore/applied', { plan_id: file.plan_id })).map((r) => [String(r.table_name), r]),
  );
  const outcomes: ApplyOutcome[] = [];
  for (const r of file.plan.restores) {
    const done = applied.get(r.table);
    const outcome = done
      ? {
          table: r.table,
          status: 'already_restored' as const,
          toVersion: r.toVersion,
          restoreVersion: Number(done.restore_version),
          detail: `restored by this plan already, at version ${String(done.restore_version)}`,
        }
      : await applyOne(wh, file, r, approvedBy, nowMs);
    outcomes.push(outcome);
    if (outcome.status !== 'already_restored')
      await appendAudit(wh, [auditEntry(file, outcome, approvedBy, nowMs())], nowMs());
  }
  return outcomes;
}

async function applyOne(
  wh: Warehouse,
  file: PlanFile,
  r: SafeRestore,
  approvedBy: string,
  nowMs: () => number,
): Promise<ApplyOutcome> {
  const base = { table: r.table, toVersion: r.toVersion };
  try {
    const newest = (await wh.describeHistory(r.table, 1))[0];
    if (!newest)
      return { ...base, status: 'failed', restoreVersion: null, detail: 'DESCRIBE HISTORY returned no commit' };
    // A RESTORE to this version right after the plan's newest is this plan's, from an apply that
    // stopped before it recorded it.
    if (newest.version === r.latestVersion + 1 && isRestoreTo(newest, r.toVersion)) {
      await record(wh, file, r, newest.version, approvedBy, nowMs());
      return {
        ...base,
        status: 'restored',
        restoreVersion: newest.version,
        detail: 'its RESTORE commit found and recorded',
      };
    }
    if (newest.version !== r.latestVersion)
      return {
        ...base,
        status: 'moved',
        restoreVersion: null,
        detail: `the table is at version ${newest.version} (${newest.operation}${newest.jobId ? ` by job ${newest.jobId}` : ''}), the plan saw ${r.latestVersion}: restoring would lose what was written since; make a new plan`,
      };
    await wh.restoreTable(r.table, r.toVersion);
    const after = (await wh.describeHistory(r.table, 1))[0];
    if (!after || !isRestoreTo(after, r.toVersion))
      return {
        ...base,
        status: 'failed',
        restoreVersion: null,
        detail: `RESTORE ran but the newest commit is ${after ? `version ${after.version} (${after.operation})` : 'missing'}; check DESCRIBE HISTORY`,
      };
    await record(wh, file, r, after.version, approvedBy, nowMs());
    return { ...base, status: 'restored', restoreVersion: after.version, detail: r.statement };
  } catch (e) {
    return { ...base, status: 'failed', restoreVersion: null, detail: (e as Error).message };
  }
}

function isRestoreTo(h: HistoryEntry, version: number): boolean {
  return h.operation === 'RESTORE' && h.operationParameters?.version === String(version);
}

async function record(
  wh: Warehouse,
  file: PlanFile,
  r: SafeRestore,
  restoreVersion: number,
  approvedBy: string,
  atMs: number,
): Promise<void> {
  await wh.execute(
    'restore/merge_restore',
    {},
    {
      columns: RESTORE_COLUMNS,
      rows: [[file.plan_id, file.plan.deploymentId, r.table, r.toVersion, restoreVersion, atMs, approvedBy]],
    },
  );
}

function auditEntry(file: PlanFile, o: ApplyOutcome, approvedBy: string, atMs: number): AuditEntry {
  return {
    atMs,
    actor: approvedBy,
    action: o.status === 'restored' ? 'restore_table' : `restore_table_${o.status}`,
    subject: o.table,
    payload: {
      plan_id: file.plan_id,
      deployment_id: file.plan.deploymentId,
      to_version: o.toVersion,
      restore_version: o.restoreVersion,
      detail: o.detail,
    },
    // A refusal is recorded once per state of the table it found, a restore once per plan.
    eventKey:
      o.status === 'restored'
        ? `restore:${file.plan_id}:${o.table}`
        : `restore-${o.status}:${file.plan_id}:${o.table}:${o.detail}`,
  };
}
