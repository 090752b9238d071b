// Judges one deployment: every check on every subject it touched, then the control group,
// dry-run and expected-change annotations. Pure: evidence and policy in, results out.

import type { CheckResult, RunRecord, TableWrite } from '../types.js';
import { applyControlGroup, peerMoves } from './control-group.js';
import { postRuns, postWindow, type DeploymentEvidence } from './evidence.js';
import { checkFreshness } from './freshness.js';
import type { Policy } from './policy.js';
import { measurementError } from './result.js';
import { checkRowCount } from './row-count.js';
import { checkRunHealth } from './run-health.js';
import { medianGapMs } from './slots.js';

const DAY = 86_400_000;

function nextRunEstimate(runs: readonly RunRecord[], nowMs: number): number | null {
  const starts = runs.map((r) => r.startMs).sort((a, b) => a - b);
  const gap = medianGapMs(starts.slice(-30));
  if (gap === null || gap <= 0) return null;
  let next = starts[starts.length - 1]! + gap;
  while (next < nowMs) next += gap;
  return next;
}

export function judgeDeployment(ev: DeploymentEvidence, policy: Policy, nowMs: number): CheckResult[] {
  const { fromMs, toMs } = postWindow(ev, nowMs);
  const results: CheckResult[] = [];
  for (const s of ev.subjects) {
    const post = postRuns(s.runs, fromMs, toMs);
    const done = post.filter((r) => r.result !== 'RUNNING').length;
    const subjectErrors = ev.errors.filter((e) => e.subject === `${s.subject.type}:${s.subject.id}` || s.subject.targetTables.some((t) => e.subject === `table:${t}`));
    const runsError = subjectErrors.find((e) => e.kind === 'runs');
    results.push(
      runsError
        ? measurementError('run_health', `${s.subject.type}:${s.subject.id}`, done, policy.critical.run_health, runsError.message)
        : checkRunHealth(s.subject, post, policy, nowMs, nextRunEstimate(s.runs, nowMs)),
    );
    const postIds = new Set(post.map((r) => r.runId));
    const straddling = new Set(s.runs.filter((r) => r.startMs < fromMs && (r.endMs === null || r.endMs > fromMs)).map((r) => r.runId));
    for (const table of s.subject.targetTables) {
      const writesError = subjectErrors.find((e) => e.subject === `table:${table}`);
      if (writesError) {
        results.push(measurementError('row_count', `table:${table}`, done, policy.critical.row_count, writesError.message));
        results.push(measurementError('freshness', `table:${table}`, done, policy.critical.freshness, writesError.message));
        continue;
      }
      const writes = s.writes.filter((w) => w.table === table);
      const isPost = (w: TableWrite) => (w.runId !== null ? postIds.has(w.runId) : w.timestampMs >= fromMs && w.timestampMs < toMs);
      const baseline = writes.filter(
        (w) => w.timestampMs < fromMs && w.timestampMs >= fromMs - policy.baselineDays * DAY && !(w.runId !== null && straddling.has(w.runId)),
      );
      const postWrites = writes.filter(isPost).sort((a, b) => a.timestampMs - b.timestampMs);
      results.push(checkRowCount(table, baseline, postWrites, policy, nowMs, ev.deployment.expectedChanges.includes('row_count')));
      results.push(checkFreshness(table, writes.filter((w) => w.timestampMs < toMs || toMs === nowMs), fromMs, policy, toMs, done));
    }
  }
  const sourcesOf = new Map<string, readonly string[]>(ev.subjects.flatMap((s) => s.subject.targetTables.map((t): [string, readonly string[]] => [`table:${t}`, s.subject.sourceTables])));
  return results.map((r) => {
    // Peers are compared over the same period as the evidence that raised the concern.
    const concern = r.check === 'row_count' && (r.status === 'FAIL' || r.status === 'WARN');
    const moves = concern ? peerMoves(ev.peers, fromMs, Math.min(toMs, r.decidedAtMs ?? toMs), policy) : [];
    let out = applyControlGroup(r, moves, ev.peers.length, policy, sourcesOf.get(r.subject) ?? []);
    if (policy.dryRun[out.check] && !out.suppressedBy && (out.status === 'FAIL' || out.status === 'WARN')) out = { ...out, suppressedBy: 'dry-run' };
    if (ev.deployment.expectedChanges.includes(out.check) && !out.suppressedBy && out.status === 'FAIL') out = { ...out, suppressedBy: 'expected change' };
    return out;
  });
}
