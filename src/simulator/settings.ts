// What `bundle deploy` leaves in the workspace for a simulated resource: Jobs 2.2 settings or a
// pipeline spec, stamped with the deployed version. Code is deployed to a path per version
// (rollback-safe artifact paths), so resetting the settings to an earlier version's snapshot
// runs that version's code again.

import type { SimPipeline } from './catalog.js';
import { ONCALL } from './config-episodes.js';
import { clusterOf, pipelineClusterOf } from './cost.js';

const artifacts = (p: SimPipeline, version: string) => `/Workspace/.bundle/${p.bundle}/prod/artifacts/${version}`;

function cronOf(p: SimPipeline): string {
  if (p.cadenceMin >= 1440) return `0 ${p.offsetMin} 0 * * ?`;
  if (p.cadenceMin >= 60) return `0 ${p.offsetMin} 0/${p.cadenceMin / 60} * * ?`;
  return `0 ${p.offsetMin}/${p.cadenceMin} * * * ?`;
}

/**
 * `kind`: the deployed version's behaviour, for the ones that change configuration (config-episodes.ts);
 * `factor`, a cost regression's rise in DBUs per run, which sizes its job cluster (cost.ts).
 */
export function jobSettings(
  p: SimPipeline,
  version: string,
  kind: string | null = null,
  factor = 1,
): Record<string, unknown> {
  const cluster = clusterOf(p, kind === null ? null : { kind: kind as 'cost_regression', factor });
  return {
    name: p.name,
    tags: { bundle: p.bundle, version, owner: 'platform' },
    schedule: {
      quartz_cron_expression: cronOf(p),
      timezone_id: 'UTC',
      pause_status: kind === 'schedule_paused' ? 'PAUSED' : 'UNPAUSED',
    },
    email_notifications: kind === 'notification_removed' ? {} : { on_failure: [ONCALL] },
    max_concurrent_runs: 1,
    queue: { enabled: true },
    format: 'MULTI_TASK',
    edit_mode: 'UI_LOCKED',
    deployment: { kind: 'BUNDLE', metadata_file_path: `/Workspace/.bundle/${p.bundle}/prod/state/metadata.json` },
    run_as: { service_principal_name: 'sp-etl' },
    job_clusters: [
      {
        job_cluster_key: 'main',
        new_cluster: {
          spark_version: '16.4.x-scala2.12',
          node_type_id: cluster.nodeType,
          driver_node_type_id: cluster.nodeType,
          num_workers: cluster.workers,
        },
      },
    ],
    tasks: p.tasks.map((key, i) => ({
      task_key: key,
      ...(i > 0 ? { depends_on: [{ task_key: p.tasks[i - 1] }] } : {}),
      ...(p.kind === 'dbt'
        ? // The vars tie Elementary's record of the invocation to the job run (see tick/dbt_tests.sql).
          {
            dbt_task: {
              commands: ['dbt deps', `dbt build --vars '{"job_id": "{{job.id}}", "job_run_id": "{{job.run_id}}"}'`],
              project_directory: `${artifacts(p, version)}/dbt`,
            },
          }
        : { notebook_task: { notebook_path: `${artifacts(p, version)}/src/${key}` } }),
      job_cluster_key: 'main',
    })),
    parameters: [{ name: 'git_sha', default: version }],
  };
}

/** `factor`, as for a job: a cost regression's rise in DBUs per update, which sizes its cluster (cost.ts). */
export function pipelineSpec(
  p: SimPipeline,
  version: string,
  kind: string | null = null,
  factor = 1,
): Record<string, unknown> {
  const [catalog, schema] = p.targets[0]!.name.split('.');
  const cluster = pipelineClusterOf(p, kind === null ? null : { kind: kind as 'cost_regression', factor });
  return {
    name: p.name,
    catalog,
    // A schema migration the deploy declares: the tables it reads stay where they are.
    schema: kind === 'expected_retarget' ? `${schema}_v2` : schema,
    ...(cluster
      ? {
          serverless: false,
          photon: false,
          clusters: [
            {
              label: 'default',
              node_type_id: cluster.nodeType,
              driver_node_type_id: cluster.nodeType,
              num_workers: cluster.workers,
            },
          ],
        }
      : { serverless: true }),
    continuous: false,
    development: kind === 'pipeline_dev_mode',
    channel: 'CURRENT',
    edition: 'ADVANCED',
    libraries: [{ glob: { include: `${artifacts(p, version)}/transformations/**` } }],
    configuration: { 'postflight.version': version },
    tags: { bundle: p.bundle, version },
    deployment: { kind: 'BUNDLE', metadata_file_path: `/Workspace/.bundle/${p.bundle}/prod/state/metadata.json` },
  };
}
