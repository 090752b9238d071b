// `postflight backfill --days N`: the deployments of the last N days judged with the same checks
// as of their own time, so every bundle starts with verified versions and the first bad deploy
// after installation has a HEALTHY version to roll back to. Nothing is rolled back.

import { backfillDaysProblem, deploymentSpan, maxBackfillDays, runBackfill } from '../backfill/backfill.js';
import { DEFAULT_POLICY } from '../checks/policy.js';
import type { Logger } from '../log.js';
import { ConfigError, parseIntFlag, parseWarehouse } from './args.js';
import { type CommonValues, connectWith, loadPolicies } from './common-options.js';
import { Progress } from './progress.js';

const DAY = 86_400_000;
export const DEFAULT_BACKFILL_DAYS = 30;

export const BACKFILL_HELP = `postflight backfill [--days N] [options]

Judges the deployments of the last N days that have no verdict, with the same checks as a live
tick, each as of its own time (the evidence visible when its verdict window closed), so every
bundle starts with verified versions: the first bad deploy after installation then has a HEALTHY
version to roll back to. History is never rolled back. Works in slices (each bounded like a
catching-up tick); a second run changes nothing, and a stopped run resumes where it stopped.
Deployments whose window is still open are left to the verifier's ticks.

Options:
  --days N                  how far back (default ${DEFAULT_BACKFILL_DAYS}, or as far as the recorded deployments reach;
                            at most ${maxBackfillDays(DEFAULT_POLICY)}, so baselines stay within the system tables' retention)
  --warehouse duckdb:PATH | databricks    where postflight's tables are (as for tick)
  --workspace, --ops, --event-log, --dbt-artifacts   as for tick
  --policy FILE             the policy file the verifier runs with
  --json                    print one JSON object (no progress line)
Exit codes: 0 every past deployment judged, none failed; 1 a past deployment failed verification
(recorded, never rolled back); 2 bad input, or deployments left without a verdict; 70 internal error.

Example:
  postflight backfill --days 30 --warehouse databricks
`;

export async function runBackfillCommand(values: CommonValues, log: Logger): Promise<number> {
  if (values.help) {
    process.stdout.write(BACKFILL_HELP);
    return 0;
  }
  const asked = values.days === undefined ? null : parseIntFlag('days', values.days, DEFAULT_BACKFILL_DAYS, 1, 100_000);
  const policies = await loadPolicies(values.policy);
  const target = parseWarehouse(values.warehouse, '.postflight');
  const conn = await connectWith(values, target, log);
  const progress = new Progress(process.stderr);
  try {
    const nowMs = conn.nowMs();
    const span = await deploymentSpan(conn.wh, nowMs);
    const held = span.oldestMs === null ? 0 : Math.ceil((nowMs - span.oldestMs) / DAY);
    const days = asked ?? Math.max(1, Math.min(DEFAULT_BACKFILL_DAYS, held));
    const problem = backfillDaysProblem(days, nowMs, span.oldestMs, DEFAULT_POLICY);
    if (problem) throw new ConfigError(problem);
    const report = await runBackfill(
      { wh: conn.wh, policy: DEFAULT_POLICY, ...(policies ? { policies } : {}) },
      nowMs,
      days,
      (_, done, total) => {
        if (!values.json) progress.update('judging past deployments', done, total);
      },
    );
    progress.done();
    const verdicts: Record<string, number> = {};
    for (const j of report.judged) verdicts[j.verdict.state] = (verdicts[j.verdict.state] ?? 0) + 1;
    const healthyBundles = new Set(report.judged.filter((j) => j.verdict.state === 'HEALTHY').map((j) => j.bundle));
    const out = {
      at: new Date(nowMs).toISOString(),
      days,
      judged: report.judged.length,
      remaining: report.remaining,
      verdicts,
      bundles_with_healthy_version: healthyBundles.size,
      slices: report.slices.length,
      slice_ms_max: Math.max(0, ...report.slices.map((s) => s.ms)),
      errors: report.errors,
    };
    for (const e of report.errors) log.warn({ error: e }, 'measurement error during backfill');
    process.stdout.write(
      values.json
        ? `${JSON.stringify(out)}\n`
        : `backfill of ${days} days at ${out.at}: ${out.judged} past deployments judged in ${out.slices} slices ` +
            `${JSON.stringify(verdicts)}, ${out.bundles_with_healthy_version} bundles with a HEALTHY version, ` +
            `${out.remaining} left without a verdict, longest slice ${out.slice_ms_max} ms\n`,
    );
    if (report.remaining > 0) return 2;
    return (verdicts.FAILED ?? 0) > 0 ? 1 : 0;
  } finally {
    await conn.close();
  }
}
