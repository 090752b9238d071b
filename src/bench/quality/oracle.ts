// The oracle: the most any detector could catch of a simulated regression. It is told what no
// detector knows, each run's true healthy level and the true noise of its series, and runs a
// fixed-sample test on the same post-deploy runs at the same α as the checks: a z test of their
// mean log deviation from the healthy level, one-sided per direction (up only for durations),
// with the same gate on the pooled ratio a failure needs (the volume materiality, or deltaRel
// for durations). With a known level and noise, no test of those runs is more powerful
// (Neyman-Pearson), so a detector's recall over the oracle's power says how much of what could
// be caught it catches. Real series (NAB) have no known level; nab-oracle.ts takes it in hindsight.

import { materialityFor, type Policy } from '../../checks/policy.js';
import type { SimPipeline } from '../../simulator/catalog.js';
import { durationFactor, volumeFactor } from '../../simulator/seasonality.js';
import { normalPpf } from '../../stats/index.js';
import type { EpisodeTimeline } from './timeline.js';

export type OracleKind = 'volume' | 'duration';

/** One series of an episode as the oracle sees it: each post-deploy run's log deviation from its healthy level. */
export interface OracleSeries {
  /** ln(observed / true healthy level), in run order. */
  readonly residuals: readonly number[];
  /** True noise of a run on the log scale. */
  readonly sigma: number;
  /** Both directions for volume; up only for duration. */
  readonly upOnly: boolean;
  /** The pooled ratio must be beyond ±gate for a failure. */
  readonly gate: number;
}

/** Whether the fixed-sample test on the first `k` runs of `series` rejects a healthy level at `alpha` per direction. */
export function oracleRejects(series: OracleSeries, k: number, alpha: number): boolean {
  const rs = series.residuals.slice(0, k);
  if (rs.length === 0) return false;
  const sum = rs.reduce((a, r) => a + r, 0);
  const z = sum / (series.sigma * Math.sqrt(rs.length));
  const ratio = Math.exp(sum / rs.length);
  const critical = normalPpf(1 - alpha);
  const up = z >= critical && ratio >= 1 + series.gate;
  const down = !series.upOnly && z <= -critical && ratio <= 1 - series.gate;
  return up || down;
}

/** Whether the oracle catches the episode from its first `k` post-deploy runs: any of its series rejecting. */
export function oracleCatches(series: readonly OracleSeries[], k: number, alpha: number): boolean {
  return series.some((s) => oracleRejects(s, k, alpha));
}

/**
 * The series of a simulated episode the oracle can test: every target table for a volume
 * regression, the run duration for a duration regression. Residuals come from the successful
 * post-deploy runs (a failed run has neither rows nor a duration to test).
 */
export function simOracleSeries(tl: EpisodeTimeline, p: SimPipeline, kind: OracleKind, policy: Policy): OracleSeries[] {
  const s = tl.subjects[0]!;
  const deployMs = tl.deployment.finishedMs;
  const post = s.runs.filter((r) => r.startMs >= deployMs && r.result === 'SUCCESS' && r.endMs !== null);
  if (kind === 'duration') {
    const residuals = post.map((r) =>
      Math.log((r.endMs! - r.startMs) / 1000 / (p.baseDurationS * durationFactor(r.startMs))),
    );
    return [{ residuals, sigma: p.durationSigma, upOnly: true, gate: policy.deltaRel }];
  }
  return p.targets.map((t) => {
    const rows = new Map(s.writes.filter((w) => w.table === t.name).map((w) => [w.runId, w.rows]));
    const residuals = post
      .map((r) => ({ r, rows: rows.get(r.runId) }))
      .filter((x): x is { r: (typeof post)[number]; rows: number } => typeof x.rows === 'number' && x.rows > 0)
      .map((x) => Math.log(x.rows / (t.baseRows * volumeFactor(x.r.startMs))));
    return { residuals, sigma: p.rowSigma, upOnly: false, gate: materialityFor(policy, t.name) };
  });
}
