// The moment a tick reports as decided: after every change it makes to the workspace, so that
// what waits on its decisions (a replay's next minute) never runs ahead of a rollback.

import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/checks/policy.js';
import { DEFAULT_ROLLBACK_POLICY } from '../../src/rollback/policy.js';
import { runTick } from '../../src/tick/run-tick.js';
import { EmbeddedWorkspace } from '../../src/workspace/embedded/embedded-workspace.js';
import { JOB, liveVersion, openRollbackWorld, T, V1 } from '../support/rollback-world.js';

describe('a tick that rolls back', () => {
  it('reports itself decided only once the rollback has changed the workspace, and before its heartbeat row', async () => {
    const wh = await openRollbackWorld();
    const ws = new EmbeddedWorkspace(wh);
    const before = ws.edits;
    let editsWhenDecided: number | null = null;
    // Statements the tick issues once it has reported itself decided.
    let afterDecided: string[] | null = null;
    for (const m of ['query', 'execute'] as const) {
      const inner = wh[m].bind(wh);
      wh[m] = (async (name: string, ...rest: unknown[]) => {
        afterDecided?.push(name);
        return (inner as (...a: unknown[]) => Promise<unknown>)(name, ...rest);
      }) as never;
    }
    const summary = await runTick(
      {
        wh,
        ws,
        policy: DEFAULT_POLICY,
        rollback: { policy: DEFAULT_ROLLBACK_POLICY },
        onDecided: () => {
          editsWhenDecided = ws.edits;
          afterDecided = [];
        },
      },
      T,
    );
    expect(summary.rollbacks?.executed.length).toBeGreaterThan(0);
    expect(await liveVersion(wh, JOB)).toBe(V1.version);
    expect(ws.edits).toBeGreaterThan(before);
    expect(editsWhenDecided).toBe(ws.edits);
    expect(afterDecided).toEqual(['tick/insert_tick']);
    await wh.close();
  });
});
