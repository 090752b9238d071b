// Reads the report's rows through the SQL port, one statement of sql/report/ each, the same on
// the embedded warehouse and a workspace's SQL warehouse.

import type { Row, SqlParams, Warehouse } from '../warehouse/port.js';
import { numberOrNull as num, textOrNull as opt } from '../warehouse/row-values.js';
import type {
  BudgetPointRow,
  BudgetSummaryRow,
  CheckLookRow,
  DeploymentRow,
  ReportData,
  ReportScope,
  RollbackRow,
} from './rows.js';

/** How many subjects' budgets the report draws: the ones that ran lowest. */
export const BUDGET_LINES = 8;

export async function readReport(wh: Warehouse, scope: ReportScope): Promise<ReportData> {
  const params: SqlParams = {
    since_ms: scope.sinceMs,
    until_ms: scope.untilMs,
    bundle: scope.bundle ?? '',
    target: scope.target ?? '',
  };
  const [deployments, looks, rollbacks, series, summary] = await Promise.all([
    wh.query('report/deployments', params),
    wh.query('report/check_looks', params),
    wh.query('report/rollbacks', params),
    wh.query('report/budget_series', { ...params, top: BUDGET_LINES }),
    wh.query('report/budget_summary', params),
  ]);
  return {
    scope,
    deployments: deployments.map(deploymentOf),
    looks: looks.map(lookOf),
    rollbacks: rollbacks.map(rollbackOf),
    budgetSeries: series.map(budgetPointOf),
    budgetSummary: summary.map(budgetSummaryOf),
  };
}

const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
const bool = (v: unknown): boolean => v === true || v === 1 || v === 'true';

function deploymentOf(r: Row): DeploymentRow {
  return {
    deploymentId: str(r.deployment_id),
    bundle: str(r.bundle),
    target: str(r.target),
    version: str(r.version),
    actor: opt(r.actor),
    ciRunUrl: opt(r.ci_run_url),
    traceId: opt(r.trace_id),
    finishedMs: Number(r.finished_at),
    verdict: str(r.verdict),
    reason: opt(r.reason),
    isFinal: bool(r.is_final),
    firstVerdictMs: num(r.first_verdict_at),
    pageReason: opt(r.page_reason),
    failed: bool(r.failed),
    restoredMs: num(r.restored_at),
    caughtBeforeSpread: bool(r.caught_before_spread),
    spreadToTargets: Number(r.spread_to_targets ?? 0),
    isRestore: bool(r.is_restore),
  };
}

function lookOf(r: Row): CheckLookRow {
  return {
    deploymentId: str(r.deployment_id),
    check: str(r.check_name),
    subject: str(r.subject),
    look: Number(r.look),
    status: str(r.status),
    critical: bool(r.critical),
    observed: num(r.observed),
    baselineN: num(r.baseline_n),
    baselineCenter: num(r.baseline_center),
    baselineSpread: num(r.baseline_spread),
    threshold: num(r.threshold),
    postN: num(r.post_n),
    explanation: opt(r.explanation),
    suppressedBy: opt(r.suppressed_by),
    evaluatedMs: num(r.evaluated_at),
  };
}

function rollbackOf(r: Row): RollbackRow {
  return {
    rollbackId: str(r.rollback_id),
    deploymentId: str(r.deployment_id),
    bundle: str(r.bundle),
    target: str(r.target),
    fromVersion: opt(r.from_version),
    toVersion: opt(r.to_version),
    reason: opt(r.reason),
    safety: opt(r.safety),
    strategy: opt(r.strategy),
    state: str(r.state),
    attempts: Number(r.attempts ?? 0),
    detail: opt(r.detail),
    requestedMs: Number(r.requested_at),
    updatedMs: num(r.updated_at),
    deployedMs: num(r.deployed_at),
    restoreDeploymentId: opt(r.restore_deployment_id),
    restoredVerdict: opt(r.restored_verdict),
    pageReason: opt(r.page_reason),
  };
}

function budgetPointOf(r: Row): BudgetPointRow {
  return {
    rank: Number(r.line_rank),
    subject: str(r.subject),
    slo: str(r.slo),
    bundle: opt(r.bundle),
    bundleTarget: opt(r.bundle_target),
    windowEndMs: Number(r.window_end),
    sloTarget: num(r.slo_target),
    good: num(r.good),
    total: num(r.total),
    budgetRemaining: num(r.budget_remaining),
    exhausted: bool(r.exhausted),
    alert: opt(r.alert),
    burn1h: num(r.burn_1h),
    burn6h: num(r.burn_6h),
    burn3d: num(r.burn_3d),
  };
}

function budgetSummaryOf(r: Row): BudgetSummaryRow {
  return {
    slo: str(r.slo),
    subjects: Number(r.subjects),
    exhausted: Number(r.exhausted ?? 0),
    paging: Number(r.paging ?? 0),
    ticketing: Number(r.ticketing ?? 0),
    lowestRemaining: num(r.lowest_remaining),
  };
}
