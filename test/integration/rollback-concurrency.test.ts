// Two ticks started at once, on two connections to the same warehouse, produce one rollback.

import { describe, expect, it } from 'vitest';
import { verifyAuditLog } from '../../src/audit/audit-log.js';
import { DEFAULT_ROLLBACK_POLICY } from '../../src/rollback/policy.js';
import { runRollbackStep } from '../../src/tick/decide-rollbacks.js';
import { EmbeddedWorkspace } from '../../src/workspace/embedded/embedded-workspace.js';
import { EffectCounter } from '../support/faults.js';
import { openRollbackWorld, T } from '../support/rollback-world.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('concurrent ticks', () => {
  for (const staggerMs of [0, 1, 3, 7, 15]) {
    it(`make one rollback when started ${staggerMs} ms apart`, async () => {
      const wh = await openRollbackWorld();
      const other = await wh.connect();
      const a = new EffectCounter(new EmbeddedWorkspace(wh));
      const b = new EffectCounter(new EmbeddedWorkspace(other));
      const [ra, rb] = await Promise.all([
        runRollbackStep({ wh, ws: a, policy: DEFAULT_ROLLBACK_POLICY }, 'tick-x', T),
        sleep(staggerMs).then(() =>
          runRollbackStep({ wh: other, ws: b, policy: DEFAULT_ROLLBACK_POLICY }, 'tick-x', T),
        ),
      ]);
      // A tick that lost a race may have stopped; the next tick finishes whatever is left.
      await runRollbackStep({ wh, ws: a, policy: DEFAULT_ROLLBACK_POLICY }, 'tick-y', T + 60_000);
      const rows = await wh.session.all('SELECT state FROM postflight.rollbacks');
      expect(rows).toEqual([{ state: 'SUCCEEDED' }]);
      expect([...a.effects, ...b.effects].sort()).toEqual(['job:4242', 'pipeline:p-77']);
      expect([...a.writes, ...b.writes].length).toBe(2);
      const executed = [...ra.executed, ...rb.executed].filter((e) => e.result === 'SUCCEEDED');
      expect(executed.length).toBeLessThanOrEqual(1);
      const n = await wh.session.all(
        "SELECT count(*) AS n FROM postflight.deployments WHERE actor = 'postflight-rollback'",
      );
      expect(n[0]!.n).toBe(1);
      expect((await verifyAuditLog(wh)).findings).toEqual([]);
      await other.close();
      await wh.close();
    });
  }
});
