// The rollback ledger and the facts a decision needs, through the Warehouse port. Every write is
// a MERGE: decisions insert-if-absent, and state changes only by the tick holding the lease.

import { parseDeployment } from '../tick/discover.js';
import type { Deployment, ResourceRef, VerdictState } from '../types.js';
import type { Row, RowBatch, Warehouse } from '../warehouse/port.js';
import type { Decision, OpenRollback, PastRollback } from './guards.js';
import type {
  RollbackPlan,
  RollbackState,
  SchemaChange,
  SettingsSnapshot,
  StrategyName,
  VersionRecord,
} from './types.js';

export interface DecideWork {
  readonly deployment: Deployment;
  readonly cause: string;
}

export interface ResumeWork {
  readonly row: OpenRollback;
  /** Why the deployment failed verification. */
  readonly cause: string;
  readonly latest: { readonly deploymentId: string; readonly version: string } | null;
}

export async function readWork(
  wh: Warehouse,
  nowMs: number,
  sinceMs: number,
): Promise<{ decide: DecideWork[]; resume: ResumeWork[]; errors: string[] }> {
  const rows = await wh.query('rollback/work', { now_ms: nowMs, since_ms: sinceMs });
  const decide: DecideWork[] = [];
  const resume: ResumeWork[] = [];
  const errors: string[] = [];
  for (const r of rows) {
    const latest = r.latest_id ? { deploymentId: String(r.latest_id), version: String(r.latest_version) } : null;
    if (r.work === 'decide') {
      try {
        decide.push({ deployment: parseDeployment(r), cause: String(r.verdict_reason ?? '') });
      } catch (e) {
        errors.push((e as Error).message);
      }
    } else {
      resume.push({ row: openRollbackOf(r), latest, cause: String(r.verdict_reason ?? '') });
    }
  }
  return { decide, resume, errors };
}

function openRollbackOf(r: Row): OpenRollback {
  return {
    rollbackId: String(r.rollback_id),
    deploymentId: String(r.deployment_id),
    bundle: String(r.bundle),
    target: String(r.target),
    state: String(r.state) as RollbackState,
    requestedMs: Number(r.requested_ms),
    strategy: String(r.strategy) as StrategyName,
    fromVersion: String(r.version),
    toVersion: (r.to_version as string | null) ?? null,
    toDeploymentId: (r.to_deployment_id as string | null) ?? null,
    restoreDeploymentId: (r.restore_deployment_id as string | null) ?? null,
    attempts: Number(r.attempts ?? 0),
    notBeforeMs: r.not_before_ms === null || r.not_before_ms === undefined ? null : Number(r.not_before_ms),
    detail: String(r.detail ?? ''),
  };
}

export const pairRows = (pairs: ReadonlyArray<{ bundle: string; target: string }>): RowBatch => ({
  columns: [
    { name: 'bundle', type: 'STRING' },
    { name: 'target', type: 'STRING' },
  ],
  rows: [...new Map(pairs.map((p) => [`${p.bundle}\u0000${p.target}`, [p.bundle, p.target]])).values()],
});

function parseResources(v: unknown, id: string): ResourceRef[] {
  try {
    const xs = JSON.parse(String(v)) as Array<{ type: 'job' | 'pipeline'; id: string; key?: string }>;
    return xs.map((x) => ({ type: x.type, id: String(x.id), key: x.key ?? String(x.id) }));
  } catch {
    throw new Error(`deployments.resources of ${id} is not a JSON array of {type, id, key}`);
  }
}

export async function readHistory(
  wh: Warehouse,
  pairs: ReadonlyArray<{ bundle: string; target: string }>,
  sinceMs: number,
  rollbacksSinceMs: number,
): Promise<{ versions: VersionRecord[]; rollbacks: PastRollback[] }> {
  const rows = await wh.query(
    'rollback/history',
    { since_ms: sinceMs, rollbacks_since_ms: rollbacksSinceMs },
    pairRows(pairs),
  );
  const versions: VersionRecord[] = [];
  const rollbacks: PastRollback[] = [];
  for (const r of rows) {
    if (r.kind === 'rollback') {
      rollbacks.push({
        rollbackId: String(r.rollback_id),
        deploymentId: String(r.deployment_id),
        bundle: String(r.bundle),
        target: String(r.target),
        state: String(r.rollback_state) as RollbackState,
        requestedMs: Number(r.requested_ms),
      });
      continue;
    }
    versions.push({
      deploymentId: String(r.deployment_id),
      bundle: String(r.bundle),
      target: String(r.target),
      version: String(r.version),
      finishedMs: Number(r.finished_ms),
      actor: String(r.actor ?? ''),
      resources: parseResources(r.resources, String(r.deployment_id)),
      verdict: (r.verdict as VerdictState | null) ?? null,
      quarantined: Boolean(r.quarantined),
    });
  }
  return { versions, rollbacks };
}

export async function readSnapshots(wh: Warehouse, deploymentIds: readonly string[]): Promise<SettingsSnapshot[]> {
  if (deploymentIds.length === 0) return [];
  const rows = await wh.query(
    'rollback/snapshots',
    {},
    { columns: [{ name: 'id', type: 'STRING' }], rows: [...new Set(deploymentIds)].map((id) => [id]) },
  );
  return rows.map((r) => ({
    deploymentId: String(r.deployment_id),
    type: r.resource_type === 'pipeline' ? 'pipeline' : 'job',
    id: String(r.resource_id),
    key: String(r.resource_key ?? r.resource_id),
    settings: JSON.parse(String(r.settings)) as Record<string, unknown>,
  }));
}

export const SCHEMA_SINCE_COLUMNS: RowBatch['columns'] = [
  { name: 'id', type: 'STRING' },
  { name: 'since_ms', type: 'BIGINT' },
];

export async function readSchemaChanges(
  wh: Warehouse,
  since: ReadonlyArray<{ subjectId: string; sinceMs: number }>,
): Promise<SchemaChange[]> {
  if (since.length === 0) return [];
  const rows = await wh.query(
    'rollback/schema_changes',
    {},
    {
      columns: SCHEMA_SINCE_COLUMNS,
      rows: since.map((s) => [s.subjectId, s.sinceMs]),
    },
  );
  return rows.map((r) => ({
    table: String(r.table_name),
    operation: String(r.operation),
    atMs: Number(r.at_ms),
    subjectId: (r.job_id as string | null) ?? null,
  }));
}

export interface DecisionRecord {
  readonly plan: RollbackPlan;
  readonly decision: Decision;
  readonly restoreDeploymentId: string | null;
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
      rows: records.map(({ plan: p, decision: d, restoreDeploymentId }) => [
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
