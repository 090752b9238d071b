// The auditor's report of a period (`postflight audit report`): every change to a production job
// or pipeline, a row per resource, with the deployment that made it, who ran it and the CI run
// that approved it, its verdict and its rollback; or UNTRACKED, with who made it and where it was
// seen. Pure: from the rows of sql/audit/changes_report.sql to the report, as CSV or JSON.

import type { Row } from '../warehouse/port.js';
import { textOrNull as str } from '../warehouse/row-values.js';

export const REPORT_COLUMNS = [
  'changed_at',
  'change',
  'resource_type',
  'resource_id',
  'resource_name',
  'bundle',
  'target',
  'deployment_id',
  'version',
  'previous_version',
  'deployed_by',
  'approver_ci_run',
  'deploy_status',
  'verdict',
  'rollback_id',
  'rollback_state',
  'rolled_back_to',
  'rolled_back_at',
  'changed_by',
  'source',
  'action',
  'detail',
] as const;

export type ReportColumn = (typeof REPORT_COLUMNS)[number];
export type AuditReportRow = Readonly<Record<ReportColumn, string | null>>;

export interface AuditReport {
  readonly from: string;
  readonly to: string;
  readonly productionTargets: readonly string[];
  readonly changes: number;
  readonly untracked: number;
  readonly rows: readonly AuditReportRow[];
}

const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(Number(v)).toISOString());

function resourcesOf(json: unknown): Array<{ type: string | null; id: string | null; key: string | null }> {
  try {
    const parsed = JSON.parse(String(json ?? '[]')) as Array<Record<string, unknown>>;
    if (Array.isArray(parsed) && parsed.length)
      return parsed.map((r) => ({ type: str(r.type), id: str(r.id), key: str(r.key) }));
  } catch {
    // A deployment whose resources cannot be read is still listed, with the resource left blank.
  }
  return [{ type: null, id: null, key: null }];
}

export function auditReport(
  rows: readonly Row[],
  period: { fromMs: number; toMs: number },
  productionTargets: readonly string[],
): AuditReport {
  const out: AuditReportRow[] = [];
  for (const r of rows) {
    if (!productionTargets.includes(String(r.target))) continue;
    const common = {
      changed_at: iso(r.at_ms),
      change: String(r.change),
      bundle: str(r.bundle),
      target: str(r.target),
    };
    if (r.change === 'UNTRACKED') {
      out.push({
        ...blank(),
        ...common,
        resource_type: str(r.resource_type),
        resource_id: str(r.resource_id),
        resource_name: str(r.resource_name),
        changed_by: str(r.changed_by),
        source: str(r.source),
        action: str(r.action),
        detail: str(r.detail),
      });
      continue;
    }
    for (const res of resourcesOf(r.resources)) {
      out.push({
        ...blank(),
        ...common,
        resource_type: res.type,
        resource_id: res.id,
        resource_name: res.key,
        deployment_id: str(r.deployment_id),
        version: str(r.version),
        previous_version: str(r.previous_version),
        deployed_by: str(r.actor),
        approver_ci_run: str(r.ci_run_url),
        deploy_status: str(r.status),
        verdict: str(r.verdict),
        rollback_id: str(r.rollback_id),
        rollback_state: str(r.rollback_state),
        rolled_back_to: str(r.rollback_to_version),
        rolled_back_at: r.rollback_state === 'SUCCEEDED' ? iso(r.rollback_ms) : null,
        changed_by: str(r.actor),
      });
    }
  }
  return {
    from: new Date(period.fromMs).toISOString(),
    to: new Date(period.toMs).toISOString(),
    productionTargets: [...productionTargets],
    changes: out.length,
    untracked: out.filter((r) => r.change === 'UNTRACKED').length,
    rows: out,
  };
}

function blank(): Record<ReportColumn, string | null> {
  return Object.fromEntries(REPORT_COLUMNS.map((c) => [c, null])) as Record<ReportColumn, string | null>;
}

/**
 * RFC 4180 CSV with a header. A cell a spreadsheet would read as a formula (=, +, @, a tab or CR
 * first) is prefixed with a quote mark: the report is opened by people, and its text comes in part
 * from whoever edited the workspace.
 */
export function reportCsv(report: AuditReport): string {
  const cell = (v: string | null) => {
    if (v === null) return '';
    const safe = /^[=+@\t\r]/.test(v) ? `'${v}` : v;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  const lines = [REPORT_COLUMNS.join(','), ...report.rows.map((r) => REPORT_COLUMNS.map((c) => cell(r[c])).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

export function reportJson(report: AuditReport): string {
  return `${JSON.stringify(
    {
      from: report.from,
      to: report.to,
      production_targets: report.productionTargets,
      changes: report.changes,
      untracked: report.untracked,
      rows: report.rows,
    },
    null,
    2,
  )}\n`;
}
