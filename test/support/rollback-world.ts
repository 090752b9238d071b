// A small control plane and ops history for rollback tests: one bundle with a job and a pipeline,
// a HEALTHY earlier version and a FAILED live one, both with settings snapshots.

import { type CodeFingerprint, codeAttributes } from '../../src/ci/code-fingerprint.js';
import { type DeploymentRecord, recordDeployments } from '../../src/ci/record.js';
import { verdictRows } from '../../src/tick/result-rows.js';
import type { ResourceRef, VerdictState } from '../../src/types.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { loadSql, splitStatements } from '../../src/warehouse/sql-files.js';

export const T = Date.UTC(2026, 10, 3, 12);
export const HOUR = 3_600_000;
export const JOB: ResourceRef = { type: 'job', id: '4242', key: 'orders_job' };
export const PIPE: ResourceRef = { type: 'pipeline', id: 'p-77', key: 'orders_dlt' };
export const BUNDLE = 'orders';

export const jobSettings = (version: string, extra: Record<string, unknown> = {}) => ({
  name: 'orders_job',
  tags: { bundle: BUNDLE, version },
  tasks: [{ task_key: 'main', notebook_path: `/Workspace/.bundle/orders/prod/artifacts/${version}/src/main` }],
  parameters: [{ name: 'git_sha', default: version }],
  ...extra,
});

export const pipelineSpec = (version: string, extra: Record<string, unknown> = {}) => ({
  name: 'orders_dlt',
  catalog: 'prod',
  schema: 'orders',
  libraries: [{ glob: { include: `/Workspace/.bundle/orders/prod/artifacts/${version}/transformations/**` } }],
  configuration: { 'postflight.version': version },
  ...extra,
});

export interface Version {
  readonly id: string;
  readonly version: string;
  readonly finishedMs: number;
  readonly verdict: VerdictState | null;
  readonly resources?: readonly ResourceRef[];
  readonly job?: Record<string, unknown>;
  readonly pipeline?: Record<string, unknown>;
  readonly actor?: string;
  /** The code fingerprint its deploy recorded (none: not known). */
  readonly code?: CodeFingerprint;
}

export const V1: Version = {
  id: 'dep-v1',
  version: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
  finishedMs: T - 72 * HOUR,
  verdict: 'HEALTHY',
};
export const V2: Version = {
  id: 'dep-v2',
  version: 'ffeeddccbbaa99887766554433221100ffeeddcc',
  finishedMs: T - 2 * HOUR,
  verdict: 'FAILED',
};

export async function openRollbackWorld(
  versions: readonly Version[] = [V1, V2],
  path = ':memory:',
): Promise<DuckDbWarehouse> {
  const wh = await DuckDbWarehouse.open(path);
  for (const stmt of splitStatements(loadSql('embedded/sim_world'))) await wh.session.run(stmt);
  await wh.applyDdl('ddl/ops');
  await wh.session.run('INSERT INTO sim_world.clock VALUES ($now)', { now: T });
  const live = versions[versions.length - 1]!;
  const liveJob = live.job ?? jobSettings(live.version);
  const livePipe = live.pipeline ?? pipelineSpec(live.version);
  for (const [ref, settings] of [
    [JOB, liveJob],
    [PIPE, livePipe],
  ] as const) {
    await wh.session.run(
      'INSERT INTO sim_world.api_resources VALUES ($id, $type, $bundle, $version, $settings, $at, $at)',
      {
        id: ref.id,
        type: ref.type,
        bundle: BUNDLE,
        version: live.version,
        settings: JSON.stringify(settings),
        at: live.finishedMs,
      },
    );
  }
  for (const v of versions) await addVersion(wh, v);
  return wh;
}

export async function addVersion(wh: DuckDbWarehouse, v: Version): Promise<void> {
  const resources = v.resources ?? [JOB, PIPE];
  const rec: DeploymentRecord = {
    deploymentId: v.id,
    bundle: BUNDLE,
    target: 'prod',
    version: v.version,
    previousVersion: null,
    actor: v.actor ?? 'sp-ci',
    ciRunUrl: null,
    startedMs: v.finishedMs - 60_000,
    finishedMs: v.finishedMs,
    status: 'SUCCEEDED',
    resources,
    expectedChanges: [],
    traceId: v.id.padEnd(32, '0'),
  };
  await recordDeployments(
    wh,
    {
      deployments: [rec],
      snapshots: resources.map((r) => ({
        deploymentId: v.id,
        snapshot: {
          resource: r,
          settings: r.type === 'job' ? (v.job ?? jobSettings(v.version)) : (v.pipeline ?? pipelineSpec(v.version)),
        },
      })),
      events: v.code
        ? [
            {
              deploymentId: v.id,
              traceId: rec.traceId,
              event: {
                stage: 'deploy',
                attempt: 1,
                startedMs: v.finishedMs - 60_000,
                finishedMs: v.finishedMs,
                status: 'SUCCEEDED',
                attributes: codeAttributes(v.code),
                spanId: v.id.padEnd(16, '0').slice(0, 16),
              },
            },
          ]
        : [],
    },
    v.finishedMs,
  );
  if (v.verdict) {
    await wh.execute(
      'tick/merge_verdicts',
      {},
      verdictRows(
        [
          {
            deploymentId: v.id,
            state: v.verdict,
            reason: v.verdict === 'FAILED' ? 'run_health: 2 of 2 post-deploy runs failed' : 'all checks passed',
            final: v.verdict !== 'VERIFYING',
            postRuns: 3,
            recheckAtMs: null,
          },
        ],
        'tick-setup',
        v.finishedMs + HOUR,
      ),
    );
  }
}

export async function liveVersion(wh: DuckDbWarehouse, ref: ResourceRef): Promise<string> {
  const [r] = await wh.session.all('SELECT version FROM sim_world.api_resources WHERE resource_id = $id', {
    id: ref.id,
  });
  return String(r!.version);
}
