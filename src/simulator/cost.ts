// What a simulated run costs. A job runs on a job cluster of its own (a node type and a fixed
// number of workers) and burns DBUs for as long as the cluster is up; a pipeline runs either
// serverless or on a classic cluster its spec declares, each at a rate of its own. A run's DBUs
// follow its duration, so they share its daily pattern and its noise, plus a little of their own
// (start-up, billing granularity).

import type { SimPipeline } from './catalog.js';
import type { Behaviour } from './plan.js';
import { hashKey, normal, pick, uniform } from './random.js';

/** DBUs an instance of each node type burns per hour on jobs compute (AWS, i3 family). */
export const NODE_DBU_PER_HOUR: Readonly<Record<string, number>> = {
  'i3.xlarge': 1,
  'i3.2xlarge': 2,
  'i3.4xlarge': 4,
};

export const BASE_NODE_TYPE = 'i3.xlarge';

/** How the simulated workspace bills: its SKUs and their list prices in USD per DBU. */
export const JOBS_SKU = 'PREMIUM_JOBS_COMPUTE';
export const DLT_SKU = 'PREMIUM_JOBS_SERVERLESS_COMPUTE_US_EAST_1';
/** What a pipeline on classic compute bills under (its edition's SKU). */
export const DLT_CLASSIC_SKU = 'PREMIUM_DLT_ADVANCED_COMPUTE';
export const WORKSPACE_ID = '4242';

/** A job cluster's size: the node type of its driver and workers and how many workers. */
export interface SimCluster {
  readonly nodeType: string;
  readonly workers: number;
}

/** The DBU rises a cost-regression deploy brings, each with the cluster change that makes it. */
export const COST_FACTORS = [2, 3, 4] as const;

/** Cluster start-up the run pays for before its first task starts, seconds. */
const STARTUP_S = 240;
/** Noise of DBUs per run beyond its duration's (log scale). */
const DBU_SIGMA = 0.03;

/** The job cluster a job's settings declare when it runs its usual code. */
export function baseCluster(p: SimPipeline): SimCluster {
  return { nodeType: BASE_NODE_TYPE, workers: pick([2, 4, 8], hashKey('cluster', p.index)) };
}

/**
 * The job cluster of a deploy that burns `factor` times the DBUs per run: a bigger node type for
 * ×2 and ×4, more workers for ×3 (DBUs per hour are (workers + 1) × the node type's rate).
 */
export function clusterOf(p: SimPipeline, behaviour: Pick<Behaviour, 'kind' | 'factor'> | null): SimCluster {
  const base = baseCluster(p);
  if (behaviour?.kind !== 'cost_regression') return base;
  if (behaviour.factor === 2) return { ...base, nodeType: 'i3.2xlarge' };
  if (behaviour.factor === 4) return { ...base, nodeType: 'i3.4xlarge' };
  return { ...base, workers: Math.round((base.workers + 1) * behaviour.factor - 1) };
}

export function dbuPerHour(c: SimCluster): number {
  return (c.workers + 1) * (NODE_DBU_PER_HOUR[c.nodeType] ?? 1);
}

/** The serverless rate of a pipeline, DBUs per hour of update. */
function serverlessRate(p: SimPipeline): number {
  return 4 + Math.floor(uniform('dlt-rate', p.index) * 12);
}

/**
 * The cluster a pipeline's spec declares when it runs its usual code; null for the half of the
 * pipelines that run serverless. A classic pipeline burns what it would serverless: one i3.xlarge
 * driver and workers enough to match the rate, so the choice moves no pipeline's DBUs.
 */
export function basePipelineCluster(p: SimPipeline): SimCluster | null {
  if (uniform('dlt-classic', p.index) < 0.5) return null;
  return { nodeType: BASE_NODE_TYPE, workers: serverlessRate(p) - 1 };
}

/**
 * The cluster of a pipeline deploy that burns `factor` times the DBUs per update: a classic
 * pipeline's node type or workers change as a job's do; a serverless one moves to classic compute
 * on a cluster `factor` times its serverless rate.
 */
export function pipelineClusterOf(
  p: SimPipeline,
  behaviour: Pick<Behaviour, 'kind' | 'factor'> | null,
): SimCluster | null {
  const base = basePipelineCluster(p);
  if (behaviour?.kind !== 'cost_regression') return base;
  if (base === null) return { nodeType: BASE_NODE_TYPE, workers: Math.round(serverlessRate(p) * behaviour.factor) - 1 };
  if (behaviour.factor === 2) return { ...base, nodeType: 'i3.2xlarge' };
  if (behaviour.factor === 4) return { ...base, nodeType: 'i3.4xlarge' };
  return { ...base, workers: Math.round((base.workers + 1) * behaviour.factor - 1) };
}

/** What a run computes on: a job's cluster, a pipeline's cluster, or null for a serverless pipeline. */
export function computeOf(p: SimPipeline, behaviour: Pick<Behaviour, 'kind' | 'factor'> | null): SimCluster | null {
  return p.resourceType === 'job' ? clusterOf(p, behaviour) : pipelineClusterOf(p, behaviour);
}

/** DBUs a run burns, given how long it ran and what it ran on (null for a serverless pipeline). */
export function runDbus(
  seed: number,
  p: SimPipeline,
  slot: number,
  durationMs: number,
  cluster: SimCluster | null,
): number {
  // A pipeline's rate per hour of update takes its cluster's start-up in, as its serverless rate does.
  const startup = cluster && p.resourceType === 'job' ? STARTUP_S : 0;
  const hours = (durationMs / 1000 + startup) / 3600;
  const rate = cluster ? dbuPerHour(cluster) : serverlessRate(p);
  return hours * rate * Math.exp(DBU_SIGMA * normal(seed, 'dbu', p.index, slot));
}

/** The cost-regression factor of a deploy chosen to be one, drawn from its key. */
export function costFactorOf(key: number): number {
  return pick(COST_FACTORS, key, 'cost');
}
