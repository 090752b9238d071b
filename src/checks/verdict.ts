// The deployment's verdict from its check results: worst actionable result wins.

import type { CheckResult, Verdict } from '../types.js';
import { type DeploymentEvidence, postWindow } from './evidence.js';
import { kMaxFor, type Policy } from './policy.js';
import { medianGapMs } from './slots.js';

/**
 * How long after its window closes a deployment whose checks could not be measured is measured
 * again: an hour inside the tick's look-back (the window and 24 hours), so the last try is seen.
 */
export const ERROR_RETRY_HOURS = 23;
const ERROR_RETRY_MS = 5 * 60_000;

export function decideVerdict(
  ev: DeploymentEvidence,
  results: readonly CheckResult[],
  policy: Policy,
  nowMs: number,
): Verdict {
  const id = ev.deployment.deploymentId;
  const postRuns = results.filter((r) => r.check === 'run_health').reduce((m, r) => Math.max(m, r.look), 0);
  const minPost = results.filter((r) => r.check === 'run_health').reduce((m, r) => Math.min(m, r.look), Infinity);
  const actionable = results.filter((r) => r.status === 'FAIL' && r.critical && r.suppressedBy === null);
  if (actionable.length > 0) {
    return {
      deploymentId: id,
      state: 'FAILED',
      final: true,
      recheckAtMs: null,
      postRuns,
      reason: actionable.map((r) => `${r.check}: ${r.explanation}`).join(' | '),
    };
  }
  const { toMs } = postWindow(ev, nowMs);
  const cadences = ev.subjects.map((s) =>
    medianGapMs(
      s.runs
        .map((r) => r.startMs)
        .sort((a, b) => a - b)
        .slice(-30),
    ),
  );
  const kMax = Math.min(...cadences.map((c) => kMaxFor(policy, c)));
  const timedOut = ev.supersededAtMs !== null || toMs - ev.deployment.finishedMs > policy.window.maxHours * 3_600_000;
  const closed = timedOut || (Number.isFinite(minPost) && minPost >= kMax);
  // Without new evidence only time can change the verdict: a result's own clock, or the window closing.
  const windowCloseMs = ev.deployment.finishedMs + policy.window.maxHours * 3_600_000;
  const recheckAt = results.reduce(
    (m, r) => (r.recheckAtMs !== null && r.recheckAtMs > nowMs ? Math.min(m, r.recheckAtMs) : m),
    windowCloseMs,
  );
  const concerns = results.filter((r) => r.status === 'WARN' || r.status === 'FAIL');
  const errors = results.filter((r) => r.status === 'ERROR');
  // Billing shows what runs cost hours late: a cost check that is no reason to roll back and is
  // still waiting keeps a healthy deployment watched until it decides, without holding HEALTHY back.
  const why = (rs: readonly CheckResult[]) => rs.map((r) => `${r.check}: ${r.explanation}`).join(' | ');
  const costPending = results.filter((r) => r.check === 'cost' && !r.critical && r.status === 'INCONCLUSIVE');
  const undecided = results.filter(
    (r) => (r.status === 'INCONCLUSIVE' && !costPending.includes(r)) || r.status === 'ERROR',
  );
  // Enough runs close the window on every other check, not on cost: a subject running every 15
  // or 30 minutes (most pipelines) has its kMax runs before the first of them is billed. Cost is
  // watched on until it decides, the window's hours pass or a newer deployment takes over.
  const watching = costPending.length > 0 && !timedOut;
  const costWatch = watching
    ? { recheckAtMs: recheckAt, note: `; cost watched until billed: ${why(costPending)}` }
    : null;
  if (concerns.length > 0) {
    return {
      deploymentId: id,
      state: 'DEGRADED',
      final: closed,
      recheckAtMs: closed ? (costWatch?.recheckAtMs ?? null) : recheckAt,
      postRuns,
      reason: `${why(concerns)}${closed ? (costWatch?.note ?? '') : ''}`,
    };
  }
  if (results.length > 0 && undecided.length === 0 && minPost >= policy.window.minRunsHealthy) {
    // Final for CI (wait and the gate go on), with a recheck: the tick still looks at a HEALTHY
    // verdict that has one (tick/open.sql) until the cost check decides or the window closes.
    const passed = results.length - costPending.length;
    return {
      deploymentId: id,
      state: 'HEALTHY',
      final: true,
      recheckAtMs: costWatch?.recheckAtMs ?? null,
      postRuns,
      reason: `all ${passed} checks passed over ${minPost}+ post-deploy runs${costWatch?.note ?? ''}`,
    };
  }
  // A failed measurement says nothing about the deployment: it is measured again (the fault may
  // have passed) for as long as the tick still looks at the deployment, never finalised by it.
  const retryUntilMs = windowCloseMs + ERROR_RETRY_HOURS * 3_600_000;
  if (closed && errors.length > 0 && nowMs < retryUntilMs) {
    return {
      deploymentId: id,
      state: 'VERIFYING',
      final: false,
      recheckAtMs: Math.min(nowMs + ERROR_RETRY_MS, retryUntilMs),
      postRuns,
      reason: `measured again until ${new Date(retryUntilMs).toISOString()}: ${why(errors)}`,
    };
  }
  if (closed) {
    const cause = ev.supersededAtMs !== null ? 'superseded by a newer deployment' : 'verification window closed';
    return {
      deploymentId: id,
      state: 'INCONCLUSIVE',
      final: true,
      recheckAtMs: costWatch?.recheckAtMs ?? null,
      postRuns,
      reason: `${cause} before every check could decide: ${why(undecided.length ? undecided : results)}${costWatch?.note ?? ''}`,
    };
  }
  const waiting = errors.length ? why(errors) : why(undecided.slice(0, 3));
  return {
    deploymentId: id,
    state: 'VERIFYING',
    final: false,
    recheckAtMs: recheckAt,
    postRuns,
    reason: waiting || 'waiting for evidence',
  };
}
