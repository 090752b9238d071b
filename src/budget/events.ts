// SLI events from evidence. Discrete events are runs and expectation evaluations; freshness is
// dense: every minute is an event, bad when a target table is older than its SLA. Each bad event
// is attributed to the deployment that was live when it happened.

import type { ExpectationRecord, RunRecord } from '../types.js';

export interface DiscreteEvent {
  readonly atMs: number;
  readonly good: boolean;
  /** Deployment live at the time; 'platform' for infrastructure failures; null before any known deployment. */
  readonly deploymentId: string | null;
}

export interface Interval {
  readonly fromMs: number;
  readonly toMs: number;
  readonly deploymentId: string | null;
}

/** Deployments of the subject's bundle in time order: each is live from its finish until the next. */
export type Timeline = ReadonlyArray<{ readonly deploymentId: string; readonly fromMs: number }>;

export function liveAt(timeline: Timeline, atMs: number): string | null {
  let id: string | null = null;
  for (const t of timeline) {
    if (t.fromMs <= atMs) id = t.deploymentId;
    else break;
  }
  return id;
}

/** Finished runs: success is good; failures and timeouts are bad (cancelled and skipped runs are not events). */
export function runEvents(runs: readonly RunRecord[], timeline: Timeline): DiscreteEvent[] {
  const out: DiscreteEvent[] = [];
  for (const r of runs) {
    if (r.endMs === null) continue;
    const good = r.result === 'SUCCESS';
    if (!good && r.result !== 'FAILED' && r.result !== 'TIMED_OUT') continue;
    out.push({
      atMs: r.endMs,
      good,
      deploymentId: !good && r.cause === 'infrastructure' ? 'platform' : liveAt(timeline, r.startMs),
    });
  }
  return out.sort((a, b) => a.atMs - b.atMs);
}

export function expectationEvents(records: readonly ExpectationRecord[], timeline: Timeline): DiscreteEvent[] {
  return records
    .map((e) => ({ atMs: e.timestampMs, good: e.outcome === 'pass', deploymentId: liveAt(timeline, e.timestampMs) }))
    .sort((a, b) => a.atMs - b.atMs);
}

export function countEvents(
  events: readonly DiscreteEvent[],
  fromMs: number,
  toMs: number,
): { good: number; total: number } {
  let good = 0;
  let total = 0;
  for (const e of events) {
    if (e.atMs <= fromMs || e.atMs > toMs) continue;
    total++;
    if (e.good) good++;
  }
  return { good, total };
}

/** Median gap between successive writes, or null with fewer than two. */
export function typicalGapMs(timesMs: readonly number[]): number | null {
  const t = [...timesMs].sort((a, b) => a - b);
  const gaps = t
    .slice(1)
    .map((x, i) => x - t[i]!)
    .filter((g) => g > 0)
    .sort((a, b) => a - b);
  if (gaps.length === 0) return null;
  const m = gaps.length >> 1;
  return gaps.length % 2 ? gaps[m]! : (gaps[m - 1]! + gaps[m]!) / 2;
}

export interface Staleness {
  /** Stale periods, merged across tables and split at deployment boundaries. */
  readonly intervals: readonly Interval[];
  /** From when the tables' freshness is known (their first write in the lookback). */
  readonly coveredFromMs: number;
  readonly maxAgeMsByTable: Readonly<Record<string, number>>;
}

/**
 * Stale minutes of a subject: a table is stale from its last write + max age until its next
 * write (or now); the subject is stale while any of its tables is. Null when no table has
 * enough writes to know its freshness.
 */
export function staleness(
  writesByTable: ReadonlyMap<string, readonly number[]>,
  sla: { readonly maxAgeMs: number | null; readonly cadenceMultiple: number },
  timeline: Timeline,
  fromMs: number,
  nowMs: number,
): Staleness | null {
  const raw: Array<{ fromMs: number; toMs: number }> = [];
  const maxAges: Record<string, number> = {};
  let covered = Infinity;
  for (const [table, times] of writesByTable) {
    const t = times.filter((x) => x <= nowMs).sort((a, b) => a - b);
    const gap = typicalGapMs(t);
    const maxAge = sla.maxAgeMs ?? (gap === null ? null : gap * sla.cadenceMultiple);
    if (maxAge === null || t.length === 0) continue;
    maxAges[table] = maxAge;
    covered = Math.min(covered, Math.max(fromMs, t[0]!));
    t.forEach((w, i) => {
      const next = i + 1 < t.length ? t[i + 1]! : nowMs;
      if (next > w + maxAge) raw.push({ fromMs: w + maxAge, toMs: next });
    });
  }
  if (!Number.isFinite(covered)) return null;
  const merged: Array<{ fromMs: number; toMs: number }> = [];
  for (const r of raw
    .map((x) => ({ fromMs: Math.max(x.fromMs, covered), toMs: Math.min(x.toMs, nowMs) }))
    .filter((x) => x.toMs > x.fromMs)
    .sort((a, b) => a.fromMs - b.fromMs)) {
    const last = merged[merged.length - 1];
    if (last && r.fromMs <= last.toMs) last.toMs = Math.max(last.toMs, r.toMs);
    else merged.push({ ...r });
  }
  return { intervals: merged.flatMap((m) => splitAt(m, timeline)), coveredFromMs: covered, maxAgeMsByTable: maxAges };
}

function splitAt(iv: { fromMs: number; toMs: number }, timeline: Timeline): Interval[] {
  const cuts = timeline.map((t) => t.fromMs).filter((c) => c > iv.fromMs && c < iv.toMs);
  const points = [iv.fromMs, ...cuts, iv.toMs];
  return points.slice(1).map((to, i) => ({ fromMs: points[i]!, toMs: to, deploymentId: liveAt(timeline, points[i]!) }));
}

/** Good and total minutes in (fromMs, toMs], counting only the covered part. */
export function countMinutes(s: Staleness, fromMs: number, toMs: number): { good: number; total: number } {
  const from = Math.max(fromMs, s.coveredFromMs);
  if (toMs <= from) return { good: 0, total: 0 };
  let badMs = 0;
  for (const iv of s.intervals) badMs += Math.max(0, Math.min(iv.toMs, toMs) - Math.max(iv.fromMs, from));
  const total = (toMs - from) / 60_000;
  return { good: total - badMs / 60_000, total };
}
