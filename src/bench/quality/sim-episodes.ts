// Which simulated deployments the benchmark judges: healthy ones on every pipeline of a catalog,
// bad ones for every kind of regression and effect size, and upstream incidents that hit the
// deployed pipeline and its peers alike. Deploy instants follow the simulator's CI habits.

import { deploymentIdOf } from '../../deployment-id.js';
import { buildCatalog, type SimPipeline } from '../../simulator/catalog.js';
import { DEFAULT_START_MS } from '../../simulator/default-spec.js';
import { type Behaviour, type Incident, versionOf } from '../../simulator/plan.js';
import { hashKey, uniform } from '../../simulator/random.js';
import { breachBehaviour, keptSla, type SimStatedSla, type SlaRule } from '../../simulator/stated-sla.js';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** Injected regressions, named by effect; the simulator's own bad behaviours. */
export const SIM_EFFECTS = {
  'volume_x0.5': { kind: 'volume_drop', factor: 0.5 },
  'volume_x0.8': { kind: 'volume_drop', factor: 0.8 },
  'volume_x1.2': { kind: 'volume_jump', factor: 1.2 },
  volume_x2: { kind: 'volume_jump', factor: 2 },
  zero_rows: { kind: 'zero_rows', factor: 0 },
  failing_runs: { kind: 'failing_runs', factor: 0 },
  'duration_x1.5': { kind: 'duration_regression', factor: 1.5 },
  duration_x2: { kind: 'duration_regression', factor: 2 },
  expectation_spike: { kind: 'expectation_spike', factor: 30 },
  stale_output: { kind: 'stale_output', factor: 0 },
} as const satisfies Record<string, Behaviour>;

export type SimEffect = keyof typeof SIM_EFFECTS;
/**
 * Releases whose settings state a job's or task's own limit (stated-sla.ts): runs it cannot keep
 * (Databricks cancels them at a timeout, or they outlast a health rule), or keeps near its slowest run.
 */
export const SLA_EFFECTS = ['sla_timeout', 'sla_overrun', 'sla_kept_timeout', 'sla_kept_health'] as const;
export type SlaEffect = (typeof SLA_EFFECTS)[number];
export type EpisodeLabel = 'healthy' | 'bad' | 'upstream_incident';

export interface SimEpisode {
  readonly index: number;
  readonly label: EpisodeLabel;
  readonly effect: SimEffect | SlaEffect | null;
  readonly pipeline: SimPipeline;
  readonly deploymentId: string;
  readonly version: string;
  readonly deployMs: number;
  readonly behaviour: Behaviour;
  readonly incidents: readonly Incident[];
  /** Seed of this episode's run noise, so episodes on the same pipeline are independent. */
  readonly noiseSeed: number;
  /** The limit the release's settings state, for the stated-SLA episodes. */
  readonly statedSla?: SimStatedSla;
}

export interface SimPlanOptions {
  readonly seed: number;
  readonly healthy: number;
  readonly bad: number;
  readonly upstream: number;
  /** Pipelines in the simulated catalog; peers are the others reading the same sources. */
  readonly pipelines: number;
  /** Stated-SLA episodes, dealt in turn to each of SLA_EFFECTS; scored apart (stated-sla-score.ts). */
  readonly statedSla?: number;
}

const HEALTHY: Behaviour = { kind: null, factor: 1 };
/** Weeks of calendar the deploy instants are spread over, so every weekday and hour comes up. */
const SPREAD_DAYS = 56;

export function simCatalog(seed: number, pipelines: number): SimPipeline[] {
  return buildCatalog({ seed, pipelines, days: 28, deploysPerDay: 0, startMs: DEFAULT_START_MS, badShare: 0 });
}

/** Mostly working hours on weekdays, weekends at 0.3 of the weekday rate, a fifth at any hour. */
export function deployInstant(seed: number, i: number): number {
  let day = 0;
  for (let tries = 0; tries < 20; tries++) {
    day = Math.floor(uniform(seed, 'bench-day', i, tries) * SPREAD_DAYS);
    const dow = new Date(DEFAULT_START_MS + day * DAY).getUTCDay();
    if ((dow !== 0 && dow !== 6) || uniform(seed, 'bench-weekend', i, tries) < 0.3) break;
  }
  const anyTime = uniform(seed, 'bench-any', i) < 0.2;
  const minute = anyTime ? uniform(seed, 'bench-minute', i) * 1440 : 420 + uniform(seed, 'bench-minute', i) * 720;
  return (
    DEFAULT_START_MS + day * DAY + Math.floor(minute) * MIN + Math.floor(uniform(seed, 'bench-second', i) * 60) * 1000
  );
}

/** The regressions a pipeline can show: expectation spikes need expectations to spike. */
function applies(effect: SimEffect, p: SimPipeline): boolean {
  return effect !== 'expectation_spike' || p.expectations.length > 0;
}

export function planSimEpisodes(opts: SimPlanOptions, catalog: readonly SimPipeline[]): SimEpisode[] {
  const out: SimEpisode[] = [];
  const add = (
    label: EpisodeLabel,
    effect: SimEffect | SlaEffect | null,
    p: SimPipeline,
    incidents: (at: number, id: string) => Incident[],
    sla?: { behaviour: Behaviour; statedSla?: SimStatedSla },
  ) => {
    const index = out.length;
    const deployMs = deployInstant(opts.seed, index);
    const version = versionOf(opts.seed, p.bundle, index + 1);
    const deploymentId = deploymentIdOf(p.bundle, 'prod', version, index + 1);
    out.push({
      index,
      label,
      effect,
      pipeline: p,
      deploymentId,
      version,
      deployMs,
      behaviour:
        sla?.behaviour ?? (effect === null || !(effect in SIM_EFFECTS) ? HEALTHY : SIM_EFFECTS[effect as SimEffect]),
      incidents: incidents(deployMs, deploymentId),
      noiseSeed: hashKey(opts.seed, 'episode', index),
      ...(sla?.statedSla ? { statedSla: sla.statedSla } : {}),
    });
  };
  for (let i = 0; i < opts.healthy; i++) add('healthy', null, catalog[i % catalog.length]!, () => []);

  // As in the simulator's plan, bad deploys go to pipelines that run at least every few hours.
  const effects = Object.keys(SIM_EFFECTS) as SimEffect[];
  const frequent = catalog.filter((p) => p.cadenceMin <= 240);
  for (let j = 0; j < opts.bad; j++) {
    const effect = effects[j % effects.length]!;
    const pool = frequent.filter((p) => applies(effect, p));
    add('bad', effect, pool[Math.floor(j / effects.length) % pool.length]!, () => []);
  }

  // The simulator's upstream incident: the first source drops to 30 % from 20 minutes after the
  // deploy for 8 hours, for every pipeline that reads it.
  const hourly = catalog.filter((p) => p.cadenceMin <= 60 && p.sources.length > 0);
  for (let k = 0; k < opts.upstream; k++) {
    const p = hourly[k % hourly.length]!;
    add('upstream_incident', null, p, (at, id) => [
      { source: p.sources[0]!, fromMs: at + 20 * MIN, toMs: at + 8 * HOUR, factor: 0.3, deploymentId: id },
    ]);
  }

  // Last, so every episode before keeps its index, instant and noise: jobs that run at least every
  // few hours, each stating a limit in its settings that its runs break or keep.
  const jobs = frequent.filter((p) => p.resourceType === 'job');
  for (let k = 0; k < (opts.statedSla ?? 0); k++) {
    const effect = SLA_EFFECTS[k % SLA_EFFECTS.length]!;
    const p = jobs[Math.floor(k / SLA_EFFECTS.length) % jobs.length]!;
    const rule: SlaRule = effect === 'sla_timeout' || effect === 'sla_kept_timeout' ? 'timeout' : 'health';
    const breach = effect === 'sla_timeout' || effect === 'sla_overrun';
    add(
      breach ? 'bad' : 'healthy',
      effect,
      p,
      () => [],
      breach ? { behaviour: breachBehaviour(p, rule) } : { behaviour: HEALTHY, statedSla: keptSla(p, rule) },
    );
  }
  return out;
}
