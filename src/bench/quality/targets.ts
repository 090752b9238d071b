// The acceptance targets, checked against measured figures. A target is only ever
// reported, never bent: a figure that misses it says so.

import type { ConfigFigures } from './config-episodes.js';
import type { CostFigures } from './cost-episodes.js';
import { type QualityFigures, RECALL_TARGETS } from './score.js';
import type { StatedSlaFigures } from './stated-sla-score.js';

export interface TargetCheck {
  readonly value: number | null;
  readonly target: string;
  readonly met: boolean;
}

function atMost(value: number | null, limit: number): TargetCheck {
  return { value, target: `<= ${limit}`, met: value !== null && value <= limit };
}

function atLeast(value: number | null, limit: number): TargetCheck {
  return { value, target: `>= ${limit}`, met: value !== null && value >= limit };
}

export function evaluateTargets(
  sim: QualityFigures,
  nab: QualityFigures | null,
  statedSla?: StatedSlaFigures,
): Record<string, TargetCheck> {
  const out: Record<string, TargetCheck> = {
    frr_per_1000: atMost(sim.frr_per_1000, 1),
    frr_upper_95_per_1000: atMost(sim.frr_upper_95_per_1000, 2.5),
    recall_hard: atLeast(sim.recall_hard, 1),
  };
  for (const [effect, t] of Object.entries(RECALL_TARGETS)) {
    out[`recall_within_${t.runs}_runs.${effect}`] = atLeast(sim.recall_within_target[effect]?.recall ?? null, t.recall);
  }
  // Every effect the oracle can judge: recall within the target's runs where there is one.
  for (const [effect, ratio] of Object.entries(sim.recall_over_oracle)) {
    out[`recall_over_oracle.${effect}`] = atLeast(ratio, 0.9);
  }
  out.delay_runs_p50 = atMost(sim.delay_runs_p50, 2);
  out.upstream_rollbacks = { value: sim.upstream_rollbacks, target: '= 0', met: sim.upstream_rollbacks === 0 };
  // A run past a limit the job states is caught at that run; a release keeping its limit is never failed for it.
  if (statedSla?.breach_episodes) out['stated_sla.recall_first_run'] = atLeast(statedSla.recall_first_run, 1);
  if (statedSla?.kept_episodes)
    out['stated_sla.kept_failed_by_duration'] = {
      value: statedSla.kept_failed_by_duration,
      target: '= 0',
      met: statedSla.kept_failed_by_duration === 0,
    };
  if (nab) {
    out['nab.frr_per_1000'] = atMost(nab.frr_per_1000, 5);
    out['nab.inconclusive_rate'] = atMost(nab.inconclusive_rate, 0.3);
    for (const effect of ['volume_x0.5', 'volume_x2'])
      out[`nab.recall.${effect}`] = atLeast(nab.recall[effect] ?? null, 0.8);
  }
  return out;
}

/** Config checks: every stopping change caught at the first tick, no healthy deploy failed by one. */
export function configTargets(config: ConfigFigures): Record<string, TargetCheck> {
  return {
    'config.caught_first_tick_rate': atLeast(config.caught_first_tick_rate, 1),
    'config.healthy_failed_by_config': {
      value: config.healthy_failed_by_config,
      target: '= 0',
      met: config.healthy_failed_by_config === 0,
    },
  };
}

/**
 * Cost check: ×2 or more caught within three billed runs, no code-only deploy failed by it; the
 * recall held for pipeline updates as for job runs, since they bill apart.
 */
export function costTargets(cost: CostFigures): Record<string, TargetCheck> {
  return {
    'cost.cost_recall': atLeast(cost.cost_recall, 0.9),
    'cost.cost_recall_job': atLeast(cost.by_kind.job.cost_recall, 0.9),
    'cost.cost_recall_pipeline': atLeast(cost.by_kind.pipeline.cost_recall, 0.9),
    'cost.cost_false_fails': { value: cost.cost_false_fails, target: '= 0', met: cost.cost_false_fails === 0 },
  };
}
