// Which open deployments a tick judges: pure, from what discovery found. A deployment is judged
// when it is new, carried over from a tick that ran out of time, superseded, due a time-based
// recheck, unjudged in the hour's last quarter, or touched by new evidence of its runs.

import type { ActiveDeployment } from './open.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/**
 * Error budgets keep one row per subject and clock hour, and a table's staleness grows with no
 * event to report it: a deployment not judged during an hour is judged in the hour's last quarter.
 */
export const HOURLY_FROM_MS = 45 * MINUTE;

/** What the tick found new, by deployment and subject. */
export interface DueContext {
  readonly nowMs: number;
  /** Deployments a tick that ran out of budget left to this one. */
  readonly carried: ReadonlySet<string>;
  /** Deployments whose post-deploy runs the slow plane holds and the fast plane never saw. */
  readonly slowPending: ReadonlySet<string>;
  /** Subjects with a run that ended, or a flow commit, since the last tick. */
  readonly touched: ReadonlySet<string>;
  /** Whether a run of one of its resources started under an SLA since the deployment was last judged. */
  readonly startedSince: (a: ActiveDeployment) => boolean;
}

export function isDue(a: ActiveDeployment, c: DueContext): boolean {
  const id = a.deployment.deploymentId;
  if (c.carried.has(id) || a.verdictState === null || a.supersededAtMs !== null || a.judgedAtMs === null) return true;
  if (c.nowMs % HOUR >= HOURLY_FROM_MS && Math.floor(a.judgedAtMs / HOUR) < Math.floor(c.nowMs / HOUR)) return true;
  if (a.recheckAtMs !== null && a.recheckAtMs <= c.nowMs) return true;
  // A verdict final but for its cost waits on billing, hours late and landing by the hour: a run
  // that just ended cannot decide it. Judged on the hour (or at its recheck), it stays out of the
  // minutes its subjects run in: pipelines updating every 15 minutes had it judged most ticks.
  if (a.costWatched) return false;
  return c.slowPending.has(id) || a.deployment.resources.some((r) => c.touched.has(r.id)) || c.startedSince(a);
}
