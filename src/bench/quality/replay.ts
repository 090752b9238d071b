// Feeds one episode to the production checks the way the minute tick would meet it: a judgement
// at the first tick after each post-deploy run completes, one at the last tick before it (when
// only the clock has moved, so freshness is at its worst), and one when the window closes.
// Stops at the first final verdict, exactly where the tick stops looking at a deployment.

import { judgeDeployment } from '../../checks/judge.js';
import { materialityFor, type Policy } from '../../checks/policy.js';
import { decideVerdict } from '../../checks/verdict.js';
import type { CheckName, CheckResult, Verdict, VerdictState } from '../../types.js';
import { type EpisodeTimeline, evidenceAt } from './timeline.js';

const MIN = 60_000;
const HOUR = 3_600_000;

export interface EpisodeOutcome {
  readonly state: VerdictState;
  readonly rolledBack: boolean;
  /** Post-deploy runs whose evidence (completion or rows) had been seen when the rollback was decided. */
  readonly delayRuns: number | null;
  /** Post-deploy runs completed when the verdict became final. */
  readonly postRuns: number;
  /** Checks whose actionable failure made the rollback. */
  readonly failedChecks: readonly CheckName[];
  /** The rollback came from a deterministic rule (failed run, zero rows, missed cycle), not a test. */
  readonly hardRule: boolean;
  /** A volume or duration result had a baseline big enough to roll back on at some look. */
  readonly eligible: boolean;
  /** Which of the two it was: the checks whose baseline was big enough to roll back on at some look. */
  readonly eligibleChecks: readonly CheckName[];
  readonly reason: string;
  /** Why an episode neither rolled back nor turned HEALTHY (undecidedCause); null when it did either. */
  readonly undecidedBy: string | null;
  readonly looks: number;
}

const STATISTICAL: ReadonlySet<CheckName> = new Set(['row_count', 'duration']);

/** Judges as run-tick does: the control group is read only once a volume anomaly asks for it. */
export function judgeAt(
  tl: EpisodeTimeline,
  nowMs: number,
  policy: Policy,
): { results: CheckResult[]; verdict: Verdict } {
  let ev = evidenceAt(tl, nowMs, false);
  let results = judgeDeployment(ev, policy, nowMs);
  if (results.some((r) => r.check === 'row_count' && (r.status === 'FAIL' || r.status === 'WARN'))) {
    ev = evidenceAt(tl, nowMs, true);
    results = judgeDeployment(ev, policy, nowMs);
  }
  return { results, verdict: decideVerdict(ev, results, policy, nowMs) };
}

/**
 * Tick instants worth judging at: the first tick after each post-deploy run completes, and the
 * window's close. Between completions only the clock moves, which matters to freshness alone,
 * and only when the run before left a table unwritten; then the last tick before the next
 * completion is judged too, when the table is at its stalest.
 */
export function lookTimes(tl: EpisodeTimeline, policy: Policy): number[] {
  const deployMs = tl.deployment.finishedMs;
  const closeMs = deployMs + policy.window.maxHours * HOUR + MIN;
  const times = new Set<number>();
  for (const s of tl.subjects) {
    const written = new Map<string, number>();
    for (const w of s.writes) if (w.runId !== null) written.set(w.runId, (written.get(w.runId) ?? 0) + 1);
    s.runs.forEach((r, i) => {
      if (r.startMs < deployMs || r.endMs === null) return;
      const prev = s.runs[i - 1];
      const gap =
        s.subject.targetTables.length > 0 &&
        (prev === undefined || (written.get(prev.runId) ?? 0) < s.subject.targetTables.length);
      const before = Math.floor((r.endMs - 1) / MIN) * MIN;
      const after = Math.ceil(r.endMs / MIN) * MIN;
      if (gap && before > deployMs && before < closeMs) times.add(before);
      if (after < closeMs) times.add(after);
    });
  }
  return [...times].sort((a, b) => a - b).concat(closeMs);
}

/** Post-deploy runs that have completed or already reported rows by `atMs`. */
export function runsSeen(tl: EpisodeTimeline, atMs: number): number {
  const deployMs = tl.deployment.finishedMs;
  let n = 0;
  for (const s of tl.subjects) {
    const wrote = new Set(s.writes.filter((w) => w.timestampMs <= atMs && w.runId !== null).map((w) => w.runId));
    for (const r of s.runs)
      if (r.startMs >= deployMs && ((r.endMs !== null && r.endMs <= atMs) || wrote.has(r.runId))) n++;
  }
  return n;
}

export function replayEpisode(tl: EpisodeTimeline, policy: Policy): EpisodeOutcome {
  let verdict: Verdict | null = null;
  let results: CheckResult[] = [];
  const eligibleChecks = new Set<CheckName>();
  let looks = 0;
  let decidedAt = 0;
  const times = lookTimes(tl, policy);
  for (let i = 0; i < times.length; i++) {
    const t = times[i]!;
    ({ results, verdict } = judgeAt(tl, t, policy));
    looks++;
    decidedAt = t;
    for (const r of results)
      if (STATISTICAL.has(r.check) && r.baselineN >= policy.minBaselineForRollback) eligibleChecks.add(r.check);
    if (verdict.final) break;
    // The tick judges a deployment again when its verdict asks to be, also with no new run.
    const due = verdict.recheckAtMs === null ? null : Math.ceil(verdict.recheckAtMs / MIN) * MIN;
    if (due !== null && due > t && due < (times[i + 1] ?? Infinity)) times.splice(i + 1, 0, due);
  }
  const v = verdict!;
  const rolledBack = v.state === 'FAILED';
  const actionable = rolledBack
    ? results.filter((r) => r.status === 'FAIL' && r.critical && r.suppressedBy === null)
    : [];
  const hard = (r: CheckResult) =>
    r.check === 'run_health' || r.check === 'freshness' || (r.check === 'row_count' && r.observed === 0);
  return {
    state: v.state,
    rolledBack,
    delayRuns: rolledBack ? runsSeen(tl, decidedAt) : null,
    postRuns: v.postRuns,
    failedChecks: [...new Set(actionable.map((r) => r.check))],
    hardRule: actionable.length > 0 && actionable.every(hard),
    eligible: eligibleChecks.size > 0,
    eligibleChecks: [...eligibleChecks].sort(),
    reason: v.reason,
    undecidedBy: rolledBack || v.state === 'HEALTHY' ? null : undecidedCause(results, policy),
    looks,
  };
}

/**
 * The rule that kept an episode undecided, from its last results: the first statistical check
 * that did not pass, by what held it back. A baseline under the minimum to score, one under the
 * minimum to roll back on (a concern can only warn), a concern that never became a failure, or
 * a test still undecided when the watch ended.
 */
export function undecidedCause(results: readonly CheckResult[], policy: Policy): string {
  const open = results.filter((r) => r.status !== 'PASS');
  const stat = open.find((r) => STATISTICAL.has(r.check));
  if (!stat) return open.length ? `${open[0]!.check}: ${open[0]!.status}` : 'too few post-deploy runs';
  const concern = stat.status === 'WARN' || stat.status === 'FAIL';
  if (stat.baselineN < policy.minBaseline) return `${stat.check}: baseline under ${policy.minBaseline}`;
  if (concern && stat.baselineN < policy.minBaselineForRollback)
    return `${stat.check}: concern, baseline under ${policy.minBaselineForRollback}`;
  if (concern) return `${stat.check}: concern not confirmed`;
  if (stat.status === 'INCONCLUSIVE') return `${stat.check}: test undecided`;
  return `${stat.check}: ${stat.status}`;
}

/**
 * Whether the volume check's materiality gate was met, with a baseline big enough to roll
 * back on, at some look after at most `withinRuns` post-deploy runs: the pooled post-deploy ratio
 * beyond ±materiality. The spec fails a volume check only then, whatever its test says, so the share
 * of episodes meeting it bounds the recall of any detector that keeps the gate. Every look is
 * taken, none stops at a verdict, and the per-run warning (which reports the last run's ratio
 * rather than the pooled one) is turned off so that each result carries the pooled ratio.
 */
export function volumeGateMetWithin(tl: EpisodeTimeline, policy: Policy, withinRuns: number): boolean {
  const pooledOnly: Policy = { ...policy, warnRel: Infinity };
  for (const t of lookTimes(tl, policy)) {
    if (runsSeen(tl, t) > withinRuns) break;
    const results = judgeDeployment(evidenceAt(tl, t, false), pooledOnly, t);
    const met = results.some(
      (r) =>
        r.check === 'row_count' &&
        r.baselineN >= policy.minBaselineForRollback &&
        r.effect !== null &&
        Math.abs(r.effect - 1) >= materialityFor(policy, r.subject.replace(/^table:/, '')),
    );
    if (met) return true;
  }
  return false;
}
