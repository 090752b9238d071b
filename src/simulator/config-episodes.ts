// Deploys that change configuration rather than code, chosen among the replay's healthy deploys
// once the plan is otherwise made (so every other deploy keeps its draw and its outcome): one that
// pauses a job's schedule and one that switches a pipeline to development mode (both bad: they
// stop production work), one that only removes a job's failure notification (healthy, a warning),
// and one that moves a pipeline to another schema and declares it an expected change (healthy).

import type { CheckName } from '../types.js';
import type { SimPipeline } from './catalog.js';
import type { BadKind, PlannedDeploy } from './plan.js';

export const CONFIG_KINDS = [
  'schedule_paused',
  'pipeline_dev_mode',
  'notification_removed',
  'expected_retarget',
] as const;
export type ConfigKind = (typeof CONFIG_KINDS)[number];

/** Config kinds that stop production work: the config check fails them at the first tick. */
export const STOPPING_CONFIG_KINDS: readonly BadKind[] = ['schedule_paused', 'pipeline_dev_mode'];

export function isConfigKind(kind: string | null): kind is ConfigKind {
  return kind !== null && (CONFIG_KINDS as readonly string[]).includes(kind);
}

/** The alert every simulated job sends on failure: what a notification-removing deploy drops. */
export const ONCALL = 'oncall@example.com';

interface Wanted {
  readonly kind: ConfigKind;
  readonly type: 'job' | 'pipeline';
  readonly label: PlannedDeploy['label'];
  readonly expectedChanges: readonly CheckName[];
  /** The bundle's last deploy of the plan, so no later deploy of its own moves the change back. */
  readonly last: boolean;
}

const WANTED: readonly Wanted[] = [
  { kind: 'schedule_paused', type: 'job', label: 'bad', expectedChanges: [], last: false },
  { kind: 'pipeline_dev_mode', type: 'pipeline', label: 'bad', expectedChanges: [], last: false },
  { kind: 'notification_removed', type: 'job', label: 'healthy', expectedChanges: [], last: false },
  { kind: 'expected_retarget', type: 'pipeline', label: 'healthy', expectedChanges: ['config'], last: true },
];

/**
 * The plan with one deploy of each config kind, taken from the replay's healthy deploys of
 * pipelines that run at least every four hours (so the demo sees them run again after the rollback).
 */
export function withConfigEpisodes(
  deploys: readonly PlannedDeploy[],
  catalog: readonly SimPipeline[],
  replayFromMs: number,
): PlannedDeploy[] {
  const out = [...deploys];
  const lastOf = new Map(out.map((d, i) => [d.bundle, i]));
  const taken = new Set<string>();
  for (const w of WANTED) {
    const i = out.findIndex((d, i) => {
      const p = catalog[d.pipelineIndex]!;
      return (
        d.atMs >= replayFromMs &&
        d.label === 'healthy' &&
        d.behaviour.kind === null &&
        !taken.has(d.bundle) &&
        p.resourceType === w.type &&
        p.cadenceMin <= 240 &&
        (!w.last || lastOf.get(d.bundle) === i)
      );
    });
    if (i < 0) continue;
    taken.add(out[i]!.bundle);
    out[i] = {
      ...out[i]!,
      behaviour: { kind: w.kind, factor: 1 },
      label: w.label,
      ...(w.expectedChanges.length ? { expectedChanges: w.expectedChanges } : {}),
    };
  }
  return out;
}
