// The audit entries of rollback decisions and actions. Each has an event key naming what it
// records, so a tick that repeats work after a crash does not record it twice.

import type { AuditEntry } from '../audit/hash-chain.js';
import type { Decision } from './guards.js';
import type { RestoreAction } from './strategies/strategy.js';
import type { RollbackPlan } from './types.js';

export const AUDIT_ACTOR = 'postflight';

export function decisionEntries(plan: RollbackPlan, d: Decision, nowMs: number): AuditEntry[] {
  return [
    {
      atMs: nowMs,
      actor: AUDIT_ACTOR,
      action: 'rollback.decided',
      subject: `rollback:${plan.rollbackId}`,
      eventKey: `rollback:${plan.rollbackId}:decided`,
      payload: {
        deployment_id: plan.deploymentId,
        bundle: plan.bundle,
        target: plan.target,
        from_version: plan.fromVersion,
        to_version: plan.toVersion,
        safety: plan.safety,
        state: d.state,
        strategy: d.strategy,
        not_before_ms: d.notBeforeMs,
        reasons: d.reasons,
        cause: plan.cause.slice(0, 2000),
      },
    },
    {
      atMs: nowMs,
      actor: AUDIT_ACTOR,
      action: 'version.quarantined',
      subject: `version:${plan.bundle}/${plan.target}/${plan.fromVersion}`,
      eventKey: `quarantine:${plan.bundle}:${plan.target}:${plan.fromVersion}`,
      payload: { deployment_id: plan.deploymentId, reason: 'failed verification' },
    },
  ];
}

export function stepEntry(
  rollbackId: string,
  action: string,
  key: string,
  payload: Record<string, unknown>,
  nowMs: number,
): AuditEntry {
  return {
    atMs: nowMs,
    actor: AUDIT_ACTOR,
    action,
    subject: `rollback:${rollbackId}`,
    eventKey: `rollback:${rollbackId}:${key}`,
    payload,
  };
}

export function actionEntries(rollbackId: string, actions: readonly RestoreAction[], nowMs: number): AuditEntry[] {
  return actions.map((a) =>
    a.action === 'dispatched'
      ? stepEntry(rollbackId, 'rollback.dispatched', `dispatched`, { resource: a.resource }, nowMs)
      : stepEntry(
          rollbackId,
          'rollback.restored',
          `restored:${a.resource}`,
          { resource: a.resource, how: a.action },
          nowMs,
        ),
  );
}
