// The parts of a deployment's story made from rows already read: the tables it writes, its
// control group, and what was done about a failure. Pure.

import type { Row, RowBatch } from '../warehouse/port.js';
import { numberOrNull as num, textOrNull as str } from '../warehouse/row-values.js';
import type { Story, StoryCheck, StoryRollback, StoryVerdict } from './story-types.js';

/** The batch explain/downstream reads: the tables the deployment writes. */
export function writtenRows(tables: readonly string[]): RowBatch {
  return { columns: [{ name: 'name', type: 'STRING' }], rows: tables.map((t) => [t]) };
}

/** Tables the deployment's resources write, by lineage, and the tables its checks judged. */
export function writtenTables(lineage: readonly Row[], ids: readonly string[], judged: readonly string[]): string[] {
  const own = new Set(ids);
  const targets = lineage.filter((r) => own.has(String(r.entity_id)) && r.target).map((r) => String(r.target));
  return [...new Set([...targets, ...judged])].sort();
}

/**
 * Untouched jobs and pipelines reading the tables the deployment reads (the tick's control group:
 * when they move too, the cause is upstream), and the checks it put down to upstream.
 */
export function controlGroupOf(
  lineage: readonly Row[],
  ids: readonly string[],
  checks: ReadonlyArray<Omit<StoryCheck, 'series'>>,
): Story['controlGroup'] {
  const own = new Set(ids);
  const mine = new Set(lineage.filter((r) => own.has(String(r.entity_id)) && r.source).map((r) => String(r.source)));
  const shared = new Map<string, { entityType: string; entityId: string; shared: Set<string> }>();
  for (const r of lineage) {
    const id = String(r.entity_id);
    if (own.has(id) || !r.source || !mine.has(String(r.source))) continue;
    const key = `${r.entity_type}:${id}`;
    const at =
      shared.get(key) ??
      shared.set(key, { entityType: String(r.entity_type), entityId: id, shared: new Set() }).get(key)!;
    at.shared.add(String(r.source));
  }
  return {
    peers: [...shared.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, p]) => ({ entityType: p.entityType, entityId: p.entityId, shared: [...p.shared].sort() })),
    upstream: checks
      .filter((c) => c.suppressedBy === 'upstream')
      .map((c) => ({ check: c.check, subject: c.subject, explanation: c.explanation })),
  };
}

function planReasons(plan: unknown): string[] {
  if (typeof plan !== 'string') return [];
  try {
    const reasons = (JSON.parse(plan) as { reasons?: unknown }).reasons;
    return Array.isArray(reasons) ? reasons.map(String) : [];
  } catch {
    return [];
  }
}

function rollbackRow(r: Row): StoryRollback {
  return {
    rollbackId: String(r.rollback_id),
    state: str(r.state),
    safety: str(r.safety),
    strategy: str(r.strategy),
    fromVersion: str(r.from_version),
    toVersion: str(r.to_version),
    toDeploymentId: str(r.to_deployment_id),
    reason: str(r.reason),
    detail: str(r.detail),
    attempts: num(r.attempts),
    requestedMs: num(r.requested_ms),
    updatedMs: num(r.updated_ms),
    safetyReasons: planReasons(r.plan),
    restoreDeploymentId: str(r.restore_deployment_id),
    restoreState: str(r.restore_state),
    restoreReason: str(r.restore_reason),
  };
}

/** The rollbacks of the deployment, and where there is none, why. */
export function rollbackOf(
  rows: readonly Row[],
  verdict: StoryVerdict | null,
  quarantined: string | null,
): Story['rollback'] {
  const rollbacks = rows.map(rollbackRow);
  let whyNot: string | null = null;
  if (rollbacks.length === 0 && verdict) {
    whyNot =
      verdict.state === 'FAILED'
        ? `no rollback was requested${verdict.pageReason ? `: ${verdict.pageReason}` : ': the rollback policy made none (dry-run, no earlier HEALTHY version of the bundle to return to, or a cap or cool-down held it; the audit log says which)'}`
        : `no rollback: the verdict is ${verdict.state}, and only a FAILED verdict (a critical check failing that neither the control group nor an expected change explains) rolls back`;
  }
  return { rollbacks, whyNot, quarantined };
}
