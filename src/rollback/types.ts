// The rollback vocabulary shared by the pure planner, the guards and the executor.

import type { ResourceRef, ResourceType, VerdictState } from '../types.js';

export type Safety = 'SAFE' | 'UNSAFE' | 'NEEDS_HUMAN';

/** Ledger states. REQUESTED -> EXECUTING -> SUCCEEDED | FAILED; BLOCKED, DRY_RUN and CANCELLED end a decision without acting. */
export type RollbackState = 'REQUESTED' | 'EXECUTING' | 'SUCCEEDED' | 'FAILED' | 'BLOCKED' | 'DRY_RUN' | 'CANCELLED';

export const OPEN_STATES: readonly RollbackState[] = ['REQUESTED', 'EXECUTING'];

export type StrategyName = 'jobs-api' | 'ci-dispatch';

/** What the policy asks for: a strategy, or `auto` (the plan picks one from what the rollback must restore). */
export type StrategyChoice = 'auto' | StrategyName;

/** One deployment of a bundle and target, as the planner sees its history. */
export interface VersionRecord {
  readonly deploymentId: string;
  readonly bundle: string;
  readonly target: string;
  readonly version: string;
  readonly finishedMs: number;
  readonly actor: string;
  readonly resources: readonly ResourceRef[];
  readonly verdict: VerdictState | null;
  /** The version is quarantined for this bundle and target. */
  readonly quarantined: boolean;
}

/** Settings of one job or pipeline as a deployment left them (resource_snapshots). */
export interface SettingsSnapshot {
  readonly deploymentId: string;
  readonly type: ResourceType;
  readonly id: string;
  readonly key: string;
  readonly settings: Readonly<Record<string, unknown>>;
}

/** A Delta commit that changed a table's schema, seen since the failed deployment. */
export interface SchemaChange {
  readonly table: string;
  readonly operation: string;
  readonly atMs: number;
  /** Job or pipeline that made the commit. */
  readonly subjectId: string | null;
}

export type ResourceChangeKind = 'changed' | 'unchanged' | 'deleted' | 'recreated' | 'replaced';

/** What redeploying the target version would do to one resource. */
export interface ResourceChange {
  readonly type: ResourceType;
  readonly id: string;
  readonly key: string;
  readonly change: ResourceChangeKind;
  /** Settings paths whose values differ between the failed and the target version. */
  readonly paths: readonly string[];
}

export interface RollbackPlan {
  readonly rollbackId: string;
  readonly deploymentId: string;
  readonly bundle: string;
  readonly target: string;
  readonly fromVersion: string;
  readonly toVersion: string | null;
  readonly toDeploymentId: string | null;
  readonly safety: Safety;
  /** How the rollback restores the target version. */
  readonly strategy: StrategyName;
  /** Why the plan has its safety class, one sentence each. */
  readonly reasons: readonly string[];
  readonly changes: readonly ResourceChange[];
  readonly schemaChanges: readonly SchemaChange[];
  /** Settings to restore, one per resource of the target version. */
  readonly restore: readonly SettingsSnapshot[];
  /** Settings the failed version deployed, to tell a resource changed by hand since. */
  readonly failedSettings: readonly SettingsSnapshot[];
  /** Why the failed deployment is being rolled back (its verdict). */
  readonly cause: string;
}
