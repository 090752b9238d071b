// Run health: a post-deploy run that failed, timed out or was cancelled because of what was
// deployed fails the deploy at once. Platform failures (cloud, internal errors) are not the
// deploy's fault: they warn until a later run succeeds.

import type { CheckResult, RunRecord, Subject } from '../types.js';
import { clock } from './format.js';
import type { Policy } from './policy.js';
import { checkResult } from './result.js';

const BAD = new Set(['FAILED', 'TIMED_OUT', 'CANCELED']);

export function checkRunHealth(
  subject: Subject,
  post: readonly RunRecord[],
  policy: Policy,
  nowMs: number,
  nextRunMs: number | null,
): CheckResult {
  const subjectKey = `${subject.type}:${subject.id}`;
  const done = post.filter((r) => r.result !== 'RUNNING');
  const base = {
    check: 'run_health' as const,
    subject: subjectKey,
    look: done.length,
    critical: policy.critical.run_health,
    postN: done.length,
  };
  const newest = post.reduce((m, r) => Math.max(m, r.endMs ?? r.startMs), 0);
  const ageS = newest > 0 ? (nowMs - newest) / 1000 : null;

  const unknown = done.find((r) => r.result === 'UNKNOWN');
  if (unknown) {
    return checkResult({
      ...base,
      status: 'ERROR',
      plane: unknown.plane,
      evidenceAgeS: ageS,
      explanation: `could not read the outcome of run ${unknown.runId}: unknown result state '${unknown.rawResult ?? 'NULL'}'`,
    });
  }
  const userFailures = done.filter((r) => BAD.has(r.result) && r.cause !== 'infrastructure');
  if (userFailures.length > 0) {
    const f = userFailures[0]!;
    const where = f.failedTasks.length ? ` in task ${f.failedTasks.join(', ')}` : '';
    const word = f.result === 'TIMED_OUT' ? 'timed out' : f.result === 'CANCELED' ? 'was cancelled' : 'failed';
    return checkResult({
      ...base,
      status: 'FAIL',
      observed: userFailures.length,
      effect: userFailures.length / done.length,
      plane: f.plane,
      evidenceAgeS: ageS,
      explanation: `${userFailures.length} of ${done.length} post-deploy runs of ${subject.name} ${userFailures.length > 1 ? 'did not succeed' : word}; run ${f.runId} ${word}${where} (${f.rawResult ?? f.result}) at ${clock(f.endMs ?? f.startMs)}`,
    });
  }
  const infra = done.filter((r) => BAD.has(r.result));
  const ok = done.filter((r) => r.result === 'SUCCESS' || r.result === 'SKIPPED');
  if (ok.length === 0) {
    const next = nextRunMs !== null ? `; next run expected ${clock(nextRunMs)}` : '';
    const why = infra.length
      ? `${infra.length} post-deploy run(s) hit a platform failure (${infra[0]!.rawResult}), not counted against the deploy`
      : `no post-deploy run of ${subject.name} has finished yet`;
    return checkResult({
      ...base,
      status: infra.length ? 'WARN' : 'INCONCLUSIVE',
      evidenceAgeS: ageS,
      explanation: `${why}${next}`,
    });
  }
  // A platform failure is not the deploy's fault; once a later run succeeded it is history.
  const latest = done.reduce((a, b) => ((b.endMs ?? b.startMs) > (a.endMs ?? a.startMs) ? b : a));
  const pending = BAD.has(latest.result);
  return checkResult({
    ...base,
    status: pending ? 'WARN' : 'PASS',
    observed: 0,
    plane: ok[ok.length - 1]!.plane,
    evidenceAgeS: ageS,
    explanation: infra.length
      ? `${ok.length} post-deploy runs of ${subject.name} succeeded; ${infra.length} hit a platform failure (${infra[0]!.rawResult}) that is not the deploy's fault${pending ? ', the latest one among them; waiting for the next run' : ''}`
      : `all ${ok.length} post-deploy runs of ${subject.name} succeeded`,
  });
}
