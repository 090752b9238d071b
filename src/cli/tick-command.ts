// `postflight tick` (one verification tick) and `postflight advance` (move a simulated world
// forward a minute at a time, a tick each minute).

import type { Logger } from '../log.js';
import { errorTotal } from '../tick/result-rows.js';
import { runTick } from '../tick/run-tick.js';
import type { TickSummary } from '../tick/types.js';
import { parseIntFlag, parseWarehouse } from './args.js';
import { type CommonValues, connectWith, loadPolicies, UsageError } from './common-options.js';
import { Progress } from './progress.js';
import { tickDepsOf } from './tick-deps.js';

export async function runTickCommand(command: 'tick' | 'advance', values: CommonValues, log: Logger): Promise<number> {
  const target = parseWarehouse(values.warehouse, '.postflight');
  if (command === 'advance' && target.kind !== 'duckdb')
    throw new UsageError('advance moves a simulated world forward; use --warehouse duckdb:PATH');
  const minutes = command === 'advance' ? parseIntFlag('minutes', values.minutes, 60, 1, 100_000) : 0;
  const policies = await loadPolicies(values.policy);
  const conn = await connectWith(values, target, log);
  const progress = new Progress(process.stderr);
  try {
    const { world } = conn;
    const deps = tickDepsOf(values, conn, policies, log);
    let last = await runTick(deps, conn.nowMs());
    let failed = turnedFailed(last);
    for (let m = 1; m <= minutes; m++) {
      await world!.advance(world!.nowMs + 60_000);
      last = await runTick(deps, conn.nowMs());
      failed ||= turnedFailed(last);
      progress.update('advancing', m, minutes);
    }
    progress.done();
    printTick(last, values.json);
    for (const e of last.errors) log.warn(e, 'measurement error');
    // As the README says: 1 a verdict turned FAILED, else 2 something could not be verified.
    return failed ? 1 : errorTotal(last) > 0 ? 2 : 0;
  } finally {
    await conn.close();
  }
}

function turnedFailed(summary: TickSummary): boolean {
  return summary.changed.some((c) => c.to === 'FAILED');
}

function printTick(last: TickSummary, json: boolean): void {
  const line = {
    at: new Date(last.nowMs).toISOString(),
    deployments: last.deployments,
    verdicts: last.verdicts,
    // A catching-up tick judges a slice of the deployments without a verdict; the rest wait.
    deferred: last.deferred,
    new_runs: last.newRuns,
    statements: last.statements,
    history_reads: last.historyReads,
    rest_calls: last.restCalls,
    errors: errorTotal(last),
    errors_by_kind: last.errorsByKind,
    ms: last.durationMs,
    // The time budget, the time until the tick stopped starting new work, and what it left for the next tick.
    budget_ms: last.budgetMs ?? null,
    elapsed_ms: last.elapsedMs ?? null,
    unfinished: last.unfinished ?? [],
    // The audit log's head, kept in the job run's output as well as in the tick's row.
    audit_head: last.auditHead ?? null,
    ...(last.untracked ? { untracked_changes: last.untracked.untracked } : {}),
    // The first tick of an hour keeps the cost budgets: rows written, bundles over, and why not if it failed.
    ...(last.cost ? { cost_budgets: last.cost } : {}),
  };
  process.stdout.write(
    json
      ? `${JSON.stringify(line)}\n`
      : `tick ${line.at}: ${line.deployments} deployments under verification ${JSON.stringify(line.verdicts)}, ${line.new_runs} new runs, ${line.statements} statements, ${line.errors} errors${line.errors ? ` ${JSON.stringify(line.errors_by_kind)}` : ''}, ${line.ms} ms${
          line.unfinished.length
            ? `, ${line.unfinished.length} left for the next tick (budget ${line.budget_ms} ms)`
            : ''
        }${line.audit_head ? `, audit head ${line.audit_head.seq}:${line.audit_head.hash}` : ''}\n`,
  );
}
