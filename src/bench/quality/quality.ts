// The detection quality benchmark: simulated episodes from the simulator's own models and, when
// a NAB copy is given, episodes cut from real series, all judged by the production checks run
// by run. Episodes are dealt to parts by index and merged back in index order, so the report is
// the same however many threads replay them.

import { baselineHorizons } from '../../checks/baseline-window.js';
import { kMaxFor, type Policy } from '../../checks/policy.js';
import { DEFAULT_ROLLBACK_POLICY } from '../../rollback/policy.js';
import type { SimPipeline } from '../../simulator/catalog.js';
import { type BurnFigures, burnEpisodeFigures } from './burn-episodes.js';
import { type ConfigFigures, configEpisodeFigures } from './config-episodes.js';
import { type CostFigures, costEpisodeFigures } from './cost-episodes.js';
import type { NabData } from './nab-data.js';
import { nabRuns, nabTimeline, planNabEpisodes } from './nab-episodes.js';
import { type NabOracleFigures, nabOracle } from './nab-oracle.js';
import { type OracleKind, oracleCatches, simOracleSeries } from './oracle.js';
import { replayEpisode, volumeGateMetWithin } from './replay.js';
import { type QualityFigures, RECALL_TARGETS, type ScoredEpisode, scoreEpisodes } from './score.js';
import { planSimEpisodes, SLA_EFFECTS, simCatalog } from './sim-episodes.js';
import { PeerHistory, simTimeline } from './sim-evidence.js';
import { type StatedSlaFigures, scoreStatedSla } from './stated-sla-score.js';
import { configTargets, costTargets, evaluateTargets, type TargetCheck } from './targets.js';
import type { EpisodeTimeline } from './timeline.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;

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
  /** Stated-SLA episodes (sim-episodes.ts), scored apart. */
  readonly statedSla?: number;
  /** Burn-driven episodes (burn-episodes.ts), scored apart; 8 when not given (the command's default is 40). */
  readonly burn?: number;
}

export interface NabScored extends ScoredEpisode {
  readonly split: string;
  readonly role: string;
}

export interface PartResult {
  readonly sim: ScoredEpisode[];
  readonly nab: NabScored[];
  /** The stated-SLA episodes, kept out of `sim`'s figures. */
  readonly statedSla: ScoredEpisode[];
}

export interface NabFigures extends QualityFigures {
  readonly series: Record<
    string,
    {
      split: string;
      role: string;
      healthy_episodes: number;
      false_rollbacks: number;
      bad_episodes: number;
      rolled_back: number;
    }
  >;
  readonly by_split: Record<
    string,
    Pick<QualityFigures, 'healthy_episodes' | 'bad_episodes' | 'frr_per_1000' | 'frr_upper_95_per_1000' | 'recall'>
  >;
  readonly missing_series: readonly string[];
  /** What a test knowing each episode's level and the true spread of its pooled shift decides (nab-oracle.ts). */
  readonly oracle: NabOracleFigures;
}

export interface QualityReport extends QualityFigures {
  readonly benchmark: 'quality';
  readonly seed: number;
  readonly params: Record<string, unknown>;
  readonly nab: NabFigures | null;
  readonly stated_sla: StatedSlaFigures;
  /** Config-change episodes judged at the first tick after the deploy (config-episodes.ts). */
  readonly config: ConfigFigures;
  /** Cost regressions (a bigger cluster) and code-only deploys judged by the cost check as billed (cost-episodes.ts). */
  readonly cost: CostFigures;
  /** Burn-driven episodes: checks while verified, then the error budget's live watch (burn-episodes.ts). */
  readonly burn: BurnFigures;
  readonly targets: Record<string, TargetCheck>;
}

/** Reports episodes replayed so far out of all this part will replay. */
export type ProgressFn = (done: number, total: number) => void;
/** Replays every part, in this thread or elsewhere, and returns their results in part order. */
export type PartRunner = (opts: QualityOptions, parts: number, progress: ProgressFn) => Promise<PartResult[]>;

const cadenceLabel = (min: number) => (min >= 1440 ? `${min / 1440}d` : min >= 60 ? `${min / 60}h` : `${min}m`);

/** Replays the episodes whose index falls to `part` of `parts`. */
export function replayPart(
  opts: QualityOptions,
  part: number,
  parts: number,
  progress: ProgressFn = () => {},
): PartResult {
  const catalog = simCatalog(opts.seed, opts.pipelines);
  const simEpisodes = planSimEpisodes(opts, catalog).filter((ep) => ep.index % parts === part);
  const nabEpisodes =
    opts.nab === null
      ? []
      : planNabEpisodes(
          opts.nab.series.map(nabRuns),
          { strideHours: opts.nabStrideHours, minHistoryDays: opts.nabMinHistoryDays },
          opts.policy,
        ).filter((_, i) => i % parts === part);
  const total = simEpisodes.length + nabEpisodes.length;
  const deploys = simEpisodes.map((ep) => ep.deployMs);
  const peers = new PeerHistory(
    opts.seed,
    baselineHorizons(Math.min(...deploys), opts.policy).sinceMs,
    Math.max(...deploys) + opts.policy.window.maxHours * HOUR + 2 * DAY,
  );
  let done = 0;
  const tick = () => {
    if (++done % 20 === 0 || done === total) progress(done, total);
  };
  const isSla = (effect: string | null) => (SLA_EFFECTS as readonly (string | null)[]).includes(effect);
  const statedSla = simEpisodes
    .filter((ep) => isSla(ep.effect))
    .map((ep): ScoredEpisode => {
      const outcome = replayEpisode(simTimeline(ep, catalog, opts.policy, peers), opts.policy);
      tick();
      return { index: ep.index, label: ep.label, effect: ep.effect, group: ep.pipeline.kind, outcome };
    });
  const sim = simEpisodes
    .filter((ep) => !isSla(ep.effect))
    .map((ep): ScoredEpisode => {
      const tl = simTimeline(ep, catalog, opts.policy, peers);
      const outcome = replayEpisode(tl, opts.policy);
      const target = ep.effect === null ? undefined : RECALL_TARGETS[ep.effect];
      const volume = ep.behaviour.kind === 'volume_drop' || ep.behaviour.kind === 'volume_jump';
      const level: OracleKind | null = volume
        ? 'volume'
        : ep.behaviour.kind === 'duration_regression'
          ? 'duration'
          : null;
      // A healthy deployment is tested on all it has; a regression on the series it moves.
      const kinds: OracleKind[] = ep.label === 'healthy' ? ['volume', 'duration'] : level ? [level] : [];
      tick();
      return {
        index: ep.index,
        label: ep.label,
        effect: ep.effect,
        group: `${ep.pipeline.kind}/${cadenceLabel(ep.pipeline.cadenceMin)}`,
        outcome,
        ...(target && volume ? { gateMetWithinTarget: volumeGateMetWithin(tl, opts.policy, target.runs) } : {}),
        ...(kinds.length ? { oracle: oracleOf(tl, ep.pipeline, kinds, opts.policy, target?.runs) } : {}),
      };
    });
  const nab = nabEpisodes.map((ep) => {
    const outcome = replayEpisode(nabTimeline(ep, opts.policy), opts.policy);
    tick();
    return {
      index: ep.index,
      label: ep.label,
      effect: ep.effect,
      group: ep.runs.name,
      outcome,
      split: ep.runs.series.spec.split,
      role: ep.runs.series.spec.role,
    };
  });
  return { sim, nab, statedSla };
}

/**
 * What the oracle catches of a simulated episode: within the target's runs when it has one, and
 * over the runs the watch could see (K_max of the pipeline's cadence, within the window). On a
 * healthy episode a catch is a false rollback even the oracle would make.
 */
function oracleOf(
  tl: EpisodeTimeline,
  p: SimPipeline,
  kinds: readonly OracleKind[],
  policy: Policy,
  targetRuns: number | undefined,
): NonNullable<ScoredEpisode['oracle']> {
  const series = kinds.flatMap((kind) => simOracleSeries(tl, p, kind, policy));
  const closeMs = tl.deployment.finishedMs + policy.window.maxHours * HOUR;
  const inWindow = tl.subjects[0]!.runs.filter(
    (r) => r.startMs >= tl.deployment.finishedMs && r.endMs !== null && r.endMs <= closeMs,
  ).length;
  const window = Math.min(kMaxFor(policy, p.cadenceMin * 60_000), inWindow);
  return {
    window: oracleCatches(series, window, policy.alpha),
    ...(targetRuns === undefined ? {} : { withinTarget: oracleCatches(series, targetRuns, policy.alpha) }),
  };
}

export const replayInThisThread: PartRunner = async (opts, _parts, progress) => [replayPart(opts, 0, 1, progress)];

function nabFigures(data: NabData, scored: readonly NabScored[], opts: QualityOptions): NabFigures {
  const series: NabFigures['series'] = {};
  for (const s of data.series) {
    const name = s.spec.file
      .replace(/\.csv$/, '')
      .split('/')
      .pop()!;
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
    bySplit[split] = {
      healthy_episodes: f.healthy_episodes,
      bad_episodes: f.bad_episodes,
      frr_per_1000: f.frr_per_1000,
      frr_upper_95_per_1000: f.frr_upper_95_per_1000,
      recall: f.recall,
    };
  }
  const episodes = planNabEpisodes(
    data.series.map(nabRuns),
    { strideHours: opts.nabStrideHours, minHistoryDays: opts.nabMinHistoryDays },
    opts.policy,
  );
  return {
    ...scoreEpisodes(scored),
    series,
    by_split: bySplit,
    missing_series: data.missing,
    oracle: nabOracle(episodes, opts.policy),
  };
}

export async function runQuality(
  opts: QualityOptions,
  run: PartRunner = replayInThisThread,
  parts = 1,
  progress: ProgressFn = () => {},
): Promise<QualityReport> {
  const results = await run(opts, parts, progress);
  const byIndex = <T extends { index: number }>(xs: T[]) => xs.sort((a, b) => a.index - b.index);
  const sim = scoreEpisodes(byIndex(results.flatMap((r) => r.sim)));
  const nab = opts.nab === null ? null : nabFigures(opts.nab, byIndex(results.flatMap((r) => r.nab)), opts);
  const statedSla = scoreStatedSla(byIndex(results.flatMap((r) => r.statedSla ?? [])));
  const catalog = simCatalog(opts.seed, opts.pipelines);
  const config = configEpisodeFigures(opts.seed, catalog, opts.policy);
  const cost = costEpisodeFigures(opts.seed, catalog, opts.policy);
  const burn = burnEpisodeFigures(opts.seed, catalog, opts.policy, {
    episodes: opts.burn ?? 8,
    candidateHours: DEFAULT_ROLLBACK_POLICY.candidateHours,
  });
  return {
    benchmark: 'quality',
    seed: opts.seed,
    params: {
      policy: opts.policy,
      simulated: {
        healthy: opts.healthy,
        bad: opts.bad,
        upstream: opts.upstream,
        stated_sla: opts.statedSla ?? 0,
        burn: opts.burn ?? 8,
        catalog_pipelines: opts.pipelines,
      },
      nab: opts.nab === null ? null : { stride_hours: opts.nabStrideHours, min_history_days: opts.nabMinHistoryDays },
    },
    ...sim,
    nab,
    stated_sla: statedSla,
    config,
    cost,
    burn,
    targets: { ...evaluateTargets(sim, nab, statedSla), ...configTargets(config), ...costTargets(cost) },
  };
}
