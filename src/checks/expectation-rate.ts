// Failure rate of one post-deploy run against the baseline runs (detection spec §5.2, §5.3):
// the beta-binomial predictive p-value, with the prior fitted to the baseline by the method of
// moments, or Fisher's exact test when the baseline has too few failures for that fit.

import { betaBinomialPredictiveP, fisherExact, fitBetaBinomial } from '../stats/index.js';
import type { ExpectationsPolicy } from './policy.js';

export interface RateScore {
  readonly failed: number;
  readonly total: number;
  readonly rate: number;
  /** Pooled baseline failure rate. */
  readonly p0: number;
  /** Sample SD of the failure rate across baseline runs; null for Fisher. */
  readonly between: number | null;
  readonly pValue: number;
  /** rate / p0; Infinity when the baseline never failed and this run did. */
  readonly ratio: number;
  readonly method: 'beta-binomial' | 'binomial' | 'fisher';
  readonly suspect: boolean;
  readonly fail: boolean;
}

export interface CountedRun {
  readonly failed: number;
  readonly total: number;
}

/**
 * Scores one run; null when the baseline varies so much between runs that the method of moments
 * gives no prior (between-run variance above p0(1 − p0)): then no single run is surprising.
 */
export function scoreRate(
  run: CountedRun,
  baseline: readonly CountedRun[],
  policy: ExpectationsPolicy,
): RateScore | null {
  const failedBase = baseline.reduce((a, r) => a + r.failed, 0);
  const totalBase = baseline.reduce((a, r) => a + r.total, 0);
  const p0 = failedBase / totalBase;
  const rate = run.failed / run.total;
  const ratio = p0 > 0 ? rate / p0 : rate > 0 ? Infinity : 1;
  let pValue: number;
  let between: number | null = null;
  let method: RateScore['method'];
  if (failedBase < policy.fisherBelowFailures) {
    pValue = fisherExact(
      { failedPost: run.failed, totalPost: run.total, failedBaseline: failedBase, totalBaseline: totalBase },
      'greater',
    ).pValue;
    method = 'fisher';
  } else {
    const fit = fitBetaBinomial({ failed: baseline.map((r) => r.failed), total: baseline.map((r) => r.total) });
    if (!fit.binomial && !(fit.a > 0 && fit.b > 0)) return null;
    pValue = betaBinomialPredictiveP(run.failed, run.total, fit);
    between = Math.sqrt(fit.s2);
    method = fit.binomial ? 'binomial' : 'beta-binomial';
  }
  const suspect = pValue < policy.suspectP && ratio >= policy.suspectRatio;
  const fail = pValue < policy.failP && ratio >= policy.failRatio && rate - p0 >= policy.failAbsIncrease;
  return { failed: run.failed, total: run.total, rate, p0, between, pValue, ratio, method, suspect, fail };
}
