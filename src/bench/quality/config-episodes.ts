// Config-change episodes of the quality benchmark: every pipeline of the catalog deployed once
// with each change the simulator makes (settings.ts, config-episodes.ts) and once with code only,
// judged at the first tick after the deploy, one minute in, before any run. A change that stops
// production work must fail the deployment then; nothing else may fail by the config check.

import { judgeDeployment } from '../../checks/judge.js';
import type { Policy } from '../../checks/policy.js';
import { decideVerdict } from '../../checks/verdict.js';
import { deploymentIdOf } from '../../deployment-id.js';
import type { SimPipeline } from '../../simulator/catalog.js';
import { type ConfigKind, STOPPING_CONFIG_KINDS } from '../../simulator/config-episodes.js';
import { versionOf } from '../../simulator/plan.js';
import { jobSettings, pipelineSpec } from '../../simulator/settings.js';
import type { CheckName } from '../../types.js';
import { deployInstant } from './sim-episodes.js';

const FIRST_TICK_MS = 60_000;

export interface ConfigFigures {
  readonly episodes: number;
  readonly stopping: number;
  /** Stopping changes whose deployment FAILED at the first tick after the deploy. */
  readonly caught_first_tick: number;
  readonly caught_first_tick_rate: number | null;
  readonly warn_only: number;
  readonly warned_first_tick: number;
  /** Code-only deploys and declared changes: none may fail by the config check. */
  readonly healthy: number;
  readonly healthy_failed_by_config: number;
}

function episode(seed: number, p: SimPipeline, i: number, kind: ConfigKind | null, policy: Policy) {
  const before = versionOf(seed, p.bundle, 1);
  const after = versionOf(seed, p.bundle, 2);
  const settings = (v: string, k: ConfigKind | null) =>
    p.resourceType === 'job' ? jobSettings(p, v, k) : pipelineSpec(p, v, k);
  const deployMs = deployInstant(seed, 50_000 + i);
  const expectedChanges: CheckName[] = kind === 'expected_retarget' ? ['config'] : [];
  const ev = {
    deployment: {
      deploymentId: deploymentIdOf(p.bundle, 'prod', after, 2),
      bundle: p.bundle,
      target: 'prod',
      version: after,
      previousVersion: before,
      actor: 'sp-ci-deployer',
      startedMs: deployMs - 90_000,
      finishedMs: deployMs,
      status: 'SUCCEEDED' as const,
      resources: [{ type: p.resourceType, id: p.id, key: p.name }],
      expectedChanges,
    },
    supersededAtMs: null,
    subjects: [
      {
        subject: { type: p.resourceType, id: p.id, name: p.name, targetTables: [], sourceTables: [] },
        runs: [],
        writes: [],
        expectations: [],
        backlog: [],
      },
    ],
    errors: [],
    peers: [],
    settings: [
      {
        type: p.resourceType,
        id: p.id,
        before: { source: 'snapshot' as const, settings: settings(before, null) },
        after: { source: 'snapshot' as const, settings: settings(after, kind) },
      },
    ],
  };
  const nowMs = deployMs + FIRST_TICK_MS;
  const results = judgeDeployment(ev, policy, nowMs);
  const config = results.find((r) => r.check === 'config');
  return { kind, verdict: decideVerdict(ev, results, policy, nowMs).state, config: config?.status ?? null };
}

export function configEpisodeFigures(seed: number, catalog: readonly SimPipeline[], policy: Policy): ConfigFigures {
  const kinds = (p: SimPipeline): Array<ConfigKind | null> =>
    p.resourceType === 'job'
      ? [null, 'schedule_paused', 'notification_removed']
      : [null, 'pipeline_dev_mode', 'expected_retarget'];
  const judged = catalog.flatMap((p, n) => kinds(p).map((k, j) => episode(seed, p, n * 3 + j, k, policy)));
  const stopping = judged.filter((e) => e.kind !== null && STOPPING_CONFIG_KINDS.includes(e.kind));
  const warnOnly = judged.filter((e) => e.kind === 'notification_removed');
  const healthy = judged.filter((e) => e.kind === null || e.kind === 'expected_retarget');
  const caught = stopping.filter((e) => e.verdict === 'FAILED' && e.config === 'FAIL').length;
  return {
    episodes: judged.length,
    stopping: stopping.length,
    caught_first_tick: caught,
    caught_first_tick_rate: stopping.length ? caught / stopping.length : null,
    warn_only: warnOnly.length,
    warned_first_tick: warnOnly.filter((e) => e.config === 'WARN').length,
    healthy: healthy.length,
    healthy_failed_by_config: healthy.filter((e) => e.config === 'FAIL' || e.verdict === 'FAILED').length,
  };
}
