import { describe, expect, it } from 'vitest';
import { verifyAuditLog } from '../../src/audit/audit-log.js';
import { DEFAULT_ROLLBACK_POLICY } from '../../src/rollback/policy.js';
import { decideRollbacks } from '../../src/tick/decide-rollbacks.js';
import { verdictRows } from '../../src/tick/result-rows.js';
import { EmbeddedWorkspace } from '../../src/workspace/embedded/embedded-workspace.js';
import { EffectCounter } from '../support/faults.js';
import { BUNDLE, JOB, liveVersion, openRollbackWorld, PIPE, T, V1, V2 } from '../support/rollback-world.js';

describe('rollback ledger and executor', () => {
  it('rolls a failed deployment back to the newest healthy version and records the restore for re-verification', async () => {
    const wh = await openRollbackWorld();
    const ws = new EffectCounter(new EmbeddedWorkspace(wh));
    const out = await decideRollbacks({ wh, ws, policy: DEFAULT_ROLLBACK_POLICY }, 'tick-a', T);
    expect(out.errors).toEqual([]);
    expect(out.decided).toMatchObject([{ deploymentId: V2.id, state: 'REQUESTED', safety: 'SAFE' }]);
    expect(out.executed.map((e) => e.result)).toEqual(['SUCCEEDED']);
    expect(ws.effects.sort()).toEqual([`job:${JOB.id}`, `pipeline:${PIPE.id}`]);
    expect(await liveVersion(wh, JOB)).toBe(V1.version);
    expect(await liveVersion(wh, PIPE)).toBe(V1.version);
    const [rb] = await wh.session.all(
      'SELECT state, to_version, attempts, restore_deployment_id FROM postflight.rollbacks',
    );
    expect(rb).toMatchObject({ state: 'SUCCEEDED', to_version: V1.version, attempts: 1 });
    const [restore] = await wh.session.all(
      'SELECT version, actor, previous_version FROM postflight.deployments WHERE deployment_id = $id',
      { id: String(rb!.restore_deployment_id) },
    );
    expect(restore).toEqual({ version: V1.version, actor: 'postflight-rollback', previous_version: V2.version });
    const [v] = await wh.session.all("SELECT state FROM postflight.verdicts WHERE deployment_id = 'dep-v2'");
    expect(v!.state).toBe('ROLLED_BACK');
    const [q] = await wh.session.all('SELECT version FROM postflight.quarantined_versions');
    expect(q!.version).toBe(V2.version);
    const audit = await wh.session.all('SELECT action FROM postflight.audit_log ORDER BY seq');
    expect(audit.map((a) => a.action)).toEqual([
      'rollback.decided',
      'version.quarantined',
      'rollback.attempt',
      'rollback.restored',
      'rollback.restored',
      'rollback.succeeded',
      'verdict.changed',
    ]);
    expect((await verifyAuditLog(wh)).ok).toBe(true);
    // A later tick finds nothing to do.
    const again = await decideRollbacks({ wh, ws, policy: DEFAULT_ROLLBACK_POLICY }, 'tick-b', T + 60_000);
    expect(again).toEqual({ decided: [], executed: [], errors: [] });
    await wh.close();
  });
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { recordDeployments } from '../../src/ci/record.js';
import { webhookDispatcher } from '../../src/rollback/ci/webhook-dispatch.js';
import { resolveRollbackPolicy } from '../../src/rollback/policy.js';
import type { Workspace } from '../../src/workspace/port.js';
import { addVersion, HOUR, jobSettings } from '../support/rollback-world.js';

async function ledger(wh: Awaited<ReturnType<typeof openRollbackWorld>>) {
  return wh.session.all('SELECT state, safety, detail, attempts FROM postflight.rollbacks');
}

async function verdictOf(wh: Awaited<ReturnType<typeof openRollbackWorld>>, id: string) {
  const [v] = await wh.session.all('SELECT state, page_reason FROM postflight.verdicts WHERE deployment_id = $id', {
    id,
  });
  return v!;
}

describe('rollback decisions that do not act', () => {
  it('records a dry run without touching the workspace or paging', async () => {
    const wh = await openRollbackWorld();
    const ws = new EffectCounter(new EmbeddedWorkspace(wh));
    const out = await decideRollbacks({ wh, ws, policy: resolveRollbackPolicy({ dryRun: true }) }, 't', T);
    expect(out.decided).toMatchObject([{ state: 'DRY_RUN', safety: 'SAFE' }]);
    expect(ws.writes).toEqual([]);
    expect((await ledger(wh))[0]!.detail).toMatch(/^dry run: would roll back to a1b2c3d4e5f6 with jobs-api/);
    expect(await verdictOf(wh, V2.id)).toEqual({ state: 'FAILED', page_reason: null });
    expect(
      (await wh.session.all("SELECT action FROM postflight.audit_log WHERE action = 'rollback.decided'")).length,
    ).toBe(1);
    await wh.close();
  });

  it('blocks and pages an UNSAFE rollback: the failed version added a pipeline the target would delete', async () => {
    const wh = await openRollbackWorld([{ ...V1, resources: [JOB] }, V2]);
    const ws = new EffectCounter(new EmbeddedWorkspace(wh));
    const out = await decideRollbacks({ wh, ws, policy: DEFAULT_ROLLBACK_POLICY }, 't', T);
    expect(out.decided).toMatchObject([{ state: 'BLOCKED', safety: 'UNSAFE' }]);
    expect(ws.writes).toEqual([]);
    const v = await verdictOf(wh, V2.id);
    expect(v.state).toBe('FAILED');
    expect(String(v.page_reason)).toMatch(
      /rollback BLOCKED \(UNSAFE\): UNSAFE: redeploying a1b2c3d4e5f6 would delete pipeline orders_dlt \(p-77\)/,
    );
    const pages = await wh.query('alerts/rollback_pages', { since_ms: 0 });
    expect(pages.map((p) => p.deployment_id)).toEqual([V2.id]);
    await wh.close();
  });

  it('blocks when a resource was changed by hand since the failed deploy', async () => {
    const wh = await openRollbackWorld();
    // A hotfix by hand: the task now runs another notebook than either version deployed.
    const hotfix = jobSettings(V2.version, {
      tasks: [{ task_key: 'main', notebook_path: '/Users/oncall/hotfix/main' }],
    });
    await wh.session.run('UPDATE sim_world.api_resources SET settings = $s WHERE resource_id = $id', {
      s: JSON.stringify(hotfix),
      id: JOB.id,
    });
    const ws = new EffectCounter(new EmbeddedWorkspace(wh));
    const out = await decideRollbacks({ wh, ws, policy: DEFAULT_ROLLBACK_POLICY }, 't', T);
    expect(out.executed.map((e) => e.result)).toEqual(['BLOCKED']);
    expect(ws.writes).toEqual([]);
    expect((await ledger(wh))[0]!.detail).toMatch(/job orders_job \(4242\) changed since the failed deploy/);
    await wh.close();
  });

  it('waits out the cool-down, then cancels when CI deployed a new version in the meantime', async () => {
    const wh = await openRollbackWorld();
    await wh.session.run(
      "INSERT INTO postflight.rollbacks (rollback_id, deployment_id, bundle, target, state, requested_at) VALUES ('rb-old', 'dep-v0', 'orders', 'prod', 'SUCCEEDED', make_timestamp(CAST($t AS BIGINT) * 1000))",
      { t: T - 10 * 60_000 },
    );
    const ws = new EffectCounter(new EmbeddedWorkspace(wh));
    const first = await decideRollbacks({ wh, ws, policy: DEFAULT_ROLLBACK_POLICY }, 't1', T);
    expect(first.executed.map((e) => e.result)).toEqual(['waiting']);
    await addVersion(wh, { id: 'dep-v3', version: '3'.repeat(40), finishedMs: T + 5 * 60_000, verdict: null });
    const later = await decideRollbacks({ wh, ws, policy: DEFAULT_ROLLBACK_POLICY }, 't2', T + 25 * 60_000);
    expect(later.executed.map((e) => e.result)).toEqual(['CANCELLED']);
    expect(ws.writes).toEqual([]);
    expect(await verdictOf(wh, V2.id)).toEqual({ state: 'FAILED', page_reason: null });
    await wh.close();
  });

  it('gives up and pages after maxAttempts when the workspace keeps failing', async () => {
    const wh = await openRollbackWorld();
    const inner = new EmbeddedWorkspace(wh);
    const broken: Workspace = {
      stats: inner.stats,
      listRuns: (q) => inner.listRuns(q),
      getJob: async () => {
        throw new Error('HTTP 503 TEMPORARILY_UNAVAILABLE');
      },
      resetJob: (i, s) => inner.resetJob(i, s),
      getPipeline: (i) => inner.getPipeline(i),
      editPipeline: (i, s, g) => inner.editPipeline(i, s, g),
      exportFile: (p) => inner.exportFile(p),
    };
    const results: string[] = [];
    for (let m = 0; m < 5; m++)
      results.push(
        ...(
          await decideRollbacks({ wh, ws: broken, policy: DEFAULT_ROLLBACK_POLICY }, `t${m}`, T + m * 60_000)
        ).executed.map((e) => e.result),
      );
    expect(results).toEqual(['retry', 'retry', 'FAILED']);
    const [row] = await ledger(wh);
    expect(row).toMatchObject({ state: 'FAILED', attempts: 3 });
    expect(String(row!.detail)).toMatch(/attempt 3 of 3 failed: HTTP 503/);
    expect(String((await verdictOf(wh, V2.id)).page_reason)).toMatch(/^rollback FAILED/);
    await wh.close();
  });
});

describe('ci-dispatch through the ledger', () => {
  let server: Server;
  const hits: string[] = [];

  it('dispatches once, waits for CI to record the redeploy, then adopts it as the restore', async () => {
    server = createServer((req, res) => {
      hits.push(String(req.headers['idempotency-key']));
      res.writeHead(202).end();
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/deploy`;
    const wh = await openRollbackWorld();
    const ws = new EffectCounter(new EmbeddedWorkspace(wh));
    const policy = resolveRollbackPolicy({ strategy: 'ci-dispatch', ciDispatch: { kind: 'webhook', url } });
    const dispatcher = webhookDispatcher({ url, secret: 's' });
    const a = await decideRollbacks({ wh, ws, policy, dispatcher }, 't1', T);
    expect(a.executed.map((e) => e.result)).toEqual(['pending']);
    const b = await decideRollbacks({ wh, ws, policy, dispatcher }, 't2', T + 60_000);
    expect(b.executed.map((e) => e.result)).toEqual(['pending']);
    expect(hits).toHaveLength(1);
    // CI redeploys the target version and records it, as `postflight record` does.
    await recordDeployments(
      wh,
      {
        deployments: [
          {
            deploymentId: 'dep-ci-redeploy',
            bundle: 'orders',
            target: 'prod',
            version: V1.version,
            previousVersion: V2.version,
            actor: 'sp-ci',
            ciRunUrl: null,
            startedMs: T + 2 * 60_000,
            finishedMs: T + 3 * 60_000,
            status: 'SUCCEEDED',
            resources: [JOB, PIPE],
            expectedChanges: [],
            traceId: '0'.repeat(32),
          },
        ],
        snapshots: [],
        events: [],
      },
      T + 3 * 60_000,
    );
    const c = await decideRollbacks({ wh, ws, policy, dispatcher }, 't3', T + 4 * 60_000);
    expect(c.executed.map((e) => e.result)).toEqual(['SUCCEEDED']);
    const [row] = await wh.session.all('SELECT state, restore_deployment_id FROM postflight.rollbacks');
    expect(row).toEqual({ state: 'SUCCEEDED', restore_deployment_id: 'dep-ci-redeploy' });
    expect(hits).toEqual([expect.stringMatching(/^rb-/)]);
    expect(ws.writes).toEqual([]);
    await wh.close();
    await new Promise<void>((ok) => server.close(() => ok()));
  });

  it('pages when CI does not redeploy in time', async () => {
    const wh = await openRollbackWorld();
    const policy = resolveRollbackPolicy({
      strategy: 'ci-dispatch',
      ciDispatch: { kind: 'webhook', url: 'https://ci.example.com/x' },
      dispatchTimeoutMinutes: 10,
    });
    const sent: string[] = [];
    const dispatcher = {
      kind: 'webhook' as const,
      dispatch: async (r: { rollbackId: string }) => void sent.push(r.rollbackId),
    };
    const ws = new EmbeddedWorkspace(wh);
    await decideRollbacks({ wh, ws, policy, dispatcher }, 't1', T);
    const late = await decideRollbacks({ wh, ws, policy, dispatcher }, 't2', T + 11 * 60_000);
    expect(late.executed.map((e) => e.result)).toEqual(['FAILED']);
    expect(sent).toHaveLength(1);
    expect(String((await verdictOf(wh, V2.id)).page_reason)).toMatch(/has not recorded the redeploy within 10 min/);
    expect(HOUR).toBe(3_600_000);
    await wh.close();
  });
  it('rolls a PARTIAL deployment back on what it changed alone', async () => {
    const wh = await openRollbackWorld([V1]);
    // The deploy of V2 changed the job, then failed before the pipeline.
    await wh.session.run('UPDATE sim_world.api_resources SET version = $v, settings = $s WHERE resource_id = $id', {
      v: V2.version,
      s: JSON.stringify(jobSettings(V2.version)),
      id: JOB.id,
    });
    await recordDeployments(
      wh,
      {
        deployments: [
          {
            deploymentId: V2.id,
            bundle: BUNDLE,
            target: 'prod',
            version: V2.version,
            previousVersion: V1.version,
            actor: 'sp-ci',
            ciRunUrl: null,
            startedMs: V2.finishedMs - 60_000,
            finishedMs: V2.finishedMs,
            status: 'PARTIAL',
            resources: [JOB],
            expectedChanges: [],
            traceId: V2.id.padEnd(32, '0'),
          },
        ],
        snapshots: [{ deploymentId: V2.id, snapshot: { resource: JOB, settings: jobSettings(V2.version) } }],
        events: [],
      },
      V2.finishedMs,
    );
    await wh.execute(
      'tick/merge_verdicts',
      {},
      verdictRows(
        [
          {
            deploymentId: V2.id,
            state: 'FAILED',
            reason: 'run_health: 2 of 2 post-deploy runs failed',
            final: true,
            postRuns: 2,
            recheckAtMs: null,
          } as never,
        ],
        'tick-x',
        T - HOUR,
      ),
    );
    const ws = new EffectCounter(new EmbeddedWorkspace(wh));
    const out = await decideRollbacks({ wh, ws, policy: DEFAULT_ROLLBACK_POLICY }, 'tick-p', T);
    expect(out.decided).toMatchObject([{ deploymentId: V2.id, state: 'REQUESTED', safety: 'SAFE' }]);
    expect(out.executed.map((e) => e.result)).toEqual(['SUCCEEDED']);
    expect(ws.effects).toEqual([`job:${JOB.id}`]);
    expect(await liveVersion(wh, JOB)).toBe(V1.version);
    expect(await liveVersion(wh, PIPE)).toBe(V1.version);
    await wh.close();
  });
});
