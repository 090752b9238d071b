// The rollback ledger's writes, through the Warehouse port. Every write is a MERGE: decisions
// insert-if-absent, and state changes only by the tick holding the lease.

import type { RowBatch, Warehouse } from '../warehouse/port.js';
import type { Decision } from './guards.js';
import type { LiveMark } from './strategies/live-state.js';
import type { RollbackPlan, RollbackState } from './types.js';

export interface DecisionRecord {
  readonly plan: RollbackPlan;
  readonly decision: Decision;
  readonly restoreDeploymentId: string | null;
  /** The resources to restore as they were when the rollback was decided (REQUESTED only). */
  readonly marks: readonly LiveMark[];
}

export const DECISION_COLUMNS: RowBatch['columns'] = [
  { name: 'rollback_id', type: 'STRING' },
  { name: 'deployment_id', type: 'STRING' },
  { name: 'bundle', type: 'STRING' },
  { name: 'target', type: 'STRING' },
  { name: 'from_version', type: 'STRING' },
  { name: 'to_version', type: 'STRING' },
  { name: 'to_deployment_id', type: 'STRING' },
  { name: 'reason', type: 'STRING' },
  { name: 'safety', type: 'STRING' },
  { name: 'strategy', type: 'STRING' },
  { name: 'state', type: 'STRING' },
  { name: 'detail', type: 'STRING' },
  { name: 'requested_at', type: 'TIMESTAMP' },
  { name: 'plan', type: 'STRING' },
  { name: 'not_before', type: 'TIMESTAMP' },
  { name: 'restore_deployment_id', type: 'STRING' },
];

export async function insertDecisions(wh: Warehouse, records: readonly DecisionRecord[], nowMs: number): Promise<void> {
  await wh.execute(
    'rollback/insert',
    {},
    {
      columns: DECISION_COLUMNS,
      rows: records.map(({ plan: p, decision: d, restoreDeploymentId, marks }) => [
        p.rollbackId,
        p.deploymentId,
        p.bundle,
        p.target,
        p.fromVersion,
        p.toVersion,
        p.toDeploymentId,
        p.cause.slice(0, 4000),
        p.safety,
        d.strategy,
        d.state,
        d.reasons.join(' | ').slice(0, 8000),
        nowMs,
        JSON.stringify({
          reasons: p.reasons,
          changes: p.changes,
          schemaChanges: p.schemaChanges,
          restore: p.restore.map((s) => ({ type: s.type, id: s.id, key: s.key })),
          live: marks,
        }),
        d.notBeforeMs,
        restoreDeploymentId,
      ]),
    },
  );
}

export const QUARANTINE_COLUMNS: RowBatch['columns'] = [
  { name: 'bundle', type: 'STRING' },
  { name: 'target', type: 'STRING' },
  { name: 'version', type: 'STRING' },
  { name: 'deployment_id', type: 'STRING' },
  { name: 'reason', type: 'STRING' },
  { name: 'quarantined_at', type: 'TIMESTAMP' },
];

export async function quarantine(wh: Warehouse, plans: readonly RollbackPlan[], nowMs: number): Promise<void> {
  await wh.execute(
    'rollback/quarantine',
    {},
    {
      columns: QUARANTINE_COLUMNS,
      rows: plans.map((p) => [
        p.bundle,
        p.target,
        p.fromVersion,
        p.deploymentId,
        `failed verification: ${p.cause}`.slice(0, 4000),
        nowMs,
      ]),
    },
  );
}

export interface HeldRollback {
  readonly holder: string;
  readonly attempts: number;
  readonly plan: string;
}

/** Claims the rollback; returns it when this tick now holds it, null when another does or it is not claimable. */
export async function claim(
  wh: Warehouse,
  rollbackId: string,
  holder: string,
  nowMs: number,
  leaseMs: number,
): Promise<HeldRollback | null> {
  await wh.execute('rollback/claim', {
    rollback_id: rollbackId,
    holder,
    now_ms: nowMs,
    lease_until_ms: nowMs + leaseMs,
  });
  const [row] = await wh.query('rollback/read', { rollback_id: rollbackId });
  if (row?.state !== 'EXECUTING' || row.lease_holder !== holder) return null;
  return { holder, attempts: Number(row.attempts ?? 0), plan: String(row.plan ?? '{}') };
}

export async function transition(
  wh: Warehouse,
  rollbackId: string,
  holder: string,
  to: { state: RollbackState; detail: string; restoreDeploymentId?: string | null; leaseUntilMs?: number | null },
  nowMs: number,
): Promise<void> {
  await wh.execute('rollback/transition', {
    rollback_id: rollbackId,
    holder,
    state: to.state,
    detail: to.detail.slice(0, 8000),
    restore_deployment_id: to.restoreDeploymentId ?? null,
    lease_until_ms: to.leaseUntilMs ?? null,
    now_ms: nowMs,
  });
}

export async function markVerdict(
  wh: Warehouse,
  deploymentId: string,
  state: 'FAILED' | 'ROLLED_BACK',
  reason: string,
  pageReason: string | null,
  nowMs: number,
): Promise<void> {
  await wh.execute('rollback/mark_verdict', {
    deployment_id: deploymentId,
    state,
    reason: reason.slice(0, 4000),
    page_reason: pageReason?.slice(0, 4000) ?? null,
    now_ms: nowMs,
  });
}
