// Deploy policy, checked on the resolved bundle (`bundle validate -o json`) before it deploys: who
// the jobs run as, tags, clusters, notifications, pipelines' mode and event log, and whether the
// code a job runs is pinned to the version so a rollback can bring it back. Pure.

import { z } from 'zod';
import { unpinnedCode } from '../rollback/classify.js';
import type { StrategyName } from '../rollback/types.js';
import { parseOrThrow } from '../zod-issues.js';
import type { Finding } from './finding.js';

export const precheckPolicySchema = z
  .strictObject({
    /** Targets where a person may run jobs as themselves; everywhere else a service principal runs them. */
    developmentTargets: z.array(z.string().min(1)),
    /** Targets held to the production rules: no all-purpose clusters, no pipeline in development mode. */
    productionTargets: z.array(z.string().min(1)),
    /** Tags every job and pipeline must carry. */
    requiredTags: z.array(z.string().min(1)),
    /** The most workers a job cluster may have. */
    maxWorkers: z.number().int().positive().max(100_000),
    /** Every job cluster names a cluster policy. */
    requireClusterPolicy: z.boolean(),
    /** Every job and pipeline notifies someone of a failure. */
    requireNotifications: z.boolean(),
    /** Every pipeline publishes its event log (postflight reads it). */
    requireEventLog: z.boolean(),
    /**
     * Code paths pinned to the version (or checked out of git at a commit), so a settings reset can
     * bring the old code back: an error, a warning, or not checked. Rollbacks by ci-dispatch
     * redeploy from git and need no pinning.
     */
    versionedCode: z.enum(['error', 'warning', 'off']),
  })
  .partial();

export type PrecheckPolicy = Required<Omit<z.output<typeof precheckPolicySchema>, 'maxWorkers'>> & {
  readonly maxWorkers: number | null;
};

export const DEFAULT_PRECHECK_POLICY: PrecheckPolicy = {
  developmentTargets: ['dev'],
  productionTargets: ['prod'],
  requiredTags: [],
  maxWorkers: null,
  requireClusterPolicy: false,
  requireNotifications: true,
  requireEventLog: true,
  versionedCode: 'warning',
};

export function resolvePrecheckPolicy(input: unknown): PrecheckPolicy {
  if (input === undefined) return DEFAULT_PRECHECK_POLICY;
  const p = parseOrThrow(precheckPolicySchema, input, 'precheck');
  return { ...DEFAULT_PRECHECK_POLICY, ...p, maxWorkers: p.maxWorkers ?? null };
}

type Obj = Readonly<Record<string, unknown>>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : []);
const nonEmpty = (v: unknown) => arr(v).length > 0;

/** The resolved bundle as the rules read it: `bundle validate -o json`. */
export interface ResolvedBundle {
  readonly target: string;
  readonly mode: string | null;
  readonly runAs: Obj;
  readonly jobs: ReadonlyArray<[string, Obj]>;
  readonly pipelines: ReadonlyArray<[string, Obj]>;
}

export function resolvedBundle(config: Obj): ResolvedBundle {
  const bundle = obj(config.bundle);
  const resources = obj(config.resources);
  return {
    target: String(bundle.target ?? ''),
    mode: typeof bundle.mode === 'string' ? bundle.mode : null,
    runAs: obj(config.run_as),
    jobs: Object.entries(obj(resources.jobs)).map(([k, v]) => [k, obj(v)]),
    pipelines: Object.entries(obj(resources.pipelines)).map(([k, v]) => [k, obj(v)]),
  };
}

/** Clusters a job defines, with where: shared job clusters and clusters of single tasks. */
function clustersOf(job: Obj): Array<[string, Obj]> {
  return [
    ...arr(job.job_clusters).map((c): [string, Obj] => [
      `job cluster ${String(obj(c).job_cluster_key)}`,
      obj(obj(c).new_cluster),
    ]),
    ...arr(job.tasks)
      .filter((t) => obj(t).new_cluster)
      .map((t): [string, Obj] => [`task ${String(obj(t).task_key)}`, obj(obj(t).new_cluster)]),
  ];
}

/** The version deployed and how a rollback would restore it, for the versioned-code rule. */
export interface RollbackRoute {
  readonly version: string;
  readonly strategy: StrategyName;
}

export function checkPolicy(b: ResolvedBundle, p: PrecheckPolicy, route?: RollbackRoute): Finding[] {
  const out: Finding[] = [];
  const err = (subject: string, message: string) => out.push({ check: 'policy', severity: 'error', subject, message });
  const production = p.productionTargets.includes(b.target);
  const development = b.mode === 'development' || p.developmentTargets.includes(b.target);
  const bundleSp = typeof b.runAs.service_principal_name === 'string';
  for (const [key, job] of b.jobs) {
    const subject = `job ${key}`;
    const sp = bundleSp || typeof obj(job.run_as).service_principal_name === 'string';
    if (!development && !sp) {
      err(
        subject,
        `runs as a person on ${b.target}; set run_as.service_principal_name (for the bundle or the job) outside ${p.developmentTargets.join(', ')}`,
      );
    }
    const tags = obj(job.tags);
    const missing = p.requiredTags.filter((t) => tags[t] === undefined || tags[t] === '');
    if (missing.length) err(subject, `lacks the required tag${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
    if (production) {
      for (const t of arr(job.tasks).filter((x) => typeof obj(x).existing_cluster_id === 'string')) {
        err(
          subject,
          `task ${String(obj(t).task_key)} runs on an all-purpose cluster (existing_cluster_id) on ${b.target}; use a job cluster or serverless`,
        );
      }
    }
    for (const [where, c] of clustersOf(job)) {
      if (p.requireClusterPolicy && typeof c.policy_id !== 'string')
        err(subject, `${where} names no cluster policy (policy_id)`);
      const workers = Number(obj(c.autoscale).max_workers ?? c.num_workers ?? 0);
      if (p.maxWorkers !== null && workers > p.maxWorkers)
        err(subject, `${where} may grow to ${workers} workers, over the ${p.maxWorkers} allowed`);
    }
    const notified =
      nonEmpty(obj(job.email_notifications).on_failure) || nonEmpty(obj(job.webhook_notifications).on_failure);
    if (p.requireNotifications && !notified) {
      err(
        subject,
        'notifies no one of a failure; set email_notifications.on_failure or webhook_notifications.on_failure',
      );
    }
  }
  for (const [key, pipe] of b.pipelines) {
    const subject = `pipeline ${key}`;
    if (production && pipe.development === true)
      err(subject, `is in development mode on ${b.target}; remove development: true`);
    if (p.requireEventLog && !obj(pipe.event_log).name) {
      err(
        subject,
        'does not publish its event log; set event_log {catalog, schema, name} so its updates and expectations can be verified',
      );
    }
    const tags = obj(pipe.tags);
    const missing = p.requiredTags.filter((t) => tags[t] === undefined || tags[t] === '');
    if (missing.length) err(subject, `lacks the required tag${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
    const notified = arr(pipe.notifications).some((n) => nonEmpty(obj(n).email_recipients) && nonEmpty(obj(n).alerts));
    if (p.requireNotifications && !notified)
      err(subject, 'notifies no one of a failure; set notifications with email_recipients and alerts');
  }
  if (route && route.strategy === 'jobs-api' && p.versionedCode !== 'off') {
    for (const [type, list] of [
      ['job', b.jobs],
      ['pipeline', b.pipelines],
    ] as const) {
      for (const [key, settings] of list) {
        const loose = unpinnedCode(settings, route.version);
        if (loose.length === 0) continue;
        out.push({
          check: 'policy',
          severity: p.versionedCode,
          subject: `${type} ${key}`,
          message: `runs code from ${loose[0]}, which every version overwrites: a rollback by settings reset could not bring the old code back; put the version in the artifact path (e.g. \${bundle.git.commit}), check the code out of git at the commit, or roll back by ci-dispatch`,
        });
      }
    }
  }
  return out;
}
