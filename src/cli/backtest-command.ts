// `postflight backtest --from DIR`: a team's own exported history (system tables, event log,
// Delta history, deployments) loaded into a fresh embedded warehouse and replayed tick by tick,
// printing what postflight would have decided for each past deployment, and when.

import { renameSync, rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_LAGS } from '../backtest/export-catalog.js';
import { ExportInputError } from '../backtest/export-files.js';
import { loadExport } from '../backtest/load-export.js';
import { replay } from '../backtest/replay.js';
import { deploymentOutcomes, exitCodeOf, summarizeBacktest } from '../backtest/report.js';
import { parseTimestamp } from '../backtest/row-values.js';
import { resolveSloPolicy } from '../budget/slo-policy.js';
import type { Logger } from '../log.js';
import { resolveRollbackPolicy } from '../rollback/policy.js';
import type { DuckDbWarehouse } from '../warehouse/duckdb/duckdb-warehouse.js';
import { loadSql } from '../warehouse/sql-files.js';
import { ConfigError, parseIntFlag, parseWarehouse } from './args.js';
import { loadPolicies } from './common-options.js';
import { printBacktest } from './print-backtest.js';
import { Progress } from './progress.js';

export const BACKTEST_HELP = `postflight backtest --from DIR [options]

Replays your own history offline: the export in DIR (system tables, pipeline event log, Delta
history, deployments; NDJSON or Parquet files named after their tables) is loaded into a fresh
embedded warehouse, every row hidden until the time it became visible on the workspace, and the
verifier ticks through the period from the first deployment to the export's end. Prints the
verdict postflight would have reached for each deployment, when, and the rollback it would have
made. A backtest acts on nothing: rollbacks are decided in dry run.

What DIR holds and the queries that export it: docs/embedded-layout.md.

Options:
  --from DIR                the export (required)
  --warehouse duckdb:PATH   where the replayed warehouse is saved (default .postflight/backtest/workspace.duckdb)
  --policy FILE             the policy file the verifier would run with
  --workspace-id ID         the workspace whose history it is, when the system tables hold several
  --system-lag-minutes N    how late the system tables show a row (default: lakeflow ${DEFAULT_LAGS.lakeflowMs / 60_000},
                            lineage and audit ${DEFAULT_LAGS.lineageMs / 60_000}; N sets all three)
  --since TIME              start the replay at this time (ISO 8601) rather than at the first deployment,
                            as a verifier installed then (its first tick judges the last 96 hours)
  --until TIME              stop the replay at this time (ISO 8601), before the export's end
  --every-minute            tick every minute, as the verifier does (by default a minute in which
                            nothing became visible and nothing is due is skipped: same verdicts)
  --json                    print one JSON object
Exit codes: 0 no past deployment would have failed, 1 one would have failed verification,
2 bad input (the message names the file, line and column), 70 internal error.

Example:
  postflight backtest --from ./export --policy postflight.policy.json
`;

export async function runBacktestCommand(argv: readonly string[], log: Logger): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      from: { type: 'string' },
      warehouse: { type: 'string' },
      policy: { type: 'string' },
      'workspace-id': { type: 'string' },
      'system-lag-minutes': { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      'every-minute': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(BACKTEST_HELP);
    return 0;
  }
  if (values.from === undefined)
    throw new ConfigError('--from DIR is required: the folder of the export (what it holds: docs/embedded-layout.md)');
  const target = parseWarehouse(values.warehouse, '.postflight/backtest');
  if (target.kind !== 'duckdb')
    throw new ConfigError(
      '--warehouse databricks: a backtest replays an export offline in a fresh embedded warehouse; use --warehouse duckdb:PATH',
    );
  const workspaceId = values['workspace-id'];
  if (workspaceId !== undefined && !/^\d{1,19}$/.test(workspaceId))
    throw new ConfigError(
      `--workspace-id '${workspaceId}' must be the workspace id, a number such as 1234567890123456`,
    );
  const lagMin =
    values['system-lag-minutes'] === undefined
      ? null
      : parseIntFlag('system-lag-minutes', values['system-lag-minutes'], 0, 0, 7 * 24 * 60);
  const lags =
    lagMin === null
      ? DEFAULT_LAGS
      : { ...DEFAULT_LAGS, lakeflowMs: lagMin * 60_000, lineageMs: lagMin * 60_000, auditMs: lagMin * 60_000 };
  const sinceMs = timeFlag('since', values.since);
  const untilMs = timeFlag('until', values.until);
  const policies = await loadPolicies(values.policy);
  const rollbackPolicy = resolveRollbackPolicy(policies?.rollback);
  const progress = new Progress(process.stderr);

  const t0 = Date.now();
  const { wh, world } = await loadExport({
    dir: values.from,
    workspaceId,
    lags,
    onProgress: (phase, done, total) => progress.update(phase, done, total),
  }).catch((e: unknown) => {
    progress.done();
    throw e instanceof ExportInputError ? new ConfigError(e.message) : e;
  });
  let saved = false;
  try {
    const t1 = Date.now();
    const result = await replay({
      wh,
      world,
      policies,
      rollback: rollbackPolicy,
      slos: resolveSloPolicy(policies?.slos),
      everyMinute: values['every-minute'],
      sinceMs,
      untilMs,
      log,
      onTick: (_s, done, total) =>
        progress.update('replaying (minutes)', Math.round(done / 60_000), Math.round(total / 60_000)),
    });
    const t2 = Date.now();
    progress.done();
    const report = summarizeBacktest({
      from: values.from,
      workspace_id: world.info.workspaceId,
      files: world.info.files,
      replay: {
        from: new Date(result.fromMs).toISOString(),
        to: new Date(result.toMs).toISOString(),
        ticks: result.ticks,
        every_minute: values['every-minute'],
      },
      load_s: (t1 - t0) / 1000,
      replay_s: (t2 - t1) / 1000,
      deployments: deploymentOutcomes(
        await wh.session.all(loadSql('embedded/backtest_report')),
        await wh.session.all(loadSql('embedded/backtest_verdict_changes')),
      ),
      errors: result.errors,
      warnings: world.info.warnings,
    });
    await saveWhole(wh, target.path);
    saved = true;
    if (values.json) process.stdout.write(`${JSON.stringify(report)}\n`);
    else printBacktest(report, process.stdout);
    return exitCodeOf(report);
  } finally {
    progress.done();
    if (!saved) log.debug({ path: target.path }, 'backtest did not finish; nothing saved');
    await wh.close();
  }
}

function timeFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseTimestamp(value);
  if (ms === null)
    throw new ConfigError(`--${flag} '${value}' is not a time; write ISO 8601 such as 2026-03-09T12:00:00Z`);
  return ms;
}

/** The replayed warehouse replaces the one at `path` only once it is written whole. */
async function saveWhole(wh: DuckDbWarehouse, path: string): Promise<void> {
  const partial = `${path}.partial`;
  await wh.saveTo(partial);
  rmSync(`${path}.wal`, { force: true });
  renameSync(partial, path);
}
