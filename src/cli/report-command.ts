// `postflight report`: one self-contained HTML page of a period's deployments, verdicts, checks
// against their baselines, rollbacks, error budgets and DORA figures, read from postflight's tables
// on the embedded warehouse or a workspace's SQL warehouse.

import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Logger } from '../log.js';
import { assembleReport } from '../report/assemble.js';
import { renderReportHtml } from '../report/html.js';
import { sinceMs } from '../report/period.js';
import { readReport } from '../report/read-report.js';
import { CONNECTION_HELP, CONNECTION_OPTIONS, connectFromFlags } from './ci-connection.js';
import { UsageError } from './common-options.js';

export const REPORT_HELP = `postflight report [--out FILE] [--since 7d] [--bundle NAME] [--target NAME]

Writes one HTML file that needs nothing else: no network, no scripts, every chart inline as SVG.
It shows the period's deployments on a timeline by verdict; for every failed, degraded or rolled
back deployment, each failing check look by look against its pre-deploy baseline; the rollbacks
and how they ended; the error budgets that ran lowest and their burn rates; and DORA's figures
(deploy frequency, change failure rate, time to restore) with the bad deployments caught before
they spread to another target.

  --out FILE         where to write the page (default report.html)
  --since WHEN       the period: a length back from now (90m, 24h, 7d, 2w) or a UTC date or
                     time (2026-12-01, 2026-12-01T06:00Z); default 7d. "Now" is the simulated
                     clock on the embedded world.
  --bundle NAME      only this bundle's deployments, rollbacks and budgets
  --target NAME      only this target's (dev, staging, prod, ...)
  --json             print what was written as one JSON object
${CONNECTION_HELP}
Example:
  postflight report --out report.html --since 24h --target prod

Exit codes: 0 written, 2 bad input or could not connect, 70 internal error.
`;

export function parseReportArgs(argv: readonly string[]) {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      out: { type: 'string', default: 'report.html' },
      since: { type: 'string', default: '7d' },
      bundle: { type: 'string' },
      target: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
      ...CONNECTION_OPTIONS,
    },
  });
  for (const flag of ['out', 'bundle', 'target'] as const) {
    if (values[flag] !== undefined && values[flag].trim() === '')
      throw new UsageError(`--${flag} must not be empty; leave it out or give a value`);
  }
  return values;
}

export async function runReportCommand(argv: readonly string[], log: Logger): Promise<number> {
  const values = parseReportArgs(argv);
  if (values.help) {
    process.stdout.write(REPORT_HELP);
    return 0;
  }
  const conn = await connectFromFlags(values, log);
  try {
    const now = conn.nowMs();
    const since = sinceMs(values.since, now);
    if (since === null)
      throw new UsageError(
        `--since '${values.since}' is not understood; give a length back from now (90m, 24h, 7d, 2w) or a UTC date or time before now (2026-12-01, 2026-12-01T06:00Z)`,
      );
    const scope = { sinceMs: since, untilMs: now + 1, bundle: values.bundle ?? null, target: values.target ?? null };
    const model = assembleReport(await readReport(conn.wh, scope));
    // Loaded only here: the charting library is large, and no other command needs it.
    const { renderSvg } = await import('../report/echarts-driver.js');
    const html = renderReportHtml(model, renderSvg);
    writeFileSync(values.out, html);
    const summary = {
      out: values.out,
      bytes: Buffer.byteLength(html),
      since: new Date(scope.sinceMs).toISOString(),
      until: new Date(now).toISOString(),
      deployments: model.timeline.total,
      failed_or_degraded: model.bad.length,
      check_charts: model.bad.reduce((n, b) => n + b.series.length, 0),
      rollbacks: model.rollbacks.length,
      budget_lines: model.budgets.length,
    };
    process.stdout.write(
      values.json
        ? `${JSON.stringify(summary)}\n`
        : `wrote ${summary.out} (${Math.round(summary.bytes / 1024)} KiB): ${summary.deployments} deployments, ${summary.failed_or_degraded} failed or degraded with ${summary.check_charts} check charts, ${summary.rollbacks} rollbacks, ${summary.since} to ${summary.until}\n`,
    );
    return 0;
  } finally {
    await conn.close();
  }
}
