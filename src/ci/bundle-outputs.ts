// What the Databricks CLI and the bundle's workspace state already say about a deployment, read
// as they write it: `bundle validate/summary -o json` (the resolved config; summary adds each
// resource's id), `bundle plan -o json` (per-resource actions), and the state files
// `metadata.json` (resource ids after a deploy) and `deployment.json` (the deploy sequence).
// Only the fields postflight uses are checked; everything else passes through untouched.

import { z } from 'zod';
import type { ResourceType } from '../types.js';

/** A CLI output or state file that is missing, not JSON or not of the expected shape. */
export class BundleInputError extends Error {}

const git = z.looseObject({
  commit: z.string().optional(),
  branch: z.string().optional(),
  origin_url: z.string().optional(),
});

const resource = z.looseObject({
  id: z.string().optional(),
  name: z.string().optional(),
  modified_status: z.string().optional(),
  tasks: z.array(z.looseObject({ dbt_task: z.unknown().optional() })).optional(),
});

const resourceGroups = z.looseObject({
  jobs: z.record(z.string(), resource).optional(),
  pipelines: z.record(z.string(), resource).optional(),
});

export const bundleConfigSchema = z.looseObject({
  bundle: z.looseObject({ name: z.string().min(1), target: z.string().min(1), git: git.optional() }),
  workspace: z.looseObject({ state_path: z.string().optional(), root_path: z.string().optional() }).optional(),
  resources: resourceGroups.optional(),
});

/** The plan actions of both engines; `skip` leaves a resource as it is. */
export const PLAN_ACTIONS = ['skip', 'resize', 'update', 'update_id', 'create', 'recreate', 'delete'] as const;
export type PlanAction = (typeof PLAN_ACTIONS)[number];

export const planSchema = z.looseObject({
  plan: z.record(z.string(), z.looseObject({ action: z.enum(PLAN_ACTIONS) })),
});

export const metadataSchema = z.looseObject({
  version: z.number(),
  config: z.looseObject({
    bundle: z.looseObject({ name: z.string().optional(), target: z.string().optional(), git: git.optional() }),
    resources: z
      .looseObject({
        jobs: z.record(z.string(), z.looseObject({ id: z.string().optional() })).optional(),
        pipelines: z.record(z.string(), z.looseObject({ id: z.string().optional() })).optional(),
      })
      .optional(),
  }),
});

export const deploymentStateSchema = z.looseObject({
  version: z.number(),
  seq: z.number().int().nonnegative(),
  id: z.string().optional(),
  timestamp: z.string().optional(),
  /** The files the deploy synced, relative to the bundle's sync root. */
  files: z.array(z.looseObject({ local_path: z.string(), is_notebook: z.boolean().optional() })).optional(),
});

export type BundleConfig = z.output<typeof bundleConfigSchema>;
export type BundlePlan = z.output<typeof planSchema>;
export type BundleMetadata = z.output<typeof metadataSchema>;
export type DeploymentState = z.output<typeof deploymentStateSchema>;

/** Parses one CLI output or state file's text; `source` names it in the error, with the fix. */
export function parseBundleJson<S extends z.ZodType>(
  schema: S,
  text: string,
  source: string,
  fix: string,
): z.output<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new BundleInputError(`${source} is not valid JSON (${(e as Error).message}); ${fix}`);
  }
  const r = schema.safeParse(raw);
  if (!r.success) {
    const fields = r.error.issues.map((i) => `  - ${i.path.map(String).join('.') || '(the whole file)'}: ${i.message}`);
    throw new BundleInputError(`${source} is not of the expected shape:\n${fields.join('\n')}\n${fix}`);
  }
  return r.data;
}

/** A job or pipeline of the bundle, by its key in the config and its id in the workspace. */
export interface BundleResource {
  readonly type: ResourceType;
  readonly key: string;
  readonly id: string | null;
  /** What the plan does to it; null without a plan. */
  readonly action: PlanAction | null;
  /** For a job whose tasks the config lists: whether one of them runs dbt (its test results are read). */
  readonly dbt?: boolean;
}

const GROUPS: ReadonlyArray<[ResourceType, 'jobs' | 'pipelines']> = [
  ['job', 'jobs'],
  ['pipeline', 'pipelines'],
];

/**
 * The bundle's jobs and pipelines: ids from the summary, else from metadata.json (written after a
 * deploy), and the plan's action for each. A resource the config removed ("deleted") is left out.
 */
export function bundleResources(
  config: BundleConfig,
  metadata: BundleMetadata | null,
  plan: BundlePlan | null,
): BundleResource[] {
  const out: BundleResource[] = [];
  for (const [type, group] of GROUPS) {
    const configured = config.resources?.[group] ?? {};
    const recorded = metadata?.config.resources?.[group] ?? {};
    for (const [key, r] of Object.entries(configured)) {
      if (r.modified_status === 'deleted') continue;
      const action = plan?.plan[`resources.${group}.${key}`]?.action ?? null;
      const dbt = type === 'job' && r.tasks ? { dbt: r.tasks.some((t) => t.dbt_task !== undefined) } : {};
      out.push({ type, key, id: r.id ?? recorded[key]?.id ?? null, action, ...dbt });
    }
  }
  return out.sort((a, b) => (a.type === b.type ? (a.key < b.key ? -1 : 1) : a.type < b.type ? -1 : 1));
}

/** Whether the plan changes the resource's settings (anything but skip; no plan: unknown, so yes). */
export function planChanges(r: BundleResource): boolean {
  return r.action !== 'skip';
}

/**
 * The bundle config as far as metadata.json (written at the end of every deploy) tells it: name,
 * target, git and each job's and pipeline's id. What a job triggered by the deploy itself has,
 * inside the workspace, where no CLI output is at hand.
 */
export function configFromMetadata(metadata: BundleMetadata, statePath: string, source: string): BundleConfig {
  const b = metadata.config.bundle;
  if (!b.name || !b.target)
    throw new BundleInputError(`${source} names no bundle or target; is it a bundle's state/metadata.json?`);
  const group = (g: Record<string, { id?: string | undefined }> | undefined) =>
    Object.fromEntries(Object.entries(g ?? {}).map(([k, v]) => [k, v.id === undefined ? {} : { id: v.id }]));
  return {
    bundle: { name: b.name, target: b.target, ...(b.git ? { git: b.git } : {}) },
    workspace: { state_path: statePath },
    resources: { jobs: group(metadata.config.resources?.jobs), pipelines: group(metadata.config.resources?.pipelines) },
  };
}
