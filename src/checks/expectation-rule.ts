// Judges one data-quality rule over the post-deploy runs (detection spec §5). Rules with record
// counts are judged on their failure rate; every error-severity rule is also held to the
// new-failure rule; pass/fail-only rules that were flaky before go through a Bernoulli SPRT.

import { bernoulliSprtStep, SPRT_START, sprtBoundaries } from '../stats/index.js';
import type { CheckStatus } from '../types.js';
import { type RateScore, scoreRate } from './expectation-rate.js';
import type { RuleHistory, RuleRun } from './expectation-runs.js';
import { int, num } from './format.js';
import type { Policy } from './policy.js';

export interface RuleVerdict {
  readonly rule: string;
  readonly status: CheckStatus;
  readonly baselineN: number;
  readonly observed: number | null;
  readonly baselineCenter: number | null;
  readonly baselineSpread: number | null;
  readonly threshold: number | null;
  readonly statistic: number | null;
  readonly pValue: number | null;
  readonly effect: number | null;
  readonly explanation: string;
}

const share = (x: number) => `${(100 * x).toPrecision(2)}%`;
const describe = (h: RuleHistory) => `${h.source === 'dbt' ? 'dbt test' : 'expectation'} ${h.name}`;
const counted = (r: RuleRun): r is RuleRun & { total: number; failed: number } =>
  r.total !== null && r.failed !== null && r.total > 0;

/** Worst first: the order in which a subject's rules compete to name its result. */
export const STATUS_ORDER: readonly CheckStatus[] = ['FAIL', 'WARN', 'ERROR', 'INCONCLUSIVE', 'PASS', 'SKIPPED'];
export const severityRank = (s: CheckStatus) => STATUS_ORDER.indexOf(s);

const finite = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? null : x);

function verdict(
  rule: string,
  status: CheckStatus,
  baselineN: number,
  explanation: string,
  stats: Partial<RuleVerdict> = {},
): RuleVerdict {
  // Infinite ratios and likelihoods (a rule that never failed before) are said in words, stored as NULL.
  return {
    rule,
    status,
    baselineN,
    explanation,
    observed: finite(stats.observed),
    baselineCenter: finite(stats.baselineCenter),
    baselineSpread: finite(stats.baselineSpread),
    threshold: finite(stats.threshold),
    statistic: finite(stats.statistic),
    pValue: finite(stats.pValue),
    effect: finite(stats.effect),
  };
}

/** `after` holds the rule's post-deploy runs (at least one); `before` its baseline runs, if any. */
export function judgeRule(
  before: RuleHistory | undefined,
  after: RuleHistory,
  policy: Policy,
  kMax: number,
): RuleVerdict {
  const base = before?.runs ?? [];
  const newFailure = judgeNewFailure(base, after, policy);
  if (newFailure?.status === 'FAIL') return newFailure;
  const baseCounted = base.filter(counted);
  const postCounted = after.runs.filter(counted);
  const last = after.runs[after.runs.length - 1]!;
  if (counted(last) && baseCounted.length >= policy.expectations.minBaselineRuns) {
    const rate = judgeRate(baseCounted, postCounted, after, policy);
    return newFailure && severityRank(newFailure.status) < severityRank(rate.status) ? newFailure : rate;
  }
  return newFailure ?? judgeBinary(base, after, policy, kMax);
}

/** Deterministic: an error rule that passed ≥ 95% of ≥ 7 baseline runs and now fails. */
function judgeNewFailure(base: readonly RuleRun[], after: RuleHistory, policy: Policy): RuleVerdict | null {
  const ep = policy.expectations;
  const failedAfter = after.runs.filter((r) => r.outcome === 'fail');
  const passed = base.filter((r) => r.outcome === 'pass').length;
  if (
    after.severity !== 'error' ||
    failedAfter.length === 0 ||
    base.length === 0 ||
    passed / base.length < ep.newFailurePassRate
  )
    return null;
  const first = failedAfter[0]!;
  const history = `it passed ${passed} of ${base.length} runs before the deploy`;
  const stats = {
    observed: failedAfter.length,
    baselineCenter: 1 - passed / base.length,
    threshold: ep.newFailurePassRate,
    effect: failedAfter.length / after.runs.length,
  };
  if (base.length < ep.newFailureMinRuns) {
    return verdict(
      after.name,
      'WARN',
      base.length,
      `${describe(after)} (severity error) failed on run ${first.runId}; ${history}, too few (need ${ep.newFailureMinRuns}) to blame the deploy`,
      stats,
    );
  }
  return verdict(
    after.name,
    'FAIL',
    base.length,
    `${describe(after)} (severity error) newly fails: it failed on run ${first.runId}, and ${history}`,
    stats,
  );
}

function judgeRate(
  base: ReadonlyArray<{ failed: number; total: number }>,
  post: ReadonlyArray<RuleRun & { failed: number; total: number }>,
  after: RuleHistory,
  policy: Policy,
): RuleVerdict {
  const ep = policy.expectations;
  const scores: RateScore[] = [];
  for (const r of post) {
    const s = scoreRate(r, base, ep);
    if (s === null) {
      return verdict(
        after.name,
        'INCONCLUSIVE',
        base.length,
        `${describe(after)}: failure rates before the deploy vary too much between runs to call any run unusual`,
      );
    }
    scores.push(s);
  }
  const lastScore = scores[scores.length - 1]!;
  const stats = (s: RateScore) => ({
    observed: s.rate,
    baselineCenter: s.p0,
    baselineSpread: s.between,
    threshold: ep.failP,
    statistic: s.failed,
    pValue: s.pValue,
    effect: s.ratio,
  });
  const word = (s: RateScore, i: number) =>
    `${share(s.rate)} of ${int(s.total)} records failed on run ${post[i]!.runId} against ${share(s.p0)} before the deploy (${s.method} p ${pWord(s.pValue)})`;
  const failIdx = scores.findIndex((s) => s.fail);
  if (failIdx >= 0) {
    const s = scores[failIdx]!;
    return verdict(
      after.name,
      'FAIL',
      base.length,
      `${describe(after)}: ${word(s, failIdx)}, ${ratioWord(s.ratio)}, beyond p < ${num(ep.failP)}`,
      stats(s),
    );
  }
  // A run of suspects also fails, but only when each one is a change worth rolling back for.
  const need = ep.consecutiveSuspects;
  for (let i = need - 1; i < scores.length; i++) {
    const streak = scores.slice(i - need + 1, i + 1);
    if (streak.every((s) => s.suspect && s.rate - s.p0 >= ep.failAbsIncrease)) {
      const s = scores[i]!;
      return verdict(
        after.name,
        'FAIL',
        base.length,
        `${describe(after)} was suspect on ${need} runs in a row; last ${word(s, i)}, ${ratioWord(s.ratio)}`,
        { ...stats(s), threshold: ep.suspectP },
      );
    }
  }
  if (lastScore.suspect) {
    return verdict(
      after.name,
      'WARN',
      base.length,
      `${describe(after)}: ${word(lastScore, scores.length - 1)}, ${ratioWord(lastScore.ratio)}; fails if the next run is suspect too`,
      { ...stats(lastScore), threshold: ep.suspectP },
    );
  }
  return verdict(
    after.name,
    'PASS',
    base.length,
    `${describe(after)}: ${word(lastScore, scores.length - 1)}`,
    stats(lastScore),
  );
}

function pWord(p: number): string {
  return p < 1e-15 ? '< 1e-15' : num(p);
}

function ratioWord(ratio: number): string {
  return Number.isFinite(ratio) ? `${num(ratio, 2)}× the usual rate` : 'where it never failed before';
}

/** Pass/fail-only rules: steady ones must keep passing; flaky ones get a Bernoulli SPRT (§5.4). */
function judgeBinary(base: readonly RuleRun[], after: RuleHistory, policy: Policy, kMax: number): RuleVerdict {
  const ep = policy.expectations;
  const k = base.length;
  const f = base.filter((r) => r.outcome === 'fail').length;
  const failedAfter = after.runs.filter((r) => r.outcome === 'fail');
  const lastRun = after.runs[after.runs.length - 1]!;
  const stats = {
    observed: failedAfter.length,
    baselineCenter: k ? f / k : null,
    effect: failedAfter.length / after.runs.length,
  };
  if (failedAfter.length === 0) {
    return verdict(
      after.name,
      'PASS',
      k,
      `${describe(after)} passed on all ${after.runs.length} post-deploy runs`,
      stats,
    );
  }
  if (k < ep.minBaselineRuns) {
    const status = after.severity === 'error' ? 'WARN' : 'INCONCLUSIVE';
    return verdict(
      after.name,
      status,
      k,
      `${describe(after)} failed on run ${failedAfter[0]!.runId}; only ${k} runs before the deploy (need ${ep.minBaselineRuns}) to tell whether that is new`,
      stats,
    );
  }
  if ((k - f) / k >= ep.newFailurePassRate) {
    // Steady rule failing now; error rules were judged by the new-failure rule already.
    return verdict(
      after.name,
      'WARN',
      k,
      `${describe(after)} (severity ${after.severity}) failed on run ${failedAfter[0]!.runId}; it passed ${k - f} of ${k} runs before the deploy`,
      stats,
    );
  }
  const p0 = (f + 1) / (k + 2);
  const params = { p0, p1: Math.min(1, 3 * p0), alpha: policy.alpha, beta: policy.beta };
  const { upper } = sprtBoundaries(policy.alpha, policy.beta);
  const state = after.runs.reduce((s, r) => bernoulliSprtStep(s, r.outcome === 'fail', params), SPRT_START);
  const sprt = { ...stats, baselineCenter: p0, statistic: state.llr, threshold: upper };
  const tally = `failed on ${failedAfter.length} of ${after.runs.length} runs after the deploy against ${f} of ${k} before`;
  if (state.decision === 'H1') {
    const status = after.severity === 'error' ? 'FAIL' : 'WARN';
    return verdict(
      after.name,
      status,
      k,
      `${describe(after)} ${tally}; sequential test crossed its boundary (LLR ${num(state.llr)} ≥ ${num(upper)})`,
      sprt,
    );
  }
  if (state.decision === 'H0')
    return verdict(after.name, 'PASS', k, `${describe(after)} ${tally}, in line with its usual flakiness`, sprt);
  if (after.runs.length >= kMax)
    return verdict(
      after.name,
      'INCONCLUSIVE',
      k,
      `${describe(after)} ${tally}; neither clearly worse nor clearly as before after ${after.runs.length} runs, released from watch`,
      sprt,
    );
  return verdict(
    after.name,
    'INCONCLUSIVE',
    k,
    `${describe(after)} ${tally} (last on run ${lastRun.runId}); flaky before the deploy, re-check after run ${after.runs.length + 1}`,
    sprt,
  );
}
