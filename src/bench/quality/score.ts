// Scores a set of replayed episodes the way detection spec §10 asks: false rollbacks per 1,000
// healthy deploys with a Clopper-Pearson bound, recall per effect size, detection delay in runs,
// the inconclusive rate, and what an upstream incident did.

import { quantile } from 'simple-statistics';
import { clopperPearsonUpper } from '../../stats/index.js';
import type { EpisodeOutcome } from './replay.js';

export type EpisodeClass = 'healthy' | 'bad' | 'upstream_incident';

export interface ScoredEpisode {
  /** Position in the plan, which fixes the order episodes are scored in. */
  readonly index: number;
  readonly label: EpisodeClass;
  readonly effect: string | null;
  /** Pipeline kind and cadence (simulated) or series (NAB), for the breakdowns. */
  readonly group: string;
  readonly outcome: EpisodeOutcome;
  /**
   * For the volume effects with a recall target: whether the volume check's ±materiality gate on the
   * pooled ratio was met within the target's runs (replay.volumeGateMetWithin); absent otherwise.
   */
  readonly gateMetWithinTarget?: boolean;
  /**
   * For simulated healthy deployments and volume and duration regressions: whether the oracle
   * (oracle.ts) caught the episode over the runs the watch could see, and within the recall
   * target's runs when the effect has one; absent where no true level is known.
   */
  readonly oracle?: { readonly window: boolean; readonly withinTarget?: boolean };
}

/** Deterministic failures: a rollback must follow every time. */
export const HARD_EFFECTS: readonly string[] = ['zero_rows', 'failing_runs'];
/** The recall targets: effect, within how many post-deploy runs, at what recall. */
export const RECALL_TARGETS: Readonly<Record<string, { readonly runs: number; readonly recall: number }>> = {
  'volume_x0.5': { runs: 3, recall: 0.95 },
  volume_x2: { runs: 3, recall: 0.95 },
  duration_x2: { runs: 3, recall: 0.95 },
  'volume_x0.8': { runs: 5, recall: 0.8 },
  'volume_x1.2': { runs: 5, recall: 0.8 },
};
export const LARGE_EFFECTS: readonly string[] = ['volume_x0.5', 'volume_x2', 'duration_x2'];

export interface QualityFigures {
  healthy_episodes: number;
  bad_episodes: number;
  upstream_episodes: number;
  false_rollbacks: number;
  frr_per_1000: number | null;
  frr_upper_95_per_1000: number | null;
  frr_hard_per_1000: number | null;
  frr_statistical_per_1000: number | null;
  frr_by_check: Record<string, number>;
  frr_by_group: Record<string, { episodes: number; false_rollbacks: number }>;
  recall_hard: number | null;
  recall: Record<string, number>;
  recall_within_target: Record<string, { within_runs: number; recall: number }>;
  /**
   * For the volume targets: the share of episodes caught within the target's runs or whose pooled
   * post-deploy ratio met the practical-size gate by then. The spec fails a volume check only
   * beyond that gate, so no detector keeping it can recall more within those runs.
   */
  recall_ceiling_within_target: Record<string, { within_runs: number; ceiling: number }>;
  /**
   * The oracle's power per effect (oracle.ts): a fixed-sample test on the same runs that knows
   * each episode's true level and noise, at the same alpha, over the runs the watch could see.
   */
  oracle_power: Record<string, number>;
  /**
   * Healthy deployments the oracle fails per 1,000: testing every table both ways and the
   * duration upwards at the same alpha and gates, over the runs the watch could see. The floor
   * any detector testing at that alpha reaches on these episodes' noise.
   */
  oracle_frr_per_1000: number | null;
  /** The same within the recall target's runs. */
  oracle_power_within_target: Record<string, { within_runs: number; power: number }>;
  /**
   * Recall over the oracle's power per effect: within the target's runs for an effect with a
   * recall target, over the whole watch otherwise. Null when the oracle caught nothing.
   */
  recall_over_oracle: Record<string, number | null>;
  recall_by_group: Record<string, number>;
  bad_by_effect: Record<string, { episodes: number; rolled_back: number; healthy_verdicts: number; eligible: number }>;
  /**
   * Recall among the episodes whose volume or duration baseline was big enough to roll back on
   * (n >= 14 in the slot): the others can at most warn, by the minimum-data rule.
   */
  recall_eligible: Record<string, number | null>;
  delay_runs_p50: number | null;
  delay_runs_p90: number | null;
  delay_runs_by_effect: Record<string, { p50: number | null; p90: number | null }>;
  inconclusive_rate: number | null;
  inconclusive_rate_by_class: Partial<Record<EpisodeClass, number>>;
  /** Undecided episodes by the rule that held them back (replay.undecidedCause), as shares of all episodes. */
  inconclusive_by_cause: Record<string, number>;
  healthy_verdict_rate: number | null;
  healthy_verdict_runs_p50: number | null;
  healthy_verdict_runs_p90: number | null;
  rollback_eligible_share: number | null;
  upstream_rollbacks: number;
  precision_at_base_rate: Record<string, number | null>;
}

const round = (x: number, digits = 4) => Number(x.toFixed(digits));
const rate = (k: number, n: number) => (n > 0 ? round(k / n) : null);
const q = (xs: readonly number[], p: number) => (xs.length ? round(quantile([...xs], p), 2) : null);
const per1000 = (k: number, n: number) => (n > 0 ? round((1000 * k) / n, 3) : null);

function countBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = m.get(k);
    if (list) list.push(it);
    else m.set(k, [it]);
  }
  return new Map([...m].sort((a, b) => a[0].localeCompare(b[0])));
}

/** Neither rolled back nor declared healthy when the watch ended. */
const undecided = (o: EpisodeOutcome) => !o.rolledBack && o.state !== 'HEALTHY';

export function scoreEpisodes(episodes: readonly ScoredEpisode[]): QualityFigures {
  const healthy = episodes.filter((e) => e.label === 'healthy');
  const bad = episodes.filter((e) => e.label === 'bad');
  const upstream = episodes.filter((e) => e.label === 'upstream_incident');
  const falseRb = healthy.filter((e) => e.outcome.rolledBack);
  const hardFalse = falseRb.filter((e) => e.outcome.hardRule).length;

  const frrByCheck: Record<string, number> = {};
  for (const e of falseRb) for (const c of e.outcome.failedChecks) frrByCheck[c] = (frrByCheck[c] ?? 0) + 1;
  const frrByGroup: QualityFigures['frr_by_group'] = {};
  for (const [g, es] of countBy(healthy, (e) => e.group))
    frrByGroup[g] = { episodes: es.length, false_rollbacks: es.filter((e) => e.outcome.rolledBack).length };

  const byEffect = countBy(bad, (e) => e.effect ?? 'unknown');
  const recall: Record<string, number> = {};
  const recallEligible: Record<string, number | null> = {};
  const badByEffect: QualityFigures['bad_by_effect'] = {};
  const delays: QualityFigures['delay_runs_by_effect'] = {};
  for (const [effect, es] of byEffect) {
    const caught = es.filter((e) => e.outcome.rolledBack);
    recall[effect] = round(caught.length / es.length);
    // A volume regression can be rolled back only by the volume check, a duration one by the duration check.
    const check = effect.startsWith('volume') ? 'row_count' : effect.startsWith('duration') ? 'duration' : null;
    const eligible = es.filter((e) => (check ? e.outcome.eligibleChecks.includes(check) : e.outcome.eligible));
    recallEligible[effect] = rate(eligible.filter((e) => e.outcome.rolledBack).length, eligible.length);
    badByEffect[effect] = {
      episodes: es.length,
      rolled_back: caught.length,
      healthy_verdicts: es.filter((e) => e.outcome.state === 'HEALTHY').length,
      eligible: eligible.length,
    };
    const d = caught.map((e) => e.outcome.delayRuns!);
    delays[effect] = { p50: q(d, 0.5), p90: q(d, 0.9) };
  }
  const within: QualityFigures['recall_within_target'] = {};
  const ceiling: QualityFigures['recall_ceiling_within_target'] = {};
  for (const [effect, t] of Object.entries(RECALL_TARGETS)) {
    const es = byEffect.get(effect);
    const caughtInTime = (e: ScoredEpisode) => e.outcome.rolledBack && e.outcome.delayRuns! <= t.runs;
    if (es) within[effect] = { within_runs: t.runs, recall: round(es.filter(caughtInTime).length / es.length) };
    const gated = es?.filter((e) => e.gateMetWithinTarget !== undefined);
    if (gated?.length) {
      const reachable = gated.filter((e) => e.gateMetWithinTarget || caughtInTime(e));
      ceiling[effect] = { within_runs: t.runs, ceiling: round(reachable.length / gated.length) };
    }
  }
  const oraclePower: QualityFigures['oracle_power'] = {};
  const oracleWithin: QualityFigures['oracle_power_within_target'] = {};
  const overOracle: QualityFigures['recall_over_oracle'] = {};
  for (const [effect, es] of byEffect) {
    const known = es.filter((e) => e.oracle !== undefined);
    if (known.length === 0) continue;
    const power = known.filter((e) => e.oracle!.window).length / known.length;
    oraclePower[effect] = round(power);
    const t = RECALL_TARGETS[effect];
    if (t) {
      const withinPower = known.filter((e) => e.oracle!.withinTarget).length / known.length;
      oracleWithin[effect] = { within_runs: t.runs, power: round(withinPower) };
      const caught = known.filter((e) => e.outcome.rolledBack && e.outcome.delayRuns! <= t.runs).length / known.length;
      overOracle[effect] = withinPower > 0 ? round(caught / withinPower) : null;
    } else {
      const caught = known.filter((e) => e.outcome.rolledBack).length / known.length;
      overOracle[effect] = power > 0 ? round(caught / power) : null;
    }
  }
  const recallByGroup: Record<string, number> = {};
  for (const [g, es] of countBy(bad, (e) => e.group))
    recallByGroup[g] = round(es.filter((e) => e.outcome.rolledBack).length / es.length);
  const hard = bad.filter((e) => e.effect !== null && HARD_EFFECTS.includes(e.effect));
  const largeDelays = bad
    .filter((e) => e.effect !== null && LARGE_EFFECTS.includes(e.effect) && e.outcome.rolledBack)
    .map((e) => e.outcome.delayRuns!);

  const inconclusiveByClass: QualityFigures['inconclusive_rate_by_class'] = {};
  for (const [c, es] of [
    ['healthy', healthy],
    ['bad', bad],
    ['upstream_incident', upstream],
  ] as const) {
    if (es.length) inconclusiveByClass[c] = round(es.filter((e) => undecided(e.outcome)).length / es.length);
  }
  const byCause: Record<string, number> = {};
  for (const [cause, es] of countBy(
    episodes.filter((e) => undecided(e.outcome)),
    (e) => e.outcome.undecidedBy ?? 'unknown',
  ))
    byCause[cause] = round(es.length / episodes.length);
  const healthyVerdicts = healthy.filter((e) => e.outcome.state === 'HEALTHY').map((e) => e.outcome.postRuns);
  const frr = healthy.length ? falseRb.length / healthy.length : null;
  const overallRecall = bad.length ? bad.filter((e) => e.outcome.rolledBack).length / bad.length : null;
  const precision: Record<string, number | null> = {};
  for (const pi of [0.02, 0.05, 0.1]) {
    precision[String(pi)] =
      frr === null || overallRecall === null || pi * overallRecall + (1 - pi) * frr === 0
        ? null
        : round((pi * overallRecall) / (pi * overallRecall + (1 - pi) * frr));
  }

  return {
    healthy_episodes: healthy.length,
    bad_episodes: bad.length,
    upstream_episodes: upstream.length,
    false_rollbacks: falseRb.length,
    frr_per_1000: per1000(falseRb.length, healthy.length),
    frr_upper_95_per_1000: healthy.length
      ? round(1000 * clopperPearsonUpper(falseRb.length, healthy.length, 0.95), 3)
      : null,
    frr_hard_per_1000: per1000(hardFalse, healthy.length),
    frr_statistical_per_1000: per1000(falseRb.length - hardFalse, healthy.length),
    frr_by_check: frrByCheck,
    frr_by_group: frrByGroup,
    recall_hard: rate(hard.filter((e) => e.outcome.rolledBack).length, hard.length),
    recall,
    recall_eligible: recallEligible,
    recall_within_target: within,
    recall_ceiling_within_target: ceiling,
    oracle_power: oraclePower,
    oracle_frr_per_1000: per1000(
      healthy.filter((e) => e.oracle?.window).length,
      healthy.filter((e) => e.oracle !== undefined).length,
    ),
    oracle_power_within_target: oracleWithin,
    recall_over_oracle: overOracle,
    recall_by_group: recallByGroup,
    bad_by_effect: badByEffect,
    delay_runs_p50: q(largeDelays, 0.5),
    delay_runs_p90: q(largeDelays, 0.9),
    delay_runs_by_effect: delays,
    inconclusive_rate: rate(episodes.filter((e) => undecided(e.outcome)).length, episodes.length),
    inconclusive_rate_by_class: inconclusiveByClass,
    inconclusive_by_cause: byCause,
    healthy_verdict_rate: rate(healthyVerdicts.length, healthy.length),
    healthy_verdict_runs_p50: q(healthyVerdicts, 0.5),
    healthy_verdict_runs_p90: q(healthyVerdicts, 0.9),
    rollback_eligible_share: rate(healthy.filter((e) => e.outcome.eligible).length, healthy.length),
    upstream_rollbacks: upstream.filter((e) => e.outcome.rolledBack).length,
    precision_at_base_rate: precision,
  };
}
