// One tick: discover -> gather -> judge -> decide -> apply, each a step of its own module. The
// core in the middle (judge, decide) is pure; everything around it goes through the Warehouse and
// Workspace ports. Which reads of a step overlap is said in that step's table of reads.

import { backfillStep } from '../backfill/tick-step.js';
import { sweepUntracked, type UntrackedSweepSummary } from '../untracked/sweep.js';
import { apply } from './apply.js';
import { catchUp } from './catch-up.js';
import { decide } from './decide.js';
import { discover } from './discover.js';
import { gather } from './gather.js';
import { exportTickSpans, startMeter, summarize, writeHeartbeat } from './heartbeat.js';
import { judge } from './judge.js';
import type { TickDeps, TickSummary } from './types.js';

export type { TickDeps, TickSummary } from './types.js';

export async function runTick(deps: TickDeps, nowMs: number, wallClock: () => number = Date.now): Promise<TickSummary> {
  const meter = startMeter(deps, wallClock);
  const tickId = `tick-${nowMs}`;
  // What is under verification, what is new since the last tick, and so which deployments are due.
  // Catching up (a first tick, or one after an outage), only a slice of the deployments without a verdict.
  // A new installation first judges its history, a slice a tick, within the same bound on first reads.
  const backfilled = await backfillStep(deps, await discover(deps, nowMs), nowMs);
  const found = await catchUp({ ...deps, firstReadsPerTick: backfilled.firstReadsLeft }, backfilled.found, nowMs);
  // Their evidence, one statement per kind for all of them; the caches are topped up on the way.
  const gathered = await gather(deps, found, nowMs);
  // Every check, under each bundle's own policy; the control group only where volume fails.
  const judged = await judge(deps, gathered, nowMs);
  // Verdicts from the check results, and which of them changed.
  const decided = decide(deps, found.due, judged, nowMs);
  // Audit, verdicts, budgets and the run cache written; rollbacks when there can be work for them.
  const applied = await apply(deps, { tickId, nowMs, found, gathered, judged, decided });
  // Changes no deployment explains, read from the slow plane, hours late: a periodic duty.
  const untracked = found.periodic ? await untrackedStep(deps, tickId, nowMs) : undefined;
  deps.onDecided?.();
  const summary = {
    ...summarize(deps, meter, { tickId, nowMs, found, judged, decided, applied }),
    ...(untracked ? { untracked } : {}),
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
