// The report as the page shows it, assembled from the rows (assemble.ts) and drawn by the
// renderer: every figure computed here, none in the page.

import type { CheckLookRow, DeploymentRow, ReportScope, RollbackRow } from './rows.js';

/** Deployments per time bucket and verdict: the timeline. */
export interface Timeline {
  readonly bucketMs: number;
  readonly buckets: readonly number[];
  readonly verdicts: readonly string[];
  /** counts[verdict][bucket] */
  readonly counts: Readonly<Record<string, readonly number[]>>;
  readonly total: number;
}

export interface Dora {
  readonly days: number;
  readonly deployments: number;
  readonly judged: number;
  readonly failed: number;
  readonly deploysPerDay: number;
  /** failed / judged; null when nothing was judged. */
  readonly changeFailureRate: number | null;
  readonly restored: number;
  readonly medianMinutesToRestore: number | null;
  readonly caughtBeforeSpread: number;
  readonly bucketMs: number;
  readonly perBucket: ReadonlyArray<{
    readonly startMs: number;
    readonly deployments: number;
    readonly failed: number;
  }>;
  /** The failed deployments whose version went no further: the promotion stopped there. */
  readonly caught: readonly DeploymentRow[];
}

/** One check of one subject of a bad deployment, look by look against its baseline. */
export interface CheckSeries {
  readonly check: string;
  readonly subject: string;
  readonly critical: boolean;
  /** The status at the newest look. */
  readonly status: string;
  readonly explanation: string | null;
  readonly looks: readonly CheckLookRow[];
}

export interface BadDeployment {
  readonly deployment: DeploymentRow;
  readonly series: readonly CheckSeries[];
  /** Every check that failed or warned at some look, charted or not (a config change has no number). */
  readonly failing: readonly CheckSeries[];
  /** Checks of the deployment left out of the charts (passing, or nothing observed). */
  readonly notCharted: number;
  readonly rollback: RollbackRow | null;
}

export interface BudgetLine {
  readonly subject: string;
  readonly slo: string;
  readonly points: ReadonlyArray<{
    readonly ms: number;
    readonly remaining: number | null;
    readonly burn1h: number | null;
    readonly burn6h: number | null;
  }>;
  readonly exhausted: boolean;
  readonly alert: string | null;
}

export interface ReportModel {
  readonly scope: ReportScope;
  readonly timeline: Timeline;
  readonly dora: Dora;
  readonly bad: readonly BadDeployment[];
  readonly rollbacks: readonly RollbackRow[];
  readonly rollbackOutcomes: Readonly<Record<string, number>>;
  readonly budgets: readonly BudgetLine[];
  readonly budgetSummary: ReportModelSummary;
}

export type ReportModelSummary = ReadonlyArray<{
  readonly slo: string;
  readonly subjects: number;
  readonly exhausted: number;
  readonly paging: number;
  readonly ticketing: number;
  readonly lowestRemaining: number | null;
}>;
