// The facts a rollback decision needs, read through the Warehouse port: the work open this tick,
// each bundle's deployment history with its verdicts, settings snapshots and schema changes.

import { type CodeFingerprint, fingerprintOfAttributes } from '../ci/code-fingerprint.js';
import { parseDeployment } from '../deployments/deployment-row.js';
import type { Deployment, ResourceRef, VerdictState } from '../types.js';
import { idRows } from '../warehouse/id-rows.js';
import type { Row, RowBatch, Warehouse } from '../warehouse/port.js';
import type { OpenRollback, PastRollback } from './guards.js';
import type { RollbackState, SchemaChange, SettingsSnapshot, StrategyName, VersionRecord } from './types.js';

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

/** The code fingerprint each of the deployments recorded; a deployment that recorded none is left out. */
export async function readCode(wh: Warehouse, deploymentIds: readonly string[]): Promise<Map<string, CodeFingerprint>> {
  const out = new Map<string, CodeFingerprint>();
  if (deploymentIds.length === 0) return out;
  const rows = await wh.query('rollback/code', {}, idRows(deploymentIds));
  const seen = new Set<string>();
  for (const r of rows) {
    // Only the first row counts: the newest attempt of the deploy says what is in the workspace.
    const id = String(r.deployment_id);
    if (seen.has(id)) continue;
    seen.add(id);
    try {
      const fp = fingerprintOfAttributes((JSON.parse(String(r.attributes ?? '{}')) ?? {}) as Record<string, unknown>);
      if (fp) out.set(id, fp);
    } catch {
      // Unreadable attributes record no fingerprint.
    }
  }
  return out;
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
