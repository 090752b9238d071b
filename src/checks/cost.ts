// What a deployment's runs cost (system.billing.usage), against the same slot before the deploy,
// with duration's statistics: DBUs per job run or pipeline update on the log scale, weekday levels taken out, the
// baseline's own noise and small-sample widening (duration-score.ts). Two up-only sequential
// tests decide: one between no rise and the warning rise, one between the warning rise and the
// failing rise, so a failure says the runs sit nearer the failing rise than the warning one.
// Billing lags by hours: until a post-deploy run is billed the check is INCONCLUSIVE and says so.

import type { CheckResult, RunCost, RunRecord, Subject } from '../types.js';
import type { SettingsChange } from './config-facts.js';
import { computeChanges } from './cost-config.js';
import { durationModel, scoreDurations, type TimedRun } from './duration-score.js';
import { duration, num } from './format.js';
import { kMaxFor, type Policy } from './policy.js';
import { checkResult } from './result.js';
import { runSequential } from './sequential.js';
import { baselineWords, medianGapMs } from './slots.js';

/** How long after its hour a usage record may take to show ("typically within 12 hours"). */
export const BILLING_LAG_MS = 12 * 3_600_000;

export interface CostEvidence {
  readonly subject: Subject;
  /** Billed successful runs before the deploy, in the baseline window. */
  readonly baseline: readonly RunCost[];
  /** Billed successful runs after the deploy. */
  readonly post: readonly RunCost[];
  /** End times of the finished post-deploy runs not billed yet. */
  readonly unbilledEndMs: readonly number[];
  /** The subject's settings before and after the deploy, where known. */
  readonly settings?: SettingsChange;
}

/** Dollars for people: cents under $10, whole dollars above. */
export function dollars(x: number): string {
  return x < 10 ? `$${x.toFixed(2)}` : `$${Math.round(x).toLocaleString('en-US')}`;
}

function times(ratio: number): string {
  return `×${ratio.toFixed(ratio < 10 ? 1 : 0)}`;
}

/** A policy level as set: ×1.25, ×2. */
function level(ratio: number): string {
  return `×${Number(ratio.toFixed(2))}`;
}

/** A billed run as the duration statistics take it: its DBUs in place of seconds. */
function asTimed(c: RunCost): TimedRun {
  const run: RunRecord = {
    subjectId: c.subjectId,
    runId: c.runId,
    startMs: c.usageFromMs,
    endMs: c.billedToMs,
    result: 'SUCCESS',
    rawResult: null,
    cause: 'unknown',
    failedTasks: [],
    plane: 'slow',
  };
  return { timestampMs: c.usageFromMs, run, seconds: c.dbus };
}

/** USD per DBU over runs that are all priced; null otherwise. */
function pricePerDbu(costs: readonly RunCost[]): number | null {
  if (costs.length === 0 || costs.some((c) => c.dollars === null)) return null;
  const dbus = costs.reduce((a, c) => a + c.dbus, 0);
  return dbus > 0 ? costs.reduce((a, c) => a + c.dollars!, 0) / dbus : null;
}

export function checkCost(ev: CostEvidence, policy: Policy, nowMs: number): CheckResult {
  const { subject } = ev;
  const name = subject.name;
  // A pipeline's runs are its updates (usage_metadata.dlt_update_id), and its people call them so.
  const run = subject.type === 'pipeline' ? 'update' : 'run';
  const post = [...ev.post].sort((a, b) => a.usageFromMs - b.usageFromMs);
  const look = post.length;
  const newest = [...ev.baseline, ...post].reduce((m, c) => Math.max(m, c.billedToMs), 0);
  const base = {
    check: 'cost' as const,
    subject: `${subject.type}:${subject.id}`,
    look,
    critical: policy.critical.cost,
    postN: look,
    plane: 'slow' as const,
    evidenceAgeS: newest ? Math.max(0, (nowMs - newest) / 1000) : null,
  };
  const fresh = newest ? `billing data up to ${duration(Math.max(0, nowMs - newest))} old` : 'no billing data yet';
  const broken = [...ev.baseline, ...post].find((c) => !(c.dbus > 0) || !Number.isFinite(c.usageFromMs));
  if (broken) {
    return checkResult({
      ...base,
      status: 'ERROR',
      explanation: `could not measure the cost of ${run} ${broken.runId} of ${name}: ${broken.dbus} DBUs from ${broken.usageFromMs} do not give a positive cost`,
    });
  }
  if (look === 0) {
    const waiting = ev.unbilledEndMs.length;
    const due = waiting ? Math.min(...ev.unbilledEndMs) + BILLING_LAG_MS : null;
    return checkResult({
      ...base,
      status: 'INCONCLUSIVE',
      baselineN: ev.baseline.length,
      ...(due !== null && due > nowMs ? { recheckAtMs: due } : {}),
      explanation: waiting
        ? `${waiting} post-deploy ${run}(s) of ${name} not billed yet (system.billing.usage shows usage up to 12 hours late; ${fresh}); decides once they are`
        : `no successful post-deploy ${run} of ${name} has finished yet; its cost decides once one is billed`,
    });
  }

  const history = ev.baseline.map(asTimed).sort((a, b) => a.timestampMs - b.timestampMs);
  const cadence = medianGapMs(history.map((h) => h.timestampMs));
  const model = durationModel(history, cadence, policy);
  const scores = scoreDurations(history, post.map(asTimed), model, policy);
  const last = scores[scores.length - 1]!;
  if (last.baselineN < policy.minBaseline) {
    return checkResult({
      ...base,
      status: 'INCONCLUSIVE',
      observed: last.item.seconds,
      baselineN: last.baselineN,
      explanation: `only ${last.baselineN} billed ${run}s of ${name} to compare with before the deploy (need ${policy.minBaseline}); not enough history to judge its cost (${fresh})`,
    });
  }
  const scored = scores.filter((s) => s.baselineN >= policy.minBaseline);
  const widen = Math.sqrt(model.noise.designEffect(scored.length));
  const residuals = scored.map((s) => ({ r: s.r, sigma: s.sigma * widen }));
  const { warnRatio, failRatio } = policy.cost;
  const warnTest = runSequential(residuals, warnRatio - 1, policy.alpha, policy.beta, ['up']);
  const failTest = runSequential(
    residuals.map((x) => ({ ...x, r: x.r - Math.log(warnRatio) })),
    failRatio / warnRatio - 1,
    policy.alpha,
    policy.beta,
    ['up'],
  );
  const ratio = Math.exp(scored.reduce((a, s) => a + s.r, 0) / scored.length);
  const observed = scored.reduce((a, s) => a + s.item.seconds, 0) / scored.length;
  const baselineDbus = observed / ratio;
  const beforePrice = pricePerDbu(ev.baseline);
  const afterPrice = pricePerDbu(scored.map((s) => post.find((c) => c.runId === s.item.run.runId)!));
  const money =
    beforePrice !== null && afterPrice !== null
      ? ` (${dollars(baselineDbus * beforePrice)} → ${dollars(observed * afterPrice)} per ${run})`
      : '';
  const changes = computeChanges(ev.settings);
  const because = changes.length ? `${changes.join(', ')} in this deployment; ` : `${name}: `;
  const runsWord = `over ${scored.length} billed post-deploy ${run}(s) against ${baselineWords(last, model.levels.any ? 'weekday levels taken out' : '')}`;
  const stats = {
    observed,
    baselineN: last.baselineN,
    baselineCenter: baselineDbus,
    baselineSpread: last.spread,
    effect: ratio,
    pValue: null,
  };
  const rise = `DBUs per ${run} ${times(ratio)}${money}`;
  if (failTest.regression && ratio >= warnRatio) {
    // A critical cost check rolls back only on a baseline large enough to roll back on.
    const eligible = !policy.critical.cost || last.baselineN >= policy.minBaselineForRollback;
    return checkResult({
      ...base,
      ...stats,
      status: eligible ? 'FAIL' : 'WARN',
      statistic: failTest.llrUp,
      threshold: failRatio,
      explanation: `${because}${rise} ${runsWord}, nearer ${level(failRatio)} than ${level(warnRatio)} (LLR ${num(failTest.llrUp)} ≥ ${num(failTest.upper)}; ${fresh})${eligible ? '' : `; baseline under ${policy.minBaselineForRollback} ${run}s, so no automatic rollback`}`,
    });
  }
  if (warnTest.regression && ratio >= 1 + (warnRatio - 1) / 2) {
    return checkResult({
      ...base,
      ...stats,
      status: 'WARN',
      statistic: warnTest.llrUp,
      threshold: warnRatio,
      explanation: `${because}${rise} ${runsWord}, a rise of ${level(warnRatio)} or more (LLR ${num(warnTest.llrUp)} ≥ ${num(warnTest.upper)}; ${fresh}); watching the next ${run}s`,
    });
  }
  if (warnTest.clearedUp) {
    return checkResult({
      ...base,
      ...stats,
      status: 'PASS',
      statistic: warnTest.llrUp,
      threshold: warnRatio,
      explanation: `${name} burns ${rise} ${runsWord}, in line with before the deploy (${fresh})`,
    });
  }
  const done = scored.length >= kMaxFor(policy, cadence);
  return checkResult({
    ...base,
    ...stats,
    status: 'INCONCLUSIVE',
    statistic: warnTest.llrUp,
    threshold: warnRatio,
    explanation: `${because}${rise} ${runsWord}; ${done ? 'neither clearly more nor clearly the same, released from watch' : `not decided yet, re-check after ${run} ${look + 1}`} (${fresh})`,
  });
}
