// The detection quality benchmark: simulated episodes from the simulator's own models and, when
// a NAB copy is given, episodes cut from real series, all judged by the production checks run
// by run. Pure apart from reading the NAB files; the same options give the same report.

import type { Policy } from '../../checks/policy.js';
import type { NabData } from './nab-data.js';
import { nabRuns, nabTimeline, planNabEpisodes } from './nab-episodes.js';
import { replayEpisode } from './replay.js';
import { scoreEpisodes, type QualityFigures, type ScoredEpisode } from './score.js';
import { planSimEpisodes, simCatalog } from './sim-episodes.js';
import { simTimeline } from './sim-evidence.js';
import { evaluateTargets, type TargetCheck } from './targets.js';

export interface QualityOptions {
  readonly seed: number;
  readonly healthy: number;
  readonly bad: number;
  readonly upstream: number;
  readonly pipelines: number;
  /** NAB series read from --nab, or null to score simulated episodes only. */
  readonly nab: NabData | null;
  readonly nabStrideHours: number;
  readonly nabMinHistoryDays: number;
  readonly policy: Policy;
}

export interface NabFigures extends QualityFigures {
  readonly series: Record<string, { split: string; role: string; healthy_episodes: number; false_rollbacks: number; bad_episodes: number; rolled_back: number }>;
  readonly by_split: Record<string, Pick<QualityFigures, 'healthy_episodes' | 'bad_episodes' | 'frr_per_1000' | 'frr_upper_95_per_1000' | 'recall'>>;
  readonly missing_series: readonly string[];
}

export interface QualityReport extends QualityFigures {
  readonly benchmark: 'quality';
  readonly seed: number;
  readonly params: Record<string, unknown>;
  readonly nab: NabFigures | null;
  readonly targets: Record<string, TargetCheck>;
}

export type ProgressFn = (phase: string, done: number, total: number) => void;

const cadenceLabel = (min: number) => (min >= 1440 ? `${min / 1440}d` : min >= 60 ? `${min / 60}h` : `${min}m`);

export function runSimulated(opts: QualityOptions, progress: ProgressFn): ScoredEpisode[] {
  const catalog = simCatalog(opts.seed, opts.pipelines);
  const episodes = planSimEpisodes(opts, catalog);
  return episodes.map((ep, i) => {
    if (i % 25 === 0) progress('simulated episodes', i, episodes.length);
    const outcome = replayEpisode(simTimeline(ep, catalog, opts.policy), opts.policy);
    return { label: ep.label, effect: ep.effect, group: `${ep.pipeline.kind}/${cadenceLabel(ep.pipeline.cadenceMin)}`, outcome };
  });
}

function runNab(data: NabData, opts: QualityOptions, progress: ProgressFn): NabFigures {
  const episodes = planNabEpisodes(data.series.map(nabRuns), { strideHours: opts.nabStrideHours, minHistoryDays: opts.nabMinHistoryDays }, opts.policy);
  const scored = episodes.map((ep, i) => {
    if (i % 25 === 0) progress('NAB episodes', i, episodes.length);
    const outcome = replayEpisode(nabTimeline(ep, opts.policy), opts.policy);
    return { label: ep.label, effect: ep.effect, group: ep.runs.name, outcome, split: ep.runs.series.spec.split, role: ep.runs.series.spec.role };
  });
  const series: NabFigures['series'] = {};
  for (const s of data.series) {
    const name = s.spec.file.replace(/\.csv$/, '').split('/').pop()!;
    const mine = scored.filter((e) => e.group === name);
    const healthy = mine.filter((e) => e.label === 'healthy');
    const bad = mine.filter((e) => e.label === 'bad');
    series[name] = {
      split: s.spec.split,
      role: s.spec.role,
      healthy_episodes: healthy.length,
      false_rollbacks: healthy.filter((e) => e.outcome.rolledBack).length,
      bad_episodes: bad.length,
      rolled_back: bad.filter((e) => e.outcome.rolledBack).length,
    };
  }
  const bySplit: NabFigures['by_split'] = {};
  for (const split of ['tune', 'report']) {
    const f = scoreEpisodes(scored.filter((e) => e.split === split));
    bySplit[split] = { healthy_episodes: f.healthy_episodes, bad_episodes: f.bad_episodes, frr_per_1000: f.frr_per_1000, frr_upper_95_per_1000: f.frr_upper_95_per_1000, recall: f.recall };
  }
  return { ...scoreEpisodes(scored), series, by_split: bySplit, missing_series: data.missing };
}

export function runQuality(opts: QualityOptions, progress: ProgressFn = () => {}): QualityReport {
  const sim = scoreEpisodes(runSimulated(opts, progress));
  const nab = opts.nab === null ? null : runNab(opts.nab, opts, progress);
  return {
    benchmark: 'quality',
    seed: opts.seed,
    params: {
      policy: opts.policy,
      simulated: { healthy: opts.healthy, bad: opts.bad, upstream: opts.upstream, catalog_pipelines: opts.pipelines },
      nab: opts.nab === null ? null : { stride_hours: opts.nabStrideHours, min_history_days: opts.nabMinHistoryDays },
    },
    ...sim,
    nab,
    targets: evaluateTargets(sim, nab),
  };
}
