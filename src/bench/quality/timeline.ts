// One deployment episode as a timeline of evidence, and what a tick at a given minute would see
// of it: runs that have started (still RUNNING when not over yet) and every write, expectation
// and backlog sample recorded so far.

import type { DeploymentEvidence, SubjectEvidence } from '../../checks/evidence.js';
import type { StatedSlas } from '../../checks/stated-slas.js';
import type { BacklogSample, Deployment, ExpectationRecord, RunRecord, Subject, TableWrite } from '../../types.js';

export interface SubjectTimeline {
  readonly subject: Subject;
  /** Final state of every run, sorted by start. */
  readonly runs: readonly RunRecord[];
  /** How each run looks while it is still going, by run id. */
  readonly running: ReadonlyMap<string, RunRecord>;
  /** Sorted by timestamp, like the other record lists. */
  readonly writes: readonly TableWrite[];
  readonly expectations: readonly ExpectationRecord[];
  readonly backlog: readonly BacklogSample[];
  /** The limits the deployed settings state, where they state any. */
  readonly stated?: StatedSlas;
}

export interface EpisodeTimeline {
  readonly deployment: Deployment;
  readonly subjects: readonly SubjectTimeline[];
  /** Untouched pipelines reading the same sources; built on first use, as the tick reads them only for a volume anomaly. */
  readonly peers: () => readonly SubjectTimeline[];
  /** Commits into the subjects' source tables, sorted by time; read with the peers. Absent where the source has none to give. */
  readonly upstream?: () => readonly TableWrite[];
}

/** Index of the first element whose key exceeds `atMs` (elements sorted by key). */
function cut<T>(items: readonly T[], atMs: number, key: (t: T) => number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (key(items[mid]!) <= atMs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const byTime = (x: { readonly timestampMs: number }) => x.timestampMs;

export function subjectAt(s: SubjectTimeline, nowMs: number, withRuns = true): SubjectEvidence {
  const runs: RunRecord[] = [];
  if (withRuns) {
    const n = cut(s.runs, nowMs, (r) => r.startMs);
    for (let i = 0; i < n; i++) {
      const r = s.runs[i]!;
      runs.push(r.endMs !== null && r.endMs > nowMs ? (s.running.get(r.runId) ?? r) : r);
    }
  }
  return {
    subject: s.subject,
    runs,
    writes: s.writes.slice(0, cut(s.writes, nowMs, byTime)),
    expectations: s.expectations.slice(0, cut(s.expectations, nowMs, byTime)),
    backlog: s.backlog.slice(0, cut(s.backlog, nowMs, byTime)),
    ...(s.stated ? { stated: s.stated } : {}),
  };
}

/** The evidence a tick at `nowMs` gathers; peers carry writes only, as in the tick. */
export function evidenceAt(tl: EpisodeTimeline, nowMs: number, withPeers: boolean): DeploymentEvidence {
  return {
    deployment: tl.deployment,
    supersededAtMs: null,
    subjects: tl.subjects.map((s) => subjectAt(s, nowMs)),
    errors: [],
    peers: withPeers ? tl.peers().map((p) => ({ ...subjectAt(p, nowMs, false), expectations: [], backlog: [] })) : [],
    ...(withPeers && tl.upstream ? { upstreamWrites: tl.upstream().slice(0, cut(tl.upstream(), nowMs, byTime)) } : {}),
  };
}
