// When a replay ticks. A verifier ticks every minute; a replay may skip a minute in which nothing
// can change what a tick decides. A tick judges a deployment only when something is new (a row,
// a run's start or end, a deployment, changed settings: all of them "events" here, at the minute
// they became visible), when a time it set itself comes (recheck_at: a table turning stale, an
// SLA crossing, the window closing), or at the clock-aligned quarter hours (the slow-plane ask,
// and the hour's last quarter for error budgets). A replay therefore ticks at every event minute,
// every recheck time, every quarter hour, the minute after any tick that changed something, and
// at the end; `everyMinute` ticks at every minute, as the verifier does. Pure.

const MINUTE = 60_000;
const QUARTER = 15 * MINUTE;

export interface ScheduleInput {
  /** Event minutes, ascending. */
  readonly events: readonly number[];
  /** The earliest open verdict's recheck time after the last tick, if any. */
  readonly recheckMs: number | null;
  /** Whether the last tick changed a verdict or decided a rollback. */
  readonly busy: boolean;
  readonly endMs: number;
  readonly everyMinute: boolean;
}

/** The first event minute after `afterMs` (binary search); Infinity when none. */
function nextEvent(events: readonly number[], afterMs: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (events[mid]! <= afterMs) lo = mid + 1;
    else hi = mid;
  }
  return lo < events.length ? events[lo]! : Infinity;
}

/** The next tick after `afterMs`, or null when the replay is over. */
export function nextTickMs(afterMs: number, s: ScheduleInput): number | null {
  if (afterMs >= s.endMs) return null;
  if (s.everyMinute || s.busy) return Math.min(afterMs + MINUTE, s.endMs);
  const recheck = s.recheckMs !== null && s.recheckMs > afterMs ? Math.ceil(s.recheckMs / MINUTE) * MINUTE : Infinity;
  const quarter = (Math.floor(afterMs / QUARTER) + 1) * QUARTER;
  return Math.min(nextEvent(s.events, afterMs), recheck, quarter, s.endMs);
}
