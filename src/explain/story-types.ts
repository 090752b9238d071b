// A deployment's story as the ops tables tell it: what `postflight explain` prints and `--json`
// gives as one object, and what a report can draw from.

import type { CheckSeries } from './series.js';

export interface StoryDeployment {
  readonly deploymentId: string;
  readonly bundle: string;
  readonly target: string;
  readonly version: string;
  readonly previousVersion: string | null;
  readonly actor: string | null;
  readonly status: string | null;
  readonly startedMs: number | null;
  readonly finishedMs: number | null;
  readonly resources: ReadonlyArray<{ type: string; id: string; key: string }>;
  readonly expectedChanges: readonly string[];
}

export interface StoryVerdict {
  readonly state: string;
  readonly reason: string | null;
  readonly isFinal: boolean;
  readonly postRuns: number | null;
  readonly sinceMs: number | null;
  readonly untilMs: number | null;
  readonly firstVerdictMs: number | null;
  readonly updatedMs: number | null;
  /** Set when a human must act: the automatic rollback was blocked or failed. */
  readonly pageReason: string | null;
}

export interface StoryCheck {
  readonly check: string;
  readonly subject: string;
  readonly status: string;
  readonly critical: boolean;
  /** The newest look and how many there were. */
  readonly look: number;
  readonly looks: number;
  readonly explanation: string | null;
  /** Why a failure did not count: upstream (the control group), expected change, dry-run, stale before deploy. */
  readonly suppressedBy: string | null;
  readonly plane: string | null;
  readonly evaluatedMs: number | null;
  readonly numbers: {
    readonly observed: number | null;
    readonly baselineN: number | null;
    readonly baselineCenter: number | null;
    readonly baselineSpread: number | null;
    readonly threshold: number | null;
    readonly statistic: number | null;
    readonly pValue: number | null;
    readonly effect: number | null;
    readonly postN: number | null;
    readonly evidenceAgeS: number | null;
  };
  /** The evidence before and after the deploy, from the run and commit caches; null where the check has no series. */
  readonly series: CheckSeries | null;
}

export interface StoryRollback {
  readonly rollbackId: string;
  readonly state: string | null;
  readonly safety: string | null;
  readonly strategy: string | null;
  readonly fromVersion: string | null;
  readonly toVersion: string | null;
  readonly toDeploymentId: string | null;
  readonly reason: string | null;
  readonly detail: string | null;
  readonly attempts: number | null;
  readonly requestedMs: number | null;
  readonly updatedMs: number | null;
  /** The reasons of the safety class, from the plan. */
  readonly safetyReasons: readonly string[];
  readonly restoreDeploymentId: string | null;
  readonly restoreState: string | null;
  readonly restoreReason: string | null;
}

export interface LineageEdge {
  readonly entityType: string | null;
  readonly entityId: string | null;
  readonly source: string | null;
  readonly target: string | null;
}

export interface Story {
  readonly deployment: StoryDeployment;
  /** null: not judged yet. */
  readonly verdict: StoryVerdict | null;
  readonly checks: readonly StoryCheck[];
  readonly controlGroup: {
    /** Other jobs and pipelines reading the tables the deployment reads, with the tables they share. */
    readonly peers: ReadonlyArray<{ entityType: string; entityId: string; shared: readonly string[] }>;
    /** Checks whose failure the control group put down to upstream, with what it said. */
    readonly upstream: ReadonlyArray<{ check: string; subject: string; explanation: string | null }>;
  };
  readonly rollback: {
    readonly rollbacks: readonly StoryRollback[];
    /** Why no rollback, where none was made and the verdict failed; null otherwise. */
    readonly whyNot: string | null;
    readonly quarantined: string | null;
  };
  readonly blastRadius: {
    readonly reads: readonly string[];
    readonly writes: readonly string[];
    /** Readers of what the deployment writes (hop 1) and of what those write (hop 2). */
    readonly downstream: ReadonlyArray<LineageEdge & { hop: number }>;
  };
  readonly ci: {
    readonly runUrl: string | null;
    readonly traceId: string | null;
    readonly stages: ReadonlyArray<{
      stage: string;
      attempt: number;
      status: string | null;
      startedMs: number | null;
      finishedMs: number | null;
      spanId: string | null;
    }>;
  };
  /** The clock the story was read at (the simulated clock on the embedded world). */
  readonly readAtMs: number;
}
