// `postflight audit report --from --to`: every change to a production job or pipeline in a
// period, for an auditor, as CSV or JSON. Exit 1 when the period holds an untracked change.

import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Logger } from '../log.js';
import { auditReport, reportCsv, reportJson } from '../untracked/audit-report.js';
import { DEFAULT_EXPLAIN_POLICY } from '../untracked/explain.js';
import { CONNECTION_HELP, CONNECTION_OPTIONS, connectFromFlags } from './ci-connection.js';
import { UsageError } from './common-options.js';

export const AUDIT_REPORT_HELP = `postflight audit report --from TIME --to TIME [options]

Lists every change to a production job or pipeline in the period, one row per resource: the
deployment that made it, who ran it (deployed_by), the CI run that approved it (approver_ci_run),
its verdict and its rollback; or UNTRACKED, a change no recorded deployment or rollback explains,
with who made it and where it was seen (system.access.audit, the lakeflow history).

  --from TIME            start of the period, ISO 8601 (2026-10-01 or 2026-10-01T00:00:00Z), inclusive
  --to TIME              end of the period, exclusive
  --format csv|json      default csv
  --out FILE             write the report to FILE instead of standard output
  --production T,..      targets that are production (default ${DEFAULT_EXPLAIN_POLICY.productionTargets.join(',')})
${CONNECTION_HELP}
Untracked changes are found by the verifier's periodic sweep, hours after the change (the audit
log's delay): a period that ends less than a few hours ago may not show them all yet.

Exit codes: 0 the report holds no untracked change, 1 it holds at least one, 2 bad input or could not connect.
`;

function parseTime(flag: string, value: string | undefined): number {
  if (value === undefined)
    throw new UsageError(`--${flag} is required: the period's ${flag === 'from' ? 'start' : 'end'}, e.g. 2026-10-01`);
  const ms = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms))
    throw new UsageError(
      `--${flag} '${value}' is not an ISO 8601 date or time; use e.g. 2026-10-01 or 2026-10-01T12:00:00Z`,
    );
  return ms;
}

export function parseAuditReportArgs(argv: readonly string[]) {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      format: { type: 'string', default: 'csv' },
      out: { type: 'string' },
      production: { type: 'string' },
      help: { type: 'boolean', default: false },
      ...CONNECTION_OPTIONS,
    },
  });
  if (values.help) return { values, help: true as const };
  const fromMs = parseTime('from', values.from);
  const toMs = parseTime('to', values.to);
  if (toMs <= fromMs) throw new UsageError(`--to ${values.to} must be after --from ${values.from}`);
  if (values.format !== 'csv' && values.format !== 'json')
    throw new UsageError(`--format '${values.format}' is not understood; use csv or json`);
  const production = (values.production ?? DEFAULT_EXPLAIN_POLICY.productionTargets.join(','))
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  if (production.length === 0) throw new UsageError('--production needs at least one target name, e.g. prod');
  return { values, help: false as const, fromMs, toMs, format: values.format, production };
}

export async function runAuditReportCommand(argv: readonly string[], log: Logger): Promise<number> {
  const args = parseAuditReportArgs(argv);
  if (args.help) {
    process.stdout.write(AUDIT_REPORT_HELP);
    return 0;
  }
  const conn = await connectFromFlags(args.values, log);
  try {
    const rows = await conn.wh.query('audit/changes_report', { from_ms: args.fromMs, to_ms: args.toMs });
    const report = auditReport(rows, { fromMs: args.fromMs, toMs: args.toMs }, args.production);
    const text = args.format === 'json' ? reportJson(report) : reportCsv(report);
    if (args.values.out) {
      writeFileSync(args.values.out, text);
      process.stderr.write(
        `audit report: ${report.changes} production changes, ${report.untracked} UNTRACKED, written to ${args.values.out}\n`,
      );
    } else process.stdout.write(text);
    return report.untracked > 0 ? 1 : 0;
  } finally {
    await conn.close();
  }
}
