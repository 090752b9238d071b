// The first ticks of a new installation judge its history before going on as usual: a backfill
// slice a tick, sharing the tick's bound on first reads with its catch-up and judging for a
// shorter time than a backfill run does, until no past deployment is left without a verdict; a
// watermark then says the history is done, and later ticks pay nothing for it.

import { FIRST_READS_PER_TICK } from '../tick/catch-up.js';
import type { Discovery } from '../tick/discover.js';
import { writeWatermarks } from '../tick/result-rows.js';
import type { TickDeps } from '../tick/types.js';
import { backfillSlice } from './run-backfill.js';

/** Set once a new installation's history has been judged. */
export const BACKFILL_DONE_MARK = 'backfill_done_ms';
/** Judging time a tick gives its backfill slice: the tick's own work has the rest of its minute. */
export const TICK_JUDGING_BUDGET_MS = 12_000;

export interface BackfillStep {
  /** The discovery without the deployments the slice judged. */
  readonly found: Discovery;
  /** First reads left for the tick's own catch-up. */
  readonly firstReadsLeft: number;
  readonly judged: number;
}

export async function backfillStep(deps: TickDeps, found: Discovery, nowMs: number): Promise<BackfillStep> {
  const limit = deps.firstReadsPerTick ?? FIRST_READS_PER_TICK;
  if (!deps.backfillDays || found.marks.has(BACKFILL_DONE_MARK)) return { found, firstReadsLeft: limit, judged: 0 };
  const slice = await backfillSlice(
    {
      wh: deps.wh,
      policy: deps.policy,
      policies: deps.policies,
      firstReadsPerSlice: Number.isFinite(limit) ? Math.max(1, Math.floor(limit / 2)) : limit,
      judgingBudgetMs: TICK_JUDGING_BUDGET_MS,
    },
    nowMs,
    deps.backfillDays,
    { auditTail: found.auditTail, marks: found.marks },
  );
  found.errors.push(...slice.errors);
  if (slice.remaining === 0) await writeWatermarks(deps.wh, { [BACKFILL_DONE_MARK]: nowMs }, nowMs);
  const judged = new Set(slice.judged.map((j) => j.deploymentId));
  if (judged.size === 0) return { found, firstReadsLeft: limit, judged: 0 };
  const keep = (a: Discovery['active'][number]) => !judged.has(a.deployment.deploymentId);
  return {
    // The slice appended to the audit log: the tick reads the head again rather than chain on a stale one.
    found: { ...found, active: found.active.filter(keep), due: found.due.filter(keep), auditTail: undefined },
    firstReadsLeft: Number.isFinite(limit) ? Math.max(1, limit - slice.firstReads) : limit,
    judged: judged.size,
  };
}
