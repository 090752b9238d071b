// Guards between a plan and an action: what to record for a new rollback decision, and what to
// do next with a rollback already in the ledger. Pure: ledger facts, policy and time in.

import { isDryRun, type RollbackPolicy } from './policy.js';
import { RESTORE_ACTOR } from './rollback-id.js';
import type { RollbackPlan, RollbackState, StrategyName } from './types.js';

/** A rollback already in the ledger, as the guards need it. */
export interface PastRollback {
  readonly rollbackId: string;
  readonly deploymentId: string;
  readonly bundle: string;
  readonly target: string;
  readonly state: RollbackState;
  readonly requestedMs: number;
}

export interface Decision {
  readonly state: 'REQUESTED' | 'BLOCKED' | 'DRY_RUN';
  readonly strategy: StrategyName;
  /** Cool-down: execution waits until then. */
  readonly notBeforeMs: number | null;
  readonly reasons: readonly string[];
  /** True when a human must be paged (a blocked rollback). */
  readonly pages: boolean;
}

/** Rollbacks that count against the cap and the cool-down: those that acted or are about to. */
const COUNTED: readonly RollbackState[] = ['REQUESTED', 'EXECUTING', 'SUCCEEDED', 'FAILED'];

export function decideRollback(input: {
  readonly plan: RollbackPlan;
  readonly failedActor: string;
  readonly recent: readonly PastRollback[];
  readonly policy: RollbackPolicy;
  readonly nowMs: number;
}): Decision {
  const { plan, policy } = input;
  const strategy = plan.strategy;
  const would = wouldDecide(input, strategy);
  if (!isDryRun(policy, plan.bundle)) return would;
  const what =
    would.state === 'BLOCKED'
      ? `would block: ${would.reasons.join('; ')}`
      : `would roll back to ${plan.toVersion?.slice(0, 12)} with ${strategy}${would.notBeforeMs ? ` after the cool-down (${new Date(would.notBeforeMs).toISOString()})` : ''}`;
  return { state: 'DRY_RUN', strategy, notBeforeMs: null, reasons: [`dry run: ${what}`], pages: false };
}

function wouldDecide(input: Parameters<typeof decideRollback>[0], strategy: StrategyName): Decision {
  const { plan, policy, nowMs } = input;
  const blocked = (reasons: readonly string[]): Decision => ({
    state: 'BLOCKED',
    strategy,
    notBeforeMs: null,
    reasons,
    pages: true,
  });
  if (input.failedActor === RESTORE_ACTOR) {
    return blocked([
      `the restored version ${plan.fromVersion.slice(0, 12)} failed its re-verification; postflight does not roll back its own restore, a human decides`,
    ]);
  }
  if (plan.safety !== 'SAFE') return blocked(plan.reasons.map((r) => `${plan.safety}: ${r}`));
  const counted = input.recent.filter(
    (r) =>
      r.bundle === plan.bundle &&
      r.target === plan.target &&
      r.deploymentId !== plan.deploymentId &&
      COUNTED.includes(r.state) &&
      r.requestedMs >= nowMs - policy.cap.windowHours * 3_600_000,
  );
  if (counted.length >= policy.cap.count) {
    return blocked([
      `cap reached: ${counted.length} automatic rollbacks of ${plan.bundle} on ${plan.target} in the last ${policy.cap.windowHours} h (cap ${policy.cap.count}); a human decides the next one`,
    ]);
  }
  const last = counted.reduce((m, r) => Math.max(m, r.requestedMs), -Infinity);
  const coolUntil = last + policy.coolDownMinutes * 60_000;
  const waits = coolUntil > nowMs;
  const reasons = [
    ...plan.reasons,
    ...(waits
      ? [`waits for the cool-down after the previous rollback, until ${new Date(coolUntil).toISOString()}`]
      : []),
  ];
  return { state: 'REQUESTED', strategy, notBeforeMs: waits ? coolUntil : null, reasons, pages: false };
}

/** A ledger row that is not finished, with what the executor needs to go on. */
export interface OpenRollback extends PastRollback {
  readonly strategy: StrategyName;
  readonly fromVersion: string;
  readonly toVersion: string | null;
  readonly toDeploymentId: string | null;
  readonly restoreDeploymentId: string | null;
  readonly attempts: number;
  readonly notBeforeMs: number | null;
  readonly detail: string;
}

export type NextStep =
  | { readonly kind: 'wait'; readonly reason: string }
  | { readonly kind: 'execute' }
  | { readonly kind: 'cancel'; readonly reason: string }
  | { readonly kind: 'give_up'; readonly reason: string }
  | { readonly kind: 'adopt_redeploy'; readonly deploymentId: string };

/**
 * What to do with an open rollback now. `latest` is the newest deployment of its bundle and
 * target: anything but the failed deployment or this rollback's own restore means someone
 * deployed since, and the rollback must not undo their deploy.
 */
export function nextStep(
  row: OpenRollback,
  latest: { readonly deploymentId: string; readonly version: string } | null,
  policy: RollbackPolicy,
  nowMs: number,
): NextStep {
  if (row.state === 'REQUESTED' && row.notBeforeMs !== null && row.notBeforeMs > nowMs) {
    return { kind: 'wait', reason: `cool-down until ${new Date(row.notBeforeMs).toISOString()}` };
  }
  if (latest && latest.deploymentId !== row.deploymentId && latest.deploymentId !== row.restoreDeploymentId) {
    if (row.strategy === 'ci-dispatch' && latest.version === row.toVersion)
      return { kind: 'adopt_redeploy', deploymentId: latest.deploymentId };
    return {
      kind: 'cancel',
      reason: `deployment ${latest.deploymentId} (${latest.version.slice(0, 12)}) replaced the failed one before the rollback finished; it is verified on its own`,
    };
  }
  if (row.attempts >= policy.maxAttempts) {
    return { kind: 'give_up', reason: `gave up after ${row.attempts} attempts${row.detail ? `: ${row.detail}` : ''}` };
  }
  return { kind: 'execute' };
}
