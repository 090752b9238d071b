// The rollback plan for one failed deployment: target, resource diff, safety class with reasons.
// Pure: history, snapshots and schema changes in, plan out.

import type { CodeFingerprint } from '../ci/code-fingerprint.js';
import { classifyRollback, unpinnedCode } from './classify.js';
import { chooseStrategy, compareCode } from './code-change.js';
import { rollbackIdOf } from './rollback-id.js';
import { selectTarget } from './target.js';
import type { RollbackPlan, SchemaChange, SettingsSnapshot, StrategyChoice, VersionRecord } from './types.js';

export interface PlanInput {
  readonly failed: VersionRecord;
  /** Why the deployment failed verification. */
  readonly cause: string;
  /** Deployments of the same bundle and target, any order. */
  readonly history: readonly VersionRecord[];
  /** Snapshots of the failed deployment and of the candidate targets. */
  readonly snapshots: readonly SettingsSnapshot[];
  /** Schema changes to the failed deployment's tables since it was deployed. */
  readonly schemaChanges: readonly SchemaChange[];
  /** The policy's choice for the bundle. */
  readonly strategy: StrategyChoice;
  /** Whether a CI dispatch is configured (rollback.ciDispatch): `auto` can only pick ci-dispatch then. */
  readonly ciDispatch?: boolean;
  /** The code fingerprint each deployment recorded, by deployment id (none: not known). */
  readonly code?: ReadonlyMap<string, CodeFingerprint>;
  /** The failed deploy reached only its own resources (PARTIAL): only those go back. */
  readonly partial?: boolean;
}

export function planRollback(input: PlanInput): RollbackPlan {
  const { failed } = input;
  const failedSettings = input.snapshots.filter((s) => s.deploymentId === failed.deploymentId);
  const base = {
    rollbackId: rollbackIdOf(failed.deploymentId),
    deploymentId: failed.deploymentId,
    bundle: failed.bundle,
    target: failed.target,
    fromVersion: failed.version,
    schemaChanges: input.schemaChanges,
    failedSettings,
    cause: input.cause,
  };
  const choice = selectTarget(failed, input.history);
  if (!choice.target) {
    const passed = choice.passedOver.length ? `; passed over: ${choice.passedOver.join('; ')}` : '';
    return {
      ...base,
      toVersion: null,
      toDeploymentId: null,
      safety: 'NEEDS_HUMAN',
      strategy: input.strategy === 'ci-dispatch' ? 'ci-dispatch' : 'jobs-api',
      reasons: [`no earlier version of ${failed.bundle} on ${failed.target} has a HEALTHY verdict${passed}`],
      changes: [],
      restore: [],
    };
  }
  const target = choice.target;
  const changed = (r: { type: string; id: string; key: string }) =>
    !input.partial || failed.resources.some((f) => f.type === r.type && (f.id === r.id || f.key === r.key));
  const restore = input.snapshots.filter((s) => s.deploymentId === target.deploymentId && changed(s));
  const code = compareCode(input.code?.get(failed.deploymentId) ?? null, input.code?.get(target.deploymentId) ?? null);
  const pick = chooseStrategy({
    choice: input.strategy,
    code,
    unpinned: restore.flatMap((s) => unpinnedCode(s.settings, target.version)),
    ciDispatch: input.ciDispatch ?? false,
    toVersion: target.version,
  });
  const c = classifyRollback({
    toVersion: target.version,
    failedResources: failed.resources,
    targetResources: target.resources.filter(changed),
    failedSettings,
    targetSettings: restore,
    schemaChanges: input.schemaChanges,
    strategy: pick.strategy,
    code: code.state,
  });
  return {
    ...base,
    toVersion: target.version,
    toDeploymentId: target.deploymentId,
    safety: c.safety,
    strategy: pick.strategy,
    // The strategy's note where it explains the plan: a SAFE one, or code a reset would not restore.
    reasons: c.safety === 'SAFE' || pick.needsHuman ? [...c.reasons, pick.note] : c.reasons,
    changes: c.changes,
    restore,
  };
}
