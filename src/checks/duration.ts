// Run duration and the hard SLA (detection spec §4). A run longer than the SLA, or still running
// past it, fails at once. Otherwise successful runs are compared with the same slot before the
// deploy on the log scale: an up-only sequential test, a per-run prediction score for warnings,
// and, once enough independent cycles exist, Mann-Whitney with the Hodges-Lehmann shift.

import { hodgesLehmann, mannWhitneyTest, tSf } from '../stats/index.js';
import type { CheckResult, RunRecord, Subject } from '../types.js';
import {
  baselineResiduals,
  type DurationModel,
  type DurationScore,
  durationModel,
  isSubDaily,
  perCycle,
  scoreDurations,
  type TimedRun,
  timed,
} from './duration-score.js';
import { elapsed, num, pct } from './format.js';
import { kMaxFor, type Policy, slaSecondsFor } from './policy.js';
import { pooledBaselineWorth } from './pooled-baseline.js';
import { checkResult } from './result.js';
import { runSequential, steadyWithin } from './sequential.js';
import { baselineWords, medianGapMs } from './slots.js';

/** Mann-Whitney is reported from this many post-deploy cycles, and decides from policy.duration.mwMinPost. */
const MW_REPORT_FROM = 3;

interface RankTest {
  readonly pValue: number;
  readonly shift: number;
  readonly postCycles: number;
  readonly baseCycles: number;
  readonly decides: boolean;
}

function rankTest(
  history: readonly TimedRun[],
  scored: readonly DurationScore[],
  model: DurationModel,
  policy: Policy,
): RankTest | null {
  const subDaily = isSubDaily(model.cadenceMs);
  const post = perCycle(
    scored.map((s) => ({ timestampMs: s.item.timestampMs, r: s.r })),
    subDaily,
  );
  if (post.length < MW_REPORT_FROM) return null;
  const base = perCycle(baselineResiduals(history, model, policy), subDaily);
  if (base.length < policy.minBaseline) return null;
  const mw = mannWhitneyTest(post, base, { alternative: 'greater', method: 'asymptotic', continuity: true });
  const decides = post.length >= policy.duration.mwMinPost && base.length >= policy.minBaselineForRollback;
  return {
    pValue: mw.pValue,
    shift: Math.exp(hodgesLehmann(post, base)),
    postCycles: post.length,
    baseCycles: base.length,
    decides,
  };
}

/** As judgeDuration, plus when to look again: a running run crosses the hard SLA with no new evidence. */
export function checkDuration(
  subject: Subject,
  baselineRuns: readonly RunRecord[],
  postRuns: readonly RunRecord[],
  policy: Policy,
  nowMs: number,
  slaSeconds: number | null = slaSecondsFor(policy, subject, null),
): CheckResult {
  const result = judgeDuration(subject, baselineRuns, postRuns, policy, nowMs, slaSeconds);
  if (slaSeconds === null || result.status === 'FAIL') return result;
  const crossings = postRuns
    .filter((r) => r.endMs === null || r.result === 'RUNNING')
    .map((r) => r.startMs + slaSeconds * 1000 + 1)
    .filter((t) => t > nowMs);
  return crossings.length ? { ...result, recheckAtMs: Math.min(...crossings) } : result;
}

/**
 * Judges the duration of a job's or pipeline's runs after a deploy. `baselineRuns` are runs that
 * ended before the deploy, `postRuns` those that started after it (any state). The SLA defaults to
 * the policy's entry for the subject id; callers that know the bundle resource key pass it resolved.
 */
function judgeDuration(
  subject: Subject,
  baselineRuns: readonly RunRecord[],
  postRuns: readonly RunRecord[],
  policy: Policy,
  nowMs: number,
  slaSeconds: number | null = slaSecondsFor(policy, subject, null),
): CheckResult {
  const key = `${subject.type}:${subject.id}`;
  const post = timed(postRuns.filter((r) => r.result !== 'SKIPPED'));
  const finished = post.filter((p) => p.run.result !== 'RUNNING' && p.run.endMs !== null);
  const running = post.filter((p) => p.run.result === 'RUNNING' || p.run.endMs === null);
  const look = finished.length;
  const newest = finished.reduce((m, p) => Math.max(m, p.run.endMs!), 0);
  const evidence = {
    plane: (finished[finished.length - 1] ?? post[post.length - 1])?.run.plane ?? 'fast',
    evidenceAgeS: newest ? (nowMs - newest) / 1000 : null,
  } as const;
  const base = {
    check: 'duration' as const,
    subject: key,
    look,
    critical: policy.critical.duration,
    postN: look,
    ...evidence,
  };

  const broken = finished.find((p) => Number.isNaN(p.seconds)) ?? running.find((p) => !Number.isFinite(p.run.startMs));
  if (broken) {
    const r = broken.run;
    return checkResult({
      ...base,
      status: 'ERROR',
      explanation: `could not measure the duration of run ${r.runId} of ${subject.name}: start ${r.startMs}, end ${r.endMs ?? 'NULL'} do not give a positive length`,
    });
  }

  if (slaSeconds !== null) {
    const longest = [
      ...finished.map((p) => ({ p, s: p.seconds, done: true })),
      ...running.map((p) => ({ p, s: (nowMs - p.run.startMs) / 1000, done: false })),
    ]
      .filter((x) => x.s > slaSeconds)
      .sort((a, b) => b.s - a.s)[0];
    if (longest) {
      const what = longest.done
        ? `took ${elapsed(longest.s)}, longer than`
        : `has been running for ${elapsed(longest.s)}, past`;
      return checkResult({
        ...base,
        status: 'FAIL',
        observed: longest.s,
        threshold: slaSeconds,
        effect: longest.s / slaSeconds,
        explanation: `run ${longest.p.run.runId} of ${subject.name} ${what} its hard SLA of ${elapsed(slaSeconds)}`,
      });
    }
  }

  const history = timed(baselineRuns.filter((r) => r.result === 'SUCCESS')).filter((h) => Number.isFinite(h.seconds));
  const ok = finished.filter((p) => p.run.result === 'SUCCESS');
  const slaWord = slaSeconds !== null ? `; all within the hard SLA of ${elapsed(slaSeconds)} so far` : '';
  if (ok.length === 0) {
    return checkResult({
      ...base,
      status: 'INCONCLUSIVE',
      baselineN: history.length,
      explanation: `no successful post-deploy run of ${subject.name} has finished yet; decides after run ${look + 1}${slaWord}`,
    });
  }
  const cadence = medianGapMs(history.map((h) => h.timestampMs));
  const model = durationModel(history, cadence, policy);
  const scores = scoreDurations(history, ok, model, policy);
  // Runs whose own baseline is too thin (a weekend slot in a short history, its stand-in runs
  // moving together) are left out of the test; the others decide. Which runs those are depends
  // on the clock, never on their values.
  const scored = scores.filter((s) => s.baselineN >= policy.minBaseline);
  const last = scored[scored.length - 1] ?? scores[scores.length - 1]!;
  const known = (x: number) => (Number.isFinite(x) ? x : null);
  const stat = {
    observed: last.item.seconds,
    baselineN: last.baselineN,
    baselineCenter: known(Math.exp(last.center)),
    baselineSpread: last.spread,
    statistic: known(last.t),
    threshold: known(last.threshold),
  };
  const slotWord = `${baselineWords(last, model.levels.any ? 'weekday levels taken out' : '')} that typically took ${elapsed(Math.exp(last.center))}`;
  if (scored.length === 0) {
    return checkResult({
      ...base,
      ...stat,
      status: 'INCONCLUSIVE',
      explanation: `${last.baselineRuns > last.baselineN ? `the ${last.baselineRuns} successful runs of ${subject.name} it can compare with move together and are worth only ${last.baselineN} independent runs` : `only ${last.baselineN} successful runs of ${subject.name} before the deploy`} (need ${policy.minBaseline}); not enough history to judge its duration, so only the hard SLA applies to this deploy${slaWord}`,
    });
  }

  // k correlated runs weigh as k / DE(k) independent ones, as for volume (see history-noise.ts).
  const widen = Math.sqrt(model.noise.designEffect(scored.length));
  const seq = runSequential(
    scored.map((s) => ({ r: s.r, sigma: s.sigma * widen })),
    policy.deltaRel,
    policy.alpha,
    policy.beta,
    ['up'],
  );
  const pooled = Math.exp(scored.reduce((a, s) => a + s.r, 0) / scored.length);
  // What the pooled test and ratio rest on: every baseline run the scored runs used.
  const decisionN = Math.max(last.baselineN, pooledBaselineWorth(scored));
  const mw = rankTest(history, scored, model, policy);
  // The p-value column holds the rank test's once it is reported, else the last run's one-sided
  // prediction p (T is Student-t with n - 1 degrees of freedom under no change).
  const predictionP = tSf(last.t, last.baselineN - 1);
  const tested = {
    ...stat,
    baselineN: decisionN,
    effect: pooled,
    pValue: mw?.pValue ?? predictionP,
    statistic: seq.regression ? seq.llrUp : last.t,
  };
  const mwWord = mw
    ? `; Mann-Whitney p ${num(mw.pValue)} over ${mw.postCycles} against ${mw.baseCycles} cycles, shift ${pct(mw.shift)}`
    : '';
  const runsWord = `${scored.length} post-deploy run(s)`;
  const pooledWord =
    decisionN > last.baselineN ? ` (their baselines together worth ${decisionN} independent runs)` : '';

  if (seq.regression && pooled >= 1 + policy.deltaRel) {
    // Recent runs stand in for a thin slot, but they may sit at another time of day: seasonal
    // durations make that comparison too biased to roll back on. A series whose history shows
    // no pattern has all its recent runs as its baseline by right, not as a stand-in.
    const seasonal = scored.every((s) => s.slotKind !== 'recent runs, no usable slot');
    const eligible = decisionN >= policy.minBaselineForRollback && seasonal;
    const why = !seasonal
      ? '; baseline is recent runs, not the same time slot, so no automatic rollback'
      : `; baseline under ${policy.minBaselineForRollback} runs, so no automatic rollback`;
    return checkResult({
      ...base,
      ...tested,
      threshold: seq.upper,
      status: eligible ? 'FAIL' : 'WARN',
      explanation: `${subject.name} runs ${pct(pooled)} longer than ${slotWord}, over ${runsWord}${pooledWord}; sequential test crossed its boundary (LLR ${num(seq.llrUp)} ≥ ${num(seq.upper)})${mwWord}${eligible ? '' : why}`,
    });
  }
  if (mw?.decides && mw.pValue < policy.duration.mwAlpha && mw.shift >= 1 + policy.deltaRel) {
    return checkResult({
      ...base,
      ...tested,
      statistic: null,
      effect: mw.shift,
      threshold: policy.duration.mwAlpha,
      status: 'FAIL',
      explanation: `${subject.name} runs ${pct(mw.shift)} longer (Hodges-Lehmann) over ${mw.postCycles} post-deploy cycles than ${mw.baseCycles} cycles before the deploy; Mann-Whitney p ${num(mw.pValue)} < ${num(policy.duration.mwAlpha)}`,
    });
  }
  if (seq.clearedUp) {
    return checkResult({
      ...base,
      ...tested,
      status: 'PASS',
      explanation: `${subject.name} took ${elapsed(last.item.seconds)} last run, in line with ${slotWord}: ${pct(pooled)} over ${runsWord}${mwWord}`,
    });
  }
  if (last.t > last.threshold && Math.exp(last.r) >= 1 + policy.warnRel) {
    return checkResult({
      ...base,
      ...tested,
      ...stat,
      effect: Math.exp(last.r),
      status: 'WARN',
      explanation: `last run of ${subject.name} took ${elapsed(last.item.seconds)}, ${pct(Math.exp(last.r))} against ${slotWord} (score ${num(last.t)} beyond ${num(last.threshold)}, p ${num(predictionP)}); watching the next runs`,
    });
  }
  // The window has run its course: the pooled shift, with its uncertainty (the baseline's error
  // shared by every run), says whether the duration is steady. Only a rise could fail it, so only
  // the upper bound must lie under the smallest rise a rollback is worth.
  const kMax = kMaxFor(policy, cadence);
  const shift = {
    mean: Math.log(pooled),
    variance:
      (model.noise.designEffect(scored.length) * scored.reduce((a, s) => a + s.spread * s.spread, 0)) /
        scored.length ** 2 +
      scored.reduce((a, s) => a + s.sigma * s.sigma - s.spread * s.spread, 0) / scored.length,
  };
  if (look >= kMax && steadyWithin(shift, policy.deltaRel, policy.beta, ['up'])) {
    return checkResult({
      ...base,
      ...tested,
      status: 'PASS',
      explanation: `${subject.name} took ${elapsed(last.item.seconds)} last run, steady against ${slotWord}: ${pct(pooled)} over ${runsWord}, under +${num(policy.deltaRel * 100)}% at the watch's end${mwWord}`,
    });
  }
  if (look >= kMax) {
    return checkResult({
      ...base,
      ...tested,
      status: 'INCONCLUSIVE',
      explanation: `after ${scored.length} runs the duration of ${subject.name} is neither clearly longer nor clearly steady (${pct(pooled)}${mwWord}); released from watch`,
    });
  }
  return checkResult({
    ...base,
    ...tested,
    status: 'INCONCLUSIVE',
    explanation: `${subject.name} runs ${pct(pooled)} against ${slotWord}${mwWord}; not decided yet, re-check after run ${look + 1}`,
  });
}
