// A job or pipeline changed by hand between the rollback's plan and its restore is not
// overwritten: the rollback stops BLOCKED, pages, and says what changed, in the audit log too.
// Pipelines are caught by last_modified (the plan's mark, then the API's own guard on the edit),
// jobs by their settings as read when the rollback was planned.

import { describe, expect, it } from 'vitest';
import { verifyAuditLog } from '../../src/audit/audit-log.js';
import type { DispatchRequest } from '../../src/rollback/ci/dispatcher.js';
import { DEFAULT_ROLLBACK_POLICY, resolveRollbackPolicy } from '../../src/rollback/policy.js';
import { decideRollbacks } from '../../src/tick/decide-rollbacks.js';
import type { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { EmbeddedWorkspace } from '../../src/workspace/embedded/embedded-workspace.js';
import type { EditGuard, PipelineInfo } from '../../src/workspace/port.js';
import { EffectCounter } from '../support/faults.js';
import {
  JOB,
  jobSettings,
  liveVersion,
  openRollbackWorld,
  PIPE,
  pipelineSpec,
  T,
  V1,
  V2,
} from '../support/rollback-world.js';

/** The embedded workspace, counting effects, with a hook after each pipeline read and the guards edits carry. */
class Watched extends EffectCounter {
  reads = 0;
  guards: Array<EditGuard | undefined> = [];
  afterRead: (n: number) => Promise<void> = async () => undefined;
  constructor(readonly embedded: EmbeddedWorkspace) {
    super(embedded);
  }
  override async getPipeline(id: string): Promise<PipelineInfo | null> {
    const p = await super.getPipeline(id);
    await this.afterRead(++this.reads);
    return p;
  }
  override async editPipeline(id: string, spec: Record<string, unknown>, guard?: EditGuard): Promise<void> {
    this.guards.push(guard);
    await super.editPipeline(id, spec, guard);
  }
}

/** Someone edits the pipeline in the UI: an edit with no guard, which moves last_modified. */
const byHand = (ws: EmbeddedWorkspace, spec: Record<string, unknown>) => ws.editPipeline(PIPE.id, spec);
// A field neither version deployed: live settings still look like the failed version's.
const withAlerts = pipelineSpec(V2.version, {
  notifications: [{ email_recipients: ['oncall@example.com'], alerts: ['on-update-failure'] }],
});

async function livePipeline(wh: DuckDbWarehouse): Promise<Record<string, unknown>> {
  return (await new EmbeddedWorkspace(wh).getPipeline(PIPE.id))!.spec;
}

async function coolingDown(wh: DuckDbWarehouse): Promise<void> {
  await wh.session.run(
    "INSERT INTO postflight.rollbacks (rollback_id, deployment_id, bundle, target, state, requested_at) VALUES ('rb-old', 'dep-v0', 'orders', 'prod', 'SUCCEEDED', make_timestamp(CAST($t AS BIGINT) * 1000))",
    { t: T - 10 * 60_000 },
  );
}

async function expectPagedAndAudited(wh: DuckDbWarehouse, why: RegExp): Promise<void> {
  const [rb] = await wh.session.all('SELECT state, detail FROM postflight.rollbacks WHERE rollback_id <> $old', {
    old: 'rb-old',
  });
  expect(rb!.state).toBe('BLOCKED');
  expect(String(rb!.detail)).toMatch(why);
  const pages = await wh.query('alerts/rollback_pages', { since_ms: 0 });
  expect(pages.map((p) => [p.deployment_id, p.rollback_state])).toEqual([[V2.id, 'BLOCKED']]);
  expect(String(pages[0]!.page_reason)).toMatch(why);
  const [blocked] = await wh.session.all(
    "SELECT payload FROM postflight.audit_log WHERE action = 'rollback.blocked' ORDER BY seq",
  );
  expect(String(blocked!.payload)).toMatch(why);
  expect((await verifyAuditLog(wh)).ok).toBe(true);
}

describe('a change made by hand after the rollback was planned', () => {
  it('sends each pipeline edit with the last_modified just read, and restores as before', async () => {
    const wh = await openRollbackWorld();
    const ws = new Watched(new EmbeddedWorkspace(wh));
    const out = await decideRollbacks({ wh, ws, policy: DEFAULT_ROLLBACK_POLICY }, 't', T);
    expect(out.executed.map((e) => e.result)).toEqual(['SUCCEEDED']);
    // The world was deployed at V2's finish; that is the pipeline's last_modified until the edit.
    expect(ws.guards).toEqual([{ expectedLastModified: V2.finishedMs }]);
    expect(ws.effects.sort()).toEqual([`job:${JOB.id}`, `pipeline:${PIPE.id}`]);
    expect(await liveVersion(wh, PIPE)).toBe(V1.version);
    const [rb] = await wh.session.all('SELECT plan FROM postflight.rollbacks');
    expect(JSON.parse(String(rb!.plan)).live).toEqual([
      expect.objectContaining({ type: 'job', id: JOB.id, lastModified: null }),
      expect.objectContaining({ type: 'pipeline', id: PIPE.id, lastModified: V2.finishedMs }),
    ]);
    await wh.close();
  });

  it('during the cool-down: the restore stops before touching anything, and pages', async () => {
    const wh = await openRollbackWorld();
    await coolingDown(wh);
    const ws = new Watched(new EmbeddedWorkspace(wh));
    const first = await decideRollbacks({ wh, ws, policy: DEFAULT_ROLLBACK_POLICY }, 't1', T);
    expect(first.executed.map((e) => e.result)).toEqual(['waiting']);
    await byHand(ws.embedded, withAlerts);
    const later = await decideRollbacks({ wh, ws, policy: DEFAULT_ROLLBACK_POLICY }, 't2', T + 25 * 60_000);
    expect(later.executed.map((e) => e.result)).toEqual(['BLOCKED']);
    expect(ws.writes).toEqual([]);
    expect(await livePipeline(wh)).toEqual(withAlerts);
    expect(await liveVersion(wh, JOB)).toBe(V2.version);
    await expectPagedAndAudited(
      wh,
      /pipeline orders_dlt \(p-77\) was edited in the workspace after the rollback was planned \(last_modified .*resetting would discard that change; a human decides/,
    );
    await wh.close();
  });

  it('a job edited in a field neither version set is caught by its settings as read then', async () => {
    const wh = await openRollbackWorld();
    await coolingDown(wh);
    const ws = new Watched(new EmbeddedWorkspace(wh));
    await decideRollbacks({ wh, ws, policy: DEFAULT_ROLLBACK_POLICY }, 't1', T);
    await ws.embedded.resetJob(JOB.id, jobSettings(V2.version, { timeout_seconds: 3600 }));
    const later = await decideRollbacks({ wh, ws, policy: DEFAULT_ROLLBACK_POLICY }, 't2', T + 25 * 60_000);
    expect(later.executed.map((e) => e.result)).toEqual(['BLOCKED']);
    expect(ws.writes).toEqual([]);
    await expectPagedAndAudited(
      wh,
      /job orders_job \(4242\) was edited in the workspace after the rollback was planned \(its settings differ/,
    );
    await wh.close();
  });

  it('between the read and the edit: the API refuses the stale edit, and no job is reset after it', async () => {
    const wh = await openRollbackWorld();
    const ws = new Watched(new EmbeddedWorkspace(wh));
    // Read 1 is the plan's mark, read 2 the restore's own look just before it edits.
    ws.afterRead = async (n) => {
      if (n === 2) await byHand(ws.embedded, withAlerts);
    };
    const out = await decideRollbacks({ wh, ws, policy: DEFAULT_ROLLBACK_POLICY }, 't', T);
    expect(out.executed.map((e) => e.result)).toEqual(['BLOCKED']);
    expect(ws.guards).toHaveLength(1);
    expect(ws.writes).toEqual([]);
    expect(await livePipeline(wh)).toEqual(withAlerts);
    expect(await liveVersion(wh, JOB)).toBe(V2.version);
    await expectPagedAndAudited(
      wh,
      /pipeline orders_dlt \(p-77\) was changed in the workspace while the rollback restored it: the Pipelines API refused the edit/,
    );
    const [v] = await wh.session.all('SELECT state FROM postflight.verdicts WHERE deployment_id = $id', { id: V2.id });
    expect(v!.state).toBe('FAILED');
    await wh.close();
  });

  it('is not redeployed over by CI either', async () => {
    const wh = await openRollbackWorld();
    await coolingDown(wh);
    const sent: DispatchRequest[] = [];
    const dispatcher = { kind: 'webhook' as const, dispatch: async (r: DispatchRequest) => void sent.push(r) };
    const policy = resolveRollbackPolicy({
      strategy: 'ci-dispatch',
      ciDispatch: { kind: 'webhook', url: 'https://ci.example.com/deploy' },
    });
    const ws = new Watched(new EmbeddedWorkspace(wh));
    await decideRollbacks({ wh, ws, policy, dispatcher }, 't1', T);
    await byHand(ws.embedded, withAlerts);
    const later = await decideRollbacks({ wh, ws, policy, dispatcher }, 't2', T + 25 * 60_000);
    expect(later.executed.map((e) => e.result)).toEqual(['BLOCKED']);
    expect(sent).toEqual([]);
    await expectPagedAndAudited(wh, /redeploying a1b2c3d4e5f6 through CI would overwrite that change/);
    await wh.close();
  });
});
