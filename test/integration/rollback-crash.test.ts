// Kills the rollback step after every statement and every API call it makes, then lets fresh
// ticks run: each time the rollback finishes with exactly one effect per resource, one ledger
// row, one restore deployment, one audit entry per restored resource, and a valid audit chain.

import { describe, expect, it } from 'vitest';
import { verifyAuditLog } from '../../src/audit/audit-log.js';
import { DEFAULT_ROLLBACK_POLICY } from '../../src/rollback/policy.js';
import { decideRollbacks } from '../../src/tick/decide-rollbacks.js';
import type { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { EmbeddedWorkspace } from '../../src/workspace/embedded/embedded-workspace.js';
import { EffectCounter, FaultyWarehouse, FaultyWorkspace, KillSwitch } from '../support/faults.js';
import { JOB, liveVersion, openRollbackWorld, PIPE, T, V1 } from '../support/rollback-world.js';

const policy = DEFAULT_ROLLBACK_POLICY;

async function killedThenRecovered(
  sw: KillSwitch,
): Promise<{ wh: DuckDbWarehouse; effects: string[]; writes: string[]; died: boolean }> {
  const wh = await openRollbackWorld();
  const effects = new EffectCounter(new EmbeddedWorkspace(wh));
  let died = false;
  try {
    await decideRollbacks(
      { wh: new FaultyWarehouse(wh, sw), ws: new FaultyWorkspace(effects, sw), policy },
      'tick-1',
      T,
    );
  } catch {
    died = true;
  }
  died ||= sw.dead;
  // The next ticks, a minute apart, after the killed one's lease ran out.
  for (let m = 1; m <= 3; m++) await decideRollbacks({ wh, ws: effects, policy }, `tick-${m + 1}`, T + m * 60_000);
  return { wh, effects: effects.effects, writes: effects.writes, died };
}

async function expectFinishedOnce(
  wh: DuckDbWarehouse,
  effects: string[],
  writes: string[],
  label: string,
): Promise<void> {
  expect({ label, effects: [...effects].sort() }).toEqual({ label, effects: [`job:${JOB.id}`, `pipeline:${PIPE.id}`] });
  // Not even a harmless repeat: a resource found restored is left alone.
  expect({ label, writes: [...writes].sort() }).toEqual({ label, writes: [`job:${JOB.id}`, `pipeline:${PIPE.id}`] });
  const rows = await wh.session.all('SELECT state FROM postflight.rollbacks');
  expect({ label, rows }).toEqual({ label, rows: [{ state: 'SUCCEEDED' }] });
  const restores = await wh.session.all(
    "SELECT count(*) AS n FROM postflight.deployments WHERE actor = 'postflight-rollback'",
  );
  expect({ label, n: restores[0]!.n }).toEqual({ label, n: 1 });
  const audit = await wh.session.all(
    "SELECT action, count(*) AS n FROM postflight.audit_log WHERE action IN ('rollback.decided', 'rollback.restored', 'rollback.succeeded', 'verdict.changed') GROUP BY action ORDER BY action",
  );
  expect({ label, audit }).toEqual({
    label,
    audit: [
      { action: 'rollback.decided', n: 1 },
      { action: 'rollback.restored', n: 2 },
      { action: 'rollback.succeeded', n: 1 },
      { action: 'verdict.changed', n: 1 },
    ],
  });
  expect({ label, audit: (await verifyAuditLog(wh)).findings }).toEqual({ label, audit: [] });
  expect(await liveVersion(wh, JOB)).toBe(V1.version);
  expect(await liveVersion(wh, PIPE)).toBe(V1.version);
  const [v] = await wh.session.all("SELECT state FROM postflight.verdicts WHERE deployment_id = 'dep-v2'");
  expect({ label, state: v!.state }).toEqual({ label, state: 'ROLLED_BACK' });
}

describe('a rollback killed anywhere is finished by the next tick with exactly one effect', () => {
  it('counts the statements and calls of an uninterrupted rollback', async () => {
    const sw = new KillSwitch();
    const { wh, effects, writes } = await killedThenRecovered(sw);
    await expectFinishedOnce(wh, effects, writes, 'clean');
    expect(sw.statements).toBeGreaterThan(15);
    // Each resource is read when the rollback is decided (its mark) and again before it is
    // restored, then written once.
    expect(sw.calls).toBe(6);
    await wh.close();
  });

  it('survives a kill after every statement', async () => {
    const total = new KillSwitch();
    await (await killedThenRecovered(total)).wh.close();
    for (let k = 1; k <= total.statements; k++) {
      const sw = new KillSwitch(k, null, 'after');
      const { wh, effects, writes, died } = await killedThenRecovered(sw);
      expect(died).toBe(true);
      await expectFinishedOnce(wh, effects, writes, `killed after statement ${k}`);
      await wh.close();
    }
    // A world and two ticks per statement: about 20 s on a quiet machine, minutes on a busy one.
  }, 600_000);

  it('survives a kill before or after every API call', async () => {
    const total = new KillSwitch();
    await (await killedThenRecovered(total)).wh.close();
    for (const when of ['before', 'after'] as const) {
      for (let k = 1; k <= total.calls; k++) {
        const sw = new KillSwitch(null, k, when);
        const { wh, effects, writes, died } = await killedThenRecovered(sw);
        expect(died).toBe(true);
        await expectFinishedOnce(wh, effects, writes, `killed ${when} call ${k}`);
        await wh.close();
      }
    }
  }, 600_000);
});
