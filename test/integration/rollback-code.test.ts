// Which strategy a rollback takes by default, from the code fingerprints CI recorded: resetting
// settings cannot bring back notebooks and files a bundle synced to a path every version
// overwrites, so where those changed CI redeploys the target version, or a human is paged.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleConfigSchema, deploymentStateSchema, parseBundleJson } from '../../src/ci/bundle-outputs.js';
import { ciContextOf } from '../../src/ci/ci-context.js';
import { codeFileOf, fingerprintOf } from '../../src/ci/code-fingerprint.js';
import { recordStage } from '../../src/ci/record-stage.js';
import { codeReaderAt, codeRootFlag } from '../../src/cli/code-files.js';
import type { DispatchRequest } from '../../src/rollback/ci/dispatcher.js';
import { readCode } from '../../src/rollback/ledger-reads.js';
import { DEFAULT_ROLLBACK_POLICY, resolveRollbackPolicy } from '../../src/rollback/policy.js';
import { decideRollbacks } from '../../src/tick/decide-rollbacks.js';
import { EmbeddedWorkspace } from '../../src/workspace/embedded/embedded-workspace.js';
import type { Workspace } from '../../src/workspace/port.js';
import { emptyWorldAt } from '../support/empty-world.js';
import { EffectCounter } from '../support/faults.js';
import { jobSettings, openRollbackWorld, pipelineSpec, T, V1, V2, type Version } from '../support/rollback-world.js';

const FILES = '/Workspace/.bundle/orders/prod/files';
// As `databricks bundle init` lays a bundle out: tasks run the synced files, whatever the version.
const synced = (v: Version, main: string): Version => ({
  ...v,
  job: jobSettings(v.version, { tasks: [{ task_key: 'main', notebook_path: `${FILES}/src/main` }] }),
  pipeline: pipelineSpec(v.version, { libraries: [{ glob: { include: `${FILES}/transformations/**` } }] }),
  code: fingerprintOf(
    Object.entries({ 'src/main.py': main, 'transformations/orders.sql': 'SELECT * FROM raw' }).map(
      ([path, text]) => codeFileOf(path, new TextEncoder().encode(text))!,
    ),
  ),
});
const webhook = { kind: 'webhook', url: 'https://ci.example.com/deploy' } as const;

describe('the default rollback strategy', () => {
  it('pages instead of resetting settings only when code files changed and no CI dispatch is configured', async () => {
    const wh = await openRollbackWorld([synced(V1, 'run(1)'), synced(V2, 'run(2)')]);
    const ws = new EffectCounter(new EmbeddedWorkspace(wh));
    const out = await decideRollbacks({ wh, ws, policy: DEFAULT_ROLLBACK_POLICY }, 't', T);
    expect(out.decided).toMatchObject([{ state: 'BLOCKED', safety: 'NEEDS_HUMAN' }]);
    expect(ws.writes).toEqual([]);
    const [page] = await wh.query('alerts/rollback_pages', { since_ms: 0 });
    expect(String(page!.page_reason)).toMatch(
      /code files changed between the versions \(1 file: src\/main\.py\), and no CI dispatch is configured \(rollback\.ciDispatch\): a settings reset would leave the failed version's code in place/,
    );
    await wh.close();
  });

  it('asks CI to redeploy the target version when code files changed and a dispatch is configured', async () => {
    const wh = await openRollbackWorld([synced(V1, 'run(1)'), synced(V2, 'run(2)')]);
    const ws = new EffectCounter(new EmbeddedWorkspace(wh));
    const sent: DispatchRequest[] = [];
    const dispatcher = { kind: 'webhook' as const, dispatch: async (r: DispatchRequest) => void sent.push(r) };
    const policy = resolveRollbackPolicy({ ciDispatch: webhook });
    const out = await decideRollbacks({ wh, ws, policy, dispatcher }, 't', T);
    expect(out.decided).toMatchObject([{ state: 'REQUESTED', safety: 'SAFE' }]);
    expect(out.executed.map((e) => e.result)).toEqual(['pending']);
    expect(sent.map((r) => r.version)).toEqual([V1.version]);
    expect(ws.writes).toEqual([]);
    const [rb] = await wh.session.all('SELECT strategy FROM postflight.rollbacks');
    expect(rb!.strategy).toBe('ci-dispatch');
    await wh.close();
  });

  it('resets settings when the code files are the same, even with a dispatch configured', async () => {
    const wh = await openRollbackWorld([synced(V1, 'run(1)'), synced(V2, 'run(1)')]);
    const ws = new EffectCounter(new EmbeddedWorkspace(wh));
    const policy = resolveRollbackPolicy({ ciDispatch: webhook });
    const dispatcher = { kind: 'webhook' as const, dispatch: async () => undefined };
    const out = await decideRollbacks({ wh, ws, policy, dispatcher }, 't', T);
    expect(out.executed.map((e) => e.result)).toEqual(['SUCCEEDED']);
    expect(ws.effects.length).toBe(2);
    const [rb] = await wh.session.all('SELECT strategy, plan, restore_deployment_id FROM postflight.rollbacks');
    expect(rb!.strategy).toBe('jobs-api');
    expect(String(rb!.plan)).toMatch(/2 code files are the same in both versions/);
    // The restore runs the target's code: a later rollback to it knows which.
    const restored = String(rb!.restore_deployment_id);
    expect((await readCode(wh, [restored])).get(restored)).toEqual(synced(V1, 'run(1)').code);
    await wh.close();
  });
});

describe('record --stage deploy', () => {
  const summary = parseBundleJson(
    bundleConfigSchema,
    JSON.stringify({
      bundle: { name: 'orders', target: 'prod', git: { commit: V2.version } },
      resources: { jobs: { orders_job: { id: '4242' } } },
    }),
    'summary.json',
    '',
  );
  const state = parseBundleJson(
    deploymentStateSchema,
    JSON.stringify({
      version: 1,
      seq: 4,
      files: [
        { local_path: 'databricks.yml', is_notebook: false },
        { local_path: 'src/main.py', is_notebook: true },
        { local_path: 'dbt/dbt_project.yml', is_notebook: false },
      ],
    }),
    'deployment.json',
    '',
  );
  const ws: Workspace = {
    stats: { calls: 0 },
    listRuns: async () => ({ runs: [] }),
    getJob: async (id) => ({ job_id: id, settings: { name: 'orders_job' } }),
    getPipeline: async () => null,
    resetJob: async () => undefined,
    editPipeline: async () => undefined,
    exportFile: async () => null,
  };
  const checkout = () => {
    const dir = mkdtempSync(join(tmpdir(), 'postflight-code-'));
    mkdirSync(join(dir, 'src'));
    mkdirSync(join(dir, 'dbt'));
    writeFileSync(join(dir, 'databricks.yml'), 'bundle:\n  name: orders\n');
    writeFileSync(join(dir, 'src/main.py'), 'run(2)\n');
    writeFileSync(join(dir, 'dbt/dbt_project.yml'), "name: 'orders'\n");
    return dir;
  };
  const record = (wh: Awaited<ReturnType<typeof emptyWorldAt>>, root: string) =>
    recordStage(wh, ws, {
      stage: 'deploy',
      status: 'SUCCEEDED',
      nowMs: T,
      ci: ciContextOf({}, { runId: '9', sha: V2.version, actor: 'ci' }),
      config: summary,
      plan: null,
      metadata: null,
      deploymentState: state,
      expectedChanges: [],
      attributes: {},
      readCode: codeReaderAt(root),
    });

  it("fingerprints the synced code files from the checkout, the bundle's own configuration left out", async () => {
    const wh = await emptyWorldAt(T);
    const r = await record(wh, checkout());
    expect(r.notes).toEqual([]);
    const code = (await readCode(wh, [r.deploymentId])).get(r.deploymentId);
    expect(code?.files).toBe(2);
    expect(Object.keys(code?.manifest ?? {})).toEqual(['dbt/dbt_project.yml', 'src/main.py']);
    await wh.close();
  });

  it('says so, and records no fingerprint, when the checkout lacks a listed file', async () => {
    const wh = await emptyWorldAt(T);
    const r = await record(wh, mkdtempSync(join(tmpdir(), 'postflight-empty-')));
    expect(r.notes.at(-1)).toMatch(
      /3 of the 3 files deployment.json lists are not in the checkout \(e\.g\. databricks\.yml\): the code is not fingerprinted; .*--code-root/,
    );
    expect((await readCode(wh, [r.deploymentId])).size).toBe(0);
    expect(() => codeRootFlag('/no/such/dir')).toThrow(/--code-root \/no\/such\/dir: not a directory/);
    await wh.close();
  });
});
