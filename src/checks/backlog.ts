// Streaming backlog per flow: the current backlog after the deploy against the same flow's
// backlog before it, on the log scale with a robust (median/MAD) baseline, plus the recent trend.
// Samples of a stream are strongly autocorrelated, so no p-value is claimed: the gates are a
// practical ratio, a robust z and an absolute floor below which no backlog is worth a page.
// A subject without samples gets no result; backlog is not critical by default.

import { MIN_LOG_SCALE, madNormal, median } from '../stats/index.js';
import type { BacklogSample, CheckResult, CheckStatus, Subject } from '../types.js';
import { clock, elapsed, int, num } from './format.js';
import type { Policy } from './policy.js';
import { checkResult } from './result.js';

const HOUR = 3_600_000;
/** Trend over at most this many recent samples: enough to see growth, cheap on dense streams. */
const TREND_SAMPLES = 60;
const ORDER: readonly CheckStatus[] = ['FAIL', 'WARN', 'ERROR', 'INCONCLUSIVE', 'PASS'];

type Metric = 'seconds' | 'records';
const metricOf = (s: BacklogSample, m: Metric) => (m === 'seconds' ? s.backlogSeconds : s.backlogRecords);
const usable = (v: number | null): v is number => v !== null && Number.isFinite(v) && v >= 0;

interface FlowVerdict {
  readonly flow: string;
  readonly status: CheckStatus;
  readonly ratio: number | null;
  readonly fields: Partial<CheckResult>;
  readonly explanation: string;
}

/** Theil-Sen slope of y per hour: the median of pairwise slopes, robust to a few spikes. */
function trendPerHour(points: ReadonlyArray<{ t: number; y: number }>): number {
  const slopes: number[] = [];
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) {
      const dt = points[j]!.t - points[i]!.t;
      if (dt > 0) slopes.push(((points[j]!.y - points[i]!.y) / dt) * HOUR);
    }
  }
  return slopes.length ? median(slopes) : 0;
}

function judgeFlow(
  flow: string,
  before: readonly BacklogSample[],
  after: readonly BacklogSample[],
  policy: Policy,
): FlowVerdict {
  const bp = policy.backlog;
  // Seconds of delay mean the same on every stream; records only when seconds are not reported.
  const seconds = (xs: readonly BacklogSample[]) => xs.filter((s) => s.backlogSeconds !== null).length;
  const metric: Metric = seconds(after) > 0 && seconds(before) >= bp.minBaselineSamples ? 'seconds' : 'records';
  const show = (v: number) => (metric === 'seconds' ? elapsed(v) : `${int(v)} records`);
  const reported = after.filter((s) => metricOf(s, metric) !== null);
  const bad = reported.find((s) => !usable(metricOf(s, metric)));
  if (bad) {
    return {
      flow,
      status: 'ERROR',
      ratio: null,
      fields: {},
      explanation: `could not measure the backlog of flow ${flow}: backlog ${metric} = ${String(metricOf(bad, metric))} at ${clock(bad.timestampMs)}; a backlog is a number ≥ 0`,
    };
  }
  const pre = before
    .map((s) => metricOf(s, metric))
    .filter(usable)
    .map(Math.log1p);
  if (pre.length < bp.minBaselineSamples) {
    return {
      flow,
      status: 'INCONCLUSIVE',
      ratio: null,
      fields: { baselineN: pre.length },
      explanation: `only ${pre.length} backlog samples of flow ${flow} before the deploy (need ${bp.minBaselineSamples}); cannot tell its usual backlog`,
    };
  }
  const post = reported.map((s) => ({ t: s.timestampMs, y: Math.log1p(metricOf(s, metric)!) }));
  const center = median(pre);
  const spread = Math.max(madNormal(pre), MIN_LOG_SCALE);
  const fields = { baselineN: pre.length, baselineCenter: Math.expm1(center), baselineSpread: spread };
  if (post.length < bp.minPostSamples) {
    return {
      flow,
      status: 'INCONCLUSIVE',
      ratio: null,
      fields,
      explanation: `flow ${flow} has ${post.length} backlog sample(s) since the deploy; decides after sample ${bp.minPostSamples}`,
    };
  }
  const current = median(post.slice(-bp.minPostSamples).map((p) => p.y));
  const ratio = Math.exp(current - center);
  const z = (current - center) / spread;
  const raw = Math.expm1(current);
  const floor = metric === 'seconds' ? bp.minSeconds : bp.minRecords;
  const growth = Math.exp(trendPerHour(post.slice(-TREND_SAMPLES)));
  const growthWord =
    growth >= 1 ? `still growing (${num((growth - 1) * 100, 2)}%/h)` : `draining (${num((growth - 1) * 100, 2)}%/h)`;
  const level = `${show(raw)} now against a median of ${show(Math.expm1(center))} before the deploy (${num(ratio, 2)}×, robust z ${num(z)})`;
  const stats = { ...fields, observed: raw, statistic: z, effect: ratio };
  const big = raw >= floor;
  if (big && ratio >= bp.failRatio && z >= bp.failZ && growth >= 1) {
    return {
      flow,
      status: 'FAIL',
      ratio,
      fields: { ...stats, threshold: bp.failRatio },
      explanation: `backlog of flow ${flow} is ${level} and ${growthWord}`,
    };
  }
  if (big && ratio >= bp.warnRatio && z >= bp.warnZ) {
    return {
      flow,
      status: 'WARN',
      ratio,
      fields: { ...stats, threshold: bp.warnRatio },
      explanation: `backlog of flow ${flow} is ${level}, ${growthWord}`,
    };
  }
  const why = big ? '' : `; under the ${show(floor)} worth a concern`;
  return {
    flow,
    status: 'PASS',
    ratio,
    fields: { ...stats, threshold: bp.warnRatio },
    explanation: `backlog of flow ${flow} is ${level}${why}`,
  };
}

/** Backlog right before the deploy already above the warning level: not the deploy's doing. */
function backloggedBefore(before: readonly BacklogSample[], policy: Policy): boolean {
  const bp = policy.backlog;
  for (const metric of ['seconds', 'records'] as const) {
    const ys = before
      .map((s) => metricOf(s, metric))
      .filter(usable)
      .map(Math.log1p);
    if (ys.length < bp.minBaselineSamples) continue;
    const last = median(ys.slice(-bp.minPostSamples));
    const floor = metric === 'seconds' ? bp.minSeconds : bp.minRecords;
    return Math.expm1(last) >= floor && Math.exp(last - median(ys)) >= bp.warnRatio;
  }
  return false;
}

/**
 * `baseline`: samples before the deploy; `post`: samples after it. One look per post-deploy
 * update, or per hour since the deploy for continuous pipelines (samples without a run id).
 */
export function checkBacklog(
  subject: Subject,
  baseline: readonly BacklogSample[],
  post: readonly BacklogSample[],
  deployMs: number,
  policy: Policy,
  nowMs: number,
): CheckResult | null {
  if (baseline.length === 0 && post.length === 0) return null;
  const sorted = [...post].sort((a, b) => a.timestampMs - b.timestampMs);
  const last = sorted[sorted.length - 1];
  const runs = new Set(sorted.map((s) => s.runId).filter((r) => r !== null));
  const look = runs.size > 0 ? runs.size : last ? Math.floor((last.timestampMs - deployMs) / HOUR) + 1 : 0;
  const base = {
    check: 'backlog' as const,
    subject: `${subject.type}:${subject.id}`,
    look,
    postN: sorted.length,
    critical: policy.critical.backlog,
    plane: last?.plane ?? 'fast',
    evidenceAgeS: last ? (nowMs - last.timestampMs) / 1000 : null,
  } as const;
  const flows = [...new Set([...baseline, ...post].map((s) => s.flow))].sort();
  const verdicts = flows.map((flow) => {
    const before = baseline.filter((s) => s.flow === flow).sort((a, b) => a.timestampMs - b.timestampMs);
    const after = sorted.filter((s) => s.flow === flow);
    if (after.length === 0) {
      return {
        flow,
        before,
        v: {
          flow,
          status: 'INCONCLUSIVE' as const,
          ratio: null,
          fields: {},
          explanation: `flow ${flow} has reported no backlog since the deploy`,
        },
      };
    }
    return { flow, before, v: judgeFlow(flow, before, after, policy) };
  });
  verdicts.sort((a, b) => ORDER.indexOf(a.v.status) - ORDER.indexOf(b.v.status) || (b.v.ratio ?? 0) - (a.v.ratio ?? 0));
  const worst = verdicts[0]!;
  const concerns = verdicts.slice(1).filter((x) => x.v.status !== 'PASS').length;
  const others = concerns
    ? `; ${concerns} other flow(s) also need attention`
    : verdicts.length > 1
      ? `; the other ${verdicts.length - 1} flow(s) pass`
      : '';
  const suppressedBy =
    (worst.v.status === 'FAIL' || worst.v.status === 'WARN') && backloggedBefore(worst.before, policy)
      ? 'backlog before deploy'
      : null;
  const before = suppressedBy ? '; it was already backlogged before the deploy' : '';
  return checkResult({
    ...base,
    ...worst.v.fields,
    status: worst.v.status,
    suppressedBy,
    explanation: `${subject.name}: ${worst.v.explanation}${before}${others}`,
  });
}
