// A past deployment judged as a live tick would have judged it then. The evidence read today holds
// what came after the deployment's verdict window too, and runs that had not ended yet at the time:
// it is cut back to what was visible at each moment, and the deployment judged at the moments a
// live verifier would have looked (a minute after each of its post-deploy runs ended, and when its
// window closed), until a verdict is final. Pure: evidence, policy and times in, a verdict out.

import type { DeploymentEvidence, SubjectEvidence } from '../checks/evidence.js';
import { judgeDeployment } from '../checks/judge.js';
import type { Policy } from '../checks/policy.js';
import { decideVerdict } from '../checks/verdict.js';
import type { CheckResult, RunRecord, Verdict } from '../types.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;

/** What a past deployment needs to be judged: when it finished and when a newer one took over. */
export interface PastDeployment {
  readonly finishedMs: number;
  readonly supersededAtMs: number | null;
}

/**
 * When the deployment's verdict window closed: a newer deployment took over, or the window's
 * maximum passed (a tick a minute later finds it closed). Before this, history is the live tick's.
 */
export function windowCloseMs(d: PastDeployment, policy: Pick<Policy, 'window'>): number {
  const maxMs = d.finishedMs + policy.window.maxHours * HOUR + MINUTE;
  return Math.min(d.supersededAtMs ?? Infinity, maxMs);
}

/** A run as it stood at `atMs`: not started yet (null), still running, or as it ended. */
function runAsOf(r: RunRecord, atMs: number): RunRecord | null {
  if (r.startMs > atMs) return null;
  if (r.endMs !== null && r.endMs <= atMs) return r;
  return { ...r, endMs: null, result: 'RUNNING', rawResult: null, cause: 'user', failedTasks: [] };
}

function subjectAsOf(s: SubjectEvidence, atMs: number): SubjectEvidence {
  return {
    subject: s.subject,
    runs: s.runs.map((r) => runAsOf(r, atMs)).filter((r): r is RunRecord => r !== null),
    writes: s.writes.filter((w) => w.timestampMs <= atMs),
    expectations: s.expectations.filter((e) => e.timestampMs <= atMs),
    backlog: s.backlog.filter((b) => b.timestampMs <= atMs),
  };
}

/** The evidence as a tick at `atMs` would have read it. */
export function evidenceAsOf(ev: DeploymentEvidence, atMs: number): DeploymentEvidence {
  const superseded = ev.supersededAtMs !== null && ev.supersededAtMs <= atMs ? ev.supersededAtMs : null;
  return {
    ...ev,
    supersededAtMs: superseded,
    subjects: ev.subjects.map((s) => subjectAsOf(s, atMs)),
    peers: ev.peers.map((s) => subjectAsOf(s, atMs)),
    ...(ev.upstreamWrites ? { upstreamWrites: ev.upstreamWrites.filter((w) => w.timestampMs <= atMs) } : {}),
  };
}

/**
 * The moments a live verifier would have judged the deployment: the minute after each post-deploy
 * run of its jobs and pipelines ended, within its window, and the window's close, in order.
 */
export function lookTimes(ev: DeploymentEvidence, closeMs: number): number[] {
  const fromMs = ev.deployment.finishedMs;
  const times = new Set<number>();
  for (const s of ev.subjects) {
    for (const r of s.runs) {
      if (r.startMs < fromMs || r.startMs >= closeMs || r.endMs === null) continue;
      const at = (Math.floor(r.endMs / MINUTE) + 1) * MINUTE;
      if (at < closeMs) times.add(at);
    }
  }
  return [...times, closeMs].sort((a, b) => a - b);
}

export interface PastVerdict {
  readonly verdict: Verdict;
  readonly results: readonly CheckResult[];
  /** The moment the verdict was reached. */
  readonly atMs: number;
}

/**
 * The first final verdict over the deployment's look times, as a live verifier reaches it; at the
 * window's close every verdict is final. `checks` is the judgement (its policy and expected
 * changes applied by the caller).
 */
export function pastVerdict(
  ev: DeploymentEvidence,
  policy: Policy,
  closeMs: number,
  checks: (ev: DeploymentEvidence, atMs: number) => readonly CheckResult[] = (e, at) => judgeDeployment(e, policy, at),
): PastVerdict {
  let last: PastVerdict | null = null;
  for (const at of lookTimes(ev, closeMs)) {
    const seen = evidenceAsOf(ev, at);
    const results = checks(seen, at);
    const verdict = decideVerdict(seen, results, policy, at);
    last = { verdict, results, atMs: at };
    if (verdict.final) return last;
  }
  // lookTimes always ends with the close; a verdict still open there stays open (it never is).
  return last!;
}
