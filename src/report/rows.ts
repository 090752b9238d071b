// The rows the report is built from, as the statements of sql/report/ return them (timestamps in
// epoch milliseconds), and the period and filters they were read for.

export interface ReportScope {
  readonly sinceMs: number;
  readonly untilMs: number;
  /** null: every bundle. */
  readonly bundle: string | null;
  /** null: every target. */
  readonly target: string | null;
}

export interface DeploymentRow {
  readonly deploymentId: string;
  readonly bundle: string;
  readonly target: string;
  readonly version: string;
  readonly actor: string | null;
  readonly ciRunUrl: string | null;
  readonly traceId: string | null;
  readonly finishedMs: number;
  readonly verdict: string;
  readonly reason: string | null;
  readonly isFinal: boolean;
  readonly firstVerdictMs: number | null;
  readonly pageReason: string | null;
  readonly failed: boolean;
  readonly restoredMs: number | null;
  readonly caughtBeforeSpread: boolean;
  readonly spreadToTargets: number;
  /** A version put back by a rollback: the rollback, not a deployment, in DORA's figures. */
  readonly isRestore: boolean;
}

export interface CheckLookRow {
  readonly deploymentId: string;
  readonly check: string;
  readonly subject: string;
  readonly look: number;
  readonly status: string;
  readonly critical: boolean;
  readonly observed: number | null;
  readonly baselineN: number | null;
  readonly baselineCenter: number | null;
  readonly baselineSpread: number | null;
  readonly threshold: number | null;
  readonly postN: number | null;
  readonly explanation: string | null;
  readonly suppressedBy: string | null;
  readonly evaluatedMs: number | null;
}

export interface RollbackRow {
  readonly rollbackId: string;
  readonly deploymentId: string;
  readonly bundle: string;
  readonly target: string;
  readonly fromVersion: string | null;
  readonly toVersion: string | null;
  readonly reason: string | null;
  readonly safety: string | null;
  readonly strategy: string | null;
  readonly state: string;
  readonly attempts: number;
  readonly detail: string | null;
  readonly requestedMs: number;
  readonly updatedMs: number | null;
  readonly deployedMs: number | null;
  readonly restoreDeploymentId: string | null;
  readonly restoredVerdict: string | null;
  readonly pageReason: string | null;
}

export interface BudgetPointRow {
  readonly rank: number;
  readonly subject: string;
  readonly slo: string;
  readonly bundle: string | null;
  readonly bundleTarget: string | null;
  readonly windowEndMs: number;
  readonly sloTarget: number | null;
  readonly good: number | null;
  readonly total: number | null;
  readonly budgetRemaining: number | null;
  readonly exhausted: boolean;
  readonly alert: string | null;
  readonly burn1h: number | null;
  readonly burn6h: number | null;
  readonly burn3d: number | null;
}

export interface BudgetSummaryRow {
  readonly slo: string;
  readonly subjects: number;
  readonly exhausted: number;
  readonly paging: number;
  readonly ticketing: number;
  readonly lowestRemaining: number | null;
}

export interface ReportData {
  readonly scope: ReportScope;
  readonly deployments: readonly DeploymentRow[];
  readonly looks: readonly CheckLookRow[];
  readonly rollbacks: readonly RollbackRow[];
  readonly budgetSeries: readonly BudgetPointRow[];
  readonly budgetSummary: readonly BudgetSummaryRow[];
}
