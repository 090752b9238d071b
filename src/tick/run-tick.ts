// One tick: discover -> gather -> judge -> decide -> apply, each a step of its own module. The
// core in the middle (judge, decide) is pure; everything around it goes through the Warehouse and
// Workspace ports. Which reads of a step overlap is said in that step's table of reads.

import { backfillStep } from '../backfill/tick-step.js';
import { sweepUntracked, type UntrackedSweepSummary } from '../untracked/sweep.js';
import { catchUp } from './catch-up.js';
import { costBudgetsDue, runCostBudgetStep } from './cost-budgets.js';
import { discover } from './discover.js';
import { exportTickSpans, startMeter, summarize, writeHeartbeat } from './heartbeat.js';
import { DEFAULT_TICK_BUDGET_MS, startBudget, UNFINISHED_STEP, unfinishedRecord } from './tick-budget.js';
import type { TickDeps, TickSummary } from './types.js';
import { verifyInSlices } from './verify-slices.js';

export type { TickDeps, TickSummary } from './types.js';

export async function runTick(deps: TickDeps, nowMs: number, wallClock: () => number = Date.now): Promise<TickSummary> {
  const meter = startMeter(deps, wallClock);
  const budget = startBudget(deps.tickBudgetMs ?? DEFAULT_TICK_BUDGET_MS, meter.startedMs, wallClock);
  const tickId = `tick-${nowMs}`;
  // What is under verification, what is new since the last tick, and so which deployments are due.
  // Catching up (a first tick, or one after an outage), only a slice of the deployments without a verdict.
  // A new installation first judges its history, a slice a tick, within the same bound on first reads.
  const backfilled = await backfillStep(deps, await discover(deps, nowMs), nowMs);
  const found = await catchUp({ ...deps, firstReadsPerTick: backfilled.firstReadsLeft }, backfilled.found, nowMs);
  // Their evidence, one statement per kind for all of them; every check, under each bundle's own
  // policy; verdicts; then audit, verdicts, budgets and the run cache written, and rollbacks when
  // there can be work for them. A slice of the due deployments at a time while the budget lasts.
  const sliced = await verifyInSlices(deps, { tickId, nowMs, found }, budget);
  const { decided, applied } = sliced;
  // Changes no deployment explains, read from the slow plane, hours late: a periodic duty, or one
  // the last tick's budget left.
  // A sweep left once runs whatever the budget says, as the first slice is always judged: a budget
  // too small for the tick's work still moves it on.
  const sweepCarried = found.carried?.steps.has(UNFINISHED_STEP.untracked) === true;
  const sweepDue = deps.untracked !== undefined && (found.periodic || sweepCarried);
  const sweepLeft = sweepDue && !sweepCarried && !budget.left();
  const untracked = sweepDue && !sweepLeft ? await untrackedStep(deps, tickId, nowMs) : undefined;
  // Spend against the cost budgets, from billing that lands about 12 hours late: once an hour.
  const cost =
    deps.cost && costBudgetsDue(nowMs, found.lastTickMs)
      ? await runCostBudgetStep({ ...deps.cost, wh: deps.wh, ...(deps.log ? { log: deps.log } : {}) }, nowMs)
      : undefined;
  const elapsedMs = budget.elapsedMs();
  deps.onDecided?.();
  const summary: TickSummary = {
    ...summarize(deps, meter, {
      tickId,
      nowMs,
      found: { ...found, due: sliced.judged },
      judged: sliced.evidence,
      decided,
      applied,
    }),
    ...(untracked ? { untracked } : {}),
    ...(cost ? { cost } : {}),
    budgetMs: budget.budgetMs,
    elapsedMs,
    unfinished: unfinishedRecord(sliced.left, [
      ...(sweepLeft ? [UNFINISHED_STEP.untracked] : []),
      // Open in the ledger, resumed by the next tick as any open rollback is.
      ...(applied.rollbacks?.left ?? []).map((id) => `${UNFINISHED_STEP.rollbackPrefix}${id}`),
    ]),
  };
  await writeHeartbeat(deps, summary, found);
  // The trace is told last: a collector that is slow or down delays nothing the tick decides.
  await exportTickSpans(deps, summary);
  return summary;
}

/** A sweep that fails (a grant missing on system.access.audit, say) is reported and changes no verdict. */
async function untrackedStep(
  deps: TickDeps,
  tickId: string,
  nowMs: number,
): Promise<UntrackedSweepSummary | undefined> {
  if (!deps.untracked) return undefined;
  try {
    return await sweepUntracked({ wh: deps.wh, ws: deps.ws }, tickId, nowMs, deps.untracked);
  } catch (e) {
    deps.log?.warn({ err: e }, 'untracked-change sweep failed; the next periodic tick tries again');
    return undefined;
  }
}
