import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  bundleConfigSchema,
  bundleResources,
  configFromMetadata,
  deploymentStateSchema,
  metadataSchema,
  parseBundleJson,
  planSchema,
} from '../../src/ci/bundle-outputs.js';
import { ciContextOf } from '../../src/ci/ci-context.js';
import { type RecordRequest, recordStage } from '../../src/ci/record-stage.js';
import { RecordInputError, traceIdOf } from '../../src/ci/stage-record.js';
import { deploymentIdOf } from '../../src/deployment-id.js';
import type { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import type { Warehouse } from '../../src/warehouse/port.js';
import type { JobInfo, PipelineInfo, Workspace } from '../../src/workspace/port.js';
import { emptyWorldAt } from '../support/empty-world.js';

const FIX = join(__dirname, '../fixtures/databricks-cli');
const text = (name: string) => readFileSync(join(FIX, name), 'utf8');
const summary = parseBundleJson(bundleConfigSchema, text('summary.json'), 'summary.json', '');
const validate = parseBundleJson(bundleConfigSchema, text('validate.json'), 'validate.json', '');
const plan = parseBundleJson(planSchema, text('plan.json'), 'plan.json', '');
const metadata = parseBundleJson(metadataSchema, text('metadata.json'), 'metadata.json', '');
const deployState = parseBundleJson(deploymentStateSchema, text('deployment.json'), 'deployment.json', '');
const T0 = Date.UTC(2026, 10, 20, 9);
const GITHUB = {
  GITHUB_ACTIONS: 'true',
  GITHUB_SHA: '5d8c1e0a9b7f4c3d2e1f0a9b8c7d6e5f4a3b2c1d',
  GITHUB_REF_NAME: 'main',
  GITHUB_ACTOR: 'octo',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_REPOSITORY: 'acme/sales_etl',
  GITHUB_RUN_ID: '777',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_WORKFLOW: 'deploy',
};

/** A workspace holding one job and one pipeline whose settings the test sets, and the bundle's state files. */
class BundleWorkspace implements Workspace {
  readonly stats = { calls: 0 };
  job: Record<string, unknown> | null = { name: 'ingest_orders', timeout_seconds: 7200 };
  pipeline: Record<string, unknown> | null = { name: 'orders_dlt', catalog: 'main' };
  files = new Map<string, string>();
  listRuns = async () => ({ runs: [] });
  async getJob(id: string): Promise<JobInfo | null> {
    this.stats.calls++;
    return id === '1111' && this.job ? { job_id: id, settings: this.job } : null;
  }
  async getPipeline(id: string): Promise<PipelineInfo | null> {
    this.stats.calls++;
    return id === 'abcd-1234' && this.pipeline ? { pipeline_id: id, spec: this.pipeline } : null;
  }
  resetJob = async () => undefined;
  editPipeline = async () => undefined;
  async exportFile(path: string): Promise<string | null> {
    this.stats.calls++;
    return this.files.get(path) ?? null;
  }
}

let wh: DuckDbWarehouse;
let ws: BundleWorkspace;
beforeEach(async () => {
  wh = await emptyWorldAt(T0);
  ws = new BundleWorkspace();
});
afterEach(async () => wh.close());

const request = (over: Partial<RecordRequest>): RecordRequest => ({
  stage: 'deploy',
  status: 'SUCCEEDED',
  nowMs: T0,
  ci: ciContextOf(GITHUB),
  config: summary,
  plan,
  metadata,
  deploymentState: deployState,
  expectedChanges: [],
  attributes: {},
  ...over,
});

const all = (sql: string) => wh.session.all(sql);

describe('the Databricks CLI outputs', () => {
  it("read the bundle's jobs and pipelines with their ids and planned actions, from either engine's plan", () => {
    expect(bundleResources(summary, null, plan)).toEqual([
      { type: 'job', key: 'ingest_orders', id: '1111', action: 'update', dbt: false },
      { type: 'pipeline', key: 'orders_dlt', id: 'abcd-1234', action: 'skip' },
    ]);
    const tf = parseBundleJson(planSchema, text('plan.terraform.json'), 'plan.terraform.json', '');
    expect(bundleResources(summary, null, tf).map((r) => r.action)).toEqual(['update', 'skip']);
    // validate has no ids; metadata.json, written after a deploy, has them.
    expect(bundleResources(validate, null, null).map((r) => r.id)).toEqual([null, null]);
    expect(bundleResources(validate, metadata, null).map((r) => r.id)).toEqual(['1111', 'abcd-1234']);
    expect(deployState.seq).toBe(3);
  });

  it('name the file and the field when one is malformed', () => {
    expect(() =>
      parseBundleJson(planSchema, '{"plan":{"resources.jobs.x":{"action":"explode"}}}', 'plan.json', 'fix it'),
    ).toThrow(/plan\.json is not of the expected shape:\n {2}- plan\.resources\.jobs\.x\.action: /);
    expect(() => parseBundleJson(bundleConfigSchema, '{"bundle": ', 'summary.json', 'rerun the CLI')).toThrow(
      /summary\.json is not valid JSON .*rerun the CLI/,
    );
  });
});

describe('postflight record', () => {
  it('records every stage of a deployment under one id and one trace, with the settings deployed', async () => {
    const stages = [
      request({ stage: 'validate', status: 'SUCCEEDED', config: validate, metadata: null }),
      request({ stage: 'precheck', status: 'SUCCEEDED' }),
      request({ stage: 'deploy', status: 'STARTED', nowMs: T0 + 60_000 }),
      request({ stage: 'deploy', status: 'SUCCEEDED', nowMs: T0 + 180_000 }),
    ];
    const ids = new Set<string>();
    for (const r of stages) ids.add((await recordStage(wh, ws, r)).deploymentId);
    expect(ids.size).toBe(1);
    const [id] = [...ids];
    const [dep] = await all(
      'SELECT status, version, actor, ci_run_url, epoch_ms(started_at) AS s, epoch_ms(finished_at) AS f, resources, trace_id FROM postflight.deployments',
    );
    expect(dep).toMatchObject({
      status: 'SUCCEEDED',
      version: GITHUB.GITHUB_SHA,
      actor: 'octo',
      ci_run_url: 'https://github.com/acme/sales_etl/actions/runs/777',
      s: T0 + 60_000,
      f: T0 + 180_000,
      trace_id: traceIdOf(id!),
    });
    expect(JSON.parse(String(dep!.resources))).toEqual([
      { type: 'job', id: '1111', key: 'ingest_orders', dbt: false },
      { type: 'pipeline', id: 'abcd-1234', key: 'orders_dlt' },
    ]);
    const events = await all(
      'SELECT stage, status, trace_id FROM postflight.deployment_events ORDER BY started_at, stage',
    );
    expect(events.map((e) => `${e.stage}:${e.status}`)).toEqual([
      'precheck:SUCCEEDED',
      'validate:SUCCEEDED',
      'deploy:SUCCEEDED',
    ]);
    expect(new Set(events.map((e) => e.trace_id))).toEqual(new Set([traceIdOf(id!)]));
    const snaps = await all('SELECT resource_id, settings FROM postflight.resource_snapshots ORDER BY resource_id');
    expect(snaps.map((s) => [s.resource_id, JSON.parse(String(s.settings)).name])).toEqual([
      ['1111', 'ingest_orders'],
      ['abcd-1234', 'orders_dlt'],
    ]);
  });

  it('changes nothing when a step is retried, and never moves a deployment or stage back', async () => {
    await recordStage(wh, ws, request({ status: 'SUCCEEDED', nowMs: T0 + 120_000 }));
    const before = await all('SELECT * FROM postflight.deployments');
    await recordStage(wh, ws, request({ status: 'SUCCEEDED', nowMs: T0 + 120_000 }));
    // A STARTED that arrives late: the deploy's outcome stays, its start is the earliest seen.
    await recordStage(wh, ws, request({ status: 'STARTED', nowMs: T0 + 30_000 }));
    const after = await all('SELECT * FROM postflight.deployments');
    expect(after).toHaveLength(1);
    expect(after[0]!.status).toBe('SUCCEEDED');
    expect(after[0]!.finished_at).toEqual(before[0]!.finished_at);
    const events = await all(
      'SELECT status, epoch_ms(started_at) AS s, epoch_ms(finished_at) AS f FROM postflight.deployment_events',
    );
    expect(events).toEqual([{ status: 'SUCCEEDED', s: T0 + 30_000, f: T0 + 120_000 }]);
    expect(await all('SELECT count(*) AS n FROM postflight.resource_snapshots')).toEqual([{ n: 2 }]);
  });

  it('records a deploy that changed some resources and then failed as PARTIAL, on what it changed, and the verifier reads it', async () => {
    // The previous deployment (run 776) left both resources as they are now.
    await recordStage(
      wh,
      ws,
      request({ ci: ciContextOf({ ...GITHUB, GITHUB_RUN_ID: '776' }), nowMs: T0 - 86_400_000 }),
    );
    ws.job = { name: 'ingest_orders', timeout_seconds: 3600 };
    const r = await recordStage(wh, ws, request({ status: 'FAILED', nowMs: T0 }));
    expect(r.status).toBe('PARTIAL');
    expect(r.resources).toEqual([{ type: 'job', id: '1111', key: 'ingest_orders', dbt: false }]);
    expect(r.notes.join()).toMatch(/job ingest_orders changed/);
    const open = await wh.query('tick/open', { now_ms: T0 + 60_000, since_ms: T0 - 3_600_000 });
    expect(open.map((o) => [o.deployment_id, o.status])).toEqual([[r.deploymentId, 'PARTIAL']]);
    const [prev] = await all(
      `SELECT previous_version FROM postflight.deployments WHERE deployment_id = '${r.deploymentId}'`,
    );
    expect(prev!.previous_version).toBe(GITHUB.GITHUB_SHA);
  });

  it('records a deploy that failed before changing anything as FAILED, which the verifier leaves alone', async () => {
    await recordStage(
      wh,
      ws,
      request({ ci: ciContextOf({ ...GITHUB, GITHUB_RUN_ID: '776' }), nowMs: T0 - 86_400_000 }),
    );
    const r = await recordStage(wh, ws, request({ status: 'FAILED', nowMs: T0 }));
    expect(r.status).toBe('FAILED');
    expect(await wh.query('tick/open', { now_ms: T0 + 60_000, since_ms: T0 - 3_600_000 })).toEqual([]);
  });

  it('reads the state files from the bundle state path when CI did not hand them over', async () => {
    const state = '/Workspace/Users/deployer@acme.com/.bundle/sales_etl/prod/state';
    ws.files.set(`${state}/deployment.json`, text('deployment.json'));
    ws.files.set(`${state}/metadata.json`, text('metadata.json'));
    const r = await recordStage(
      wh,
      ws,
      request({ ci: ciContextOf({}), config: validate, metadata: null, deploymentState: null }),
    );
    expect(r.resources.map((x) => x.id)).toEqual(['1111', 'abcd-1234']);
    expect(r.batch.events[0]!.event.attributes['postflight.deploy_seq']).toBe(3);
  });

  it('records from inside the workspace with the bundle state alone (the bundle-native route)', async () => {
    const state = '/Workspace/Users/deployer@acme.com/.bundle/sales_etl/prod/state';
    ws.files.set(`${state}/deployment.json`, text('deployment.json'));
    const config = configFromMetadata(metadata, state, 'metadata.json');
    const r = await recordStage(
      wh,
      ws,
      request({ ci: ciContextOf({}), config, plan: null, metadata: null, deploymentState: null }),
    );
    expect(r).toMatchObject({ bundle: 'sales_etl', target: 'prod', version: GITHUB.GITHUB_SHA, status: 'SUCCEEDED' });
    expect(r.resources.map((x) => x.id)).toEqual(['1111', 'abcd-1234']);
    expect(r.deploymentId).toBe(deploymentIdOf('sales_etl', 'prod', GITHUB.GITHUB_SHA, 'seq:3'));
  });

  it('says which flag names the deployment when neither CI nor the bundle state can', async () => {
    await expect(
      recordStage(wh, ws, request({ stage: 'validate', ci: ciContextOf({}), deploymentState: null })),
    ).rejects.toThrow(RecordInputError);
    await expect(
      recordStage(wh, ws, request({ stage: 'validate', ci: ciContextOf({}), deploymentState: null })),
    ).rejects.toThrow(/--run-id/);
    expect(await all('SELECT count(*) AS n FROM postflight.deployment_events')).toEqual([{ n: 0 }]);
  });

  it('leaves a crash between two writes for the retry to finish, with nothing written twice', async () => {
    const failing: Warehouse = {
      dialect: wh.dialect,
      locations: wh.locations,
      stats: wh.stats,
      query: (name, params, rows) => wh.query(name, params, rows),
      execute: async (name, params, rows) => {
        if (name === 'record/merge_deployments') throw new Error('connection reset');
        return wh.execute(name, params, rows);
      },
      describeHistory: (t, n) => wh.describeHistory(t, n),
      restoreTable: (t, v) => wh.restoreTable(t, v),
      applyDdl: (n) => wh.applyDdl(n),
      close: async () => undefined,
    };
    await expect(recordStage(failing, ws, request({}))).rejects.toThrow(/connection reset/);
    expect(await all('SELECT count(*) AS n FROM postflight.deployments')).toEqual([{ n: 0 }]);
    await recordStage(wh, ws, request({}));
    expect(await all('SELECT count(*) AS n FROM postflight.deployments')).toEqual([{ n: 1 }]);
    expect(await all('SELECT count(*) AS n FROM postflight.resource_snapshots')).toEqual([{ n: 2 }]);
    expect(await all('SELECT count(*) AS n FROM postflight.deployment_events')).toEqual([{ n: 1 }]);
  });
});

describe('the CI context', () => {
  it('reads GitHub Actions, GitLab CI and Azure Pipelines, flags first', () => {
    expect(ciContextOf(GITHUB)).toMatchObject({ provider: 'github-actions', runId: '777', attempt: 1, branch: 'main' });
    expect(
      ciContextOf({
        GITLAB_CI: 'true',
        CI_COMMIT_SHA: 'abc',
        CI_PIPELINE_ID: '42',
        CI_PIPELINE_URL: 'https://gl/p/42',
      }),
    ).toMatchObject({ provider: 'gitlab-ci', sha: 'abc', runId: '42', runUrl: 'https://gl/p/42' });
    expect(
      ciContextOf({
        TF_BUILD: 'True',
        BUILD_BUILDID: '9',
        SYSTEM_JOBATTEMPT: '2',
        SYSTEM_COLLECTIONURI: 'https://dev.azure.com/acme/',
        SYSTEM_TEAMPROJECT: 'data platform',
      }),
    ).toMatchObject({
      provider: 'azure-pipelines',
      runId: '9',
      attempt: 2,
      runUrl: 'https://dev.azure.com/acme/data%20platform/_build/results?buildId=9',
    });
    expect(ciContextOf(GITHUB, { runId: 'x', attempt: 3 })).toMatchObject({ runId: 'x', attempt: 3, actor: 'octo' });
    expect(ciContextOf({}).provider).toBe('flags');
  });
});
