import { describe, expect, it } from 'vitest';
import { verifyAuditLog } from '../../src/audit/audit-log.js';
import { DEFAULT_ROLLBACK_POLICY } from '../../src/rollback/policy.js';
import { decideRollbacks } from '../../src/tick/decide-rollbacks.js';
import { EmbeddedWorkspace } from '../../src/workspace/embedded/embedded-workspace.js';
import { EffectCounter } from '../support/faults.js';
import { JOB, PIPE, T, V1, V2, liveVersion, openRollbackWorld } from '../support/rollback-world.js';

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
    const [rb] = await wh.session.all('SELECT state, to_version, attempts, restore_deployment_id FROM postflight.rollbacks');
    expect(rb).toMatchObject({ state: 'SUCCEEDED', to_version: V1.version, attempts: 1 });
    const [restore] = await wh.session.all('SELECT version, actor, previous_version FROM postflight.deployments WHERE deployment_id = $id', { id: String(rb!.restore_deployment_id) });
    expect(restore).toEqual({ version: V1.version, actor: 'postflight-rollback', previous_version: V2.version });
    const [v] = await wh.session.all("SELECT state FROM postflight.verdicts WHERE deployment_id = 'dep-v2'");
    expect(v!.state).toBe('ROLLED_BACK');
    const [q] = await wh.session.all('SELECT version FROM postflight.quarantined_versions');
    expect(q!.version).toBe(V2.version);
    const audit = await wh.session.all('SELECT action FROM postflight.audit_log ORDER BY seq');
    expect(audit.map((a) => a.action)).toEqual(['rollback.decided', 'version.quarantined', 'rollback.attempt', 'rollback.restored', 'rollback.restored', 'rollback.succeeded']);
    expect((await verifyAuditLog(wh)).ok).toBe(true);
    // A later tick finds nothing to do.
    const again = await decideRollbacks({ wh, ws, policy: DEFAULT_ROLLBACK_POLICY }, 'tick-b', T + 60_000);
    expect(again).toEqual({ decided: [], executed: [], errors: [] });
    await wh.close();
  });
});
