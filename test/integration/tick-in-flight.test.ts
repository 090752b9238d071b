// A tick starts reads it may turn out not to need (lineage beside the runs listing, first pages
// of history beside the cached commits). None may still be running when the tick returns: the
// job closes the warehouse then, and a connection closed under a statement hangs the process.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SLO_POLICY } from '../../src/budget/slo-policy.js';
import { DEFAULT_POLICY } from '../../src/checks/policy.js';
import { ensureWorldTemplate } from '../../src/demo/demo.js';
import { DEFAULT_ROLLBACK_POLICY } from '../../src/rollback/policy.js';
import { defaultSpec } from '../../src/simulator/default-spec.js';
import { SimWorld } from '../../src/simulator/world.js';
import { runTick } from '../../src/tick/run-tick.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { EmbeddedWorkspace } from '../../src/workspace/embedded/embedded-workspace.js';

const spec = defaultSpec({ pipelines: 10, days: 21, deploysPerDay: 40, badShare: 0.5, seed: 1 });

describe('a tick', () => {
  it('returns only once every statement it started has come back', async () => {
    const template = await ensureWorldTemplate(mkdtempSync(join(tmpdir(), 'postflight-if-')), spec);
    const wh = await DuckDbWarehouse.openCopyInMemory(template);
    const world = (await SimWorld.open(wh))!;
    const ws = new EmbeddedWorkspace(wh);
    let running = 0;
    const track =
      <A extends unknown[], R>(f: (...a: A) => Promise<R>) =>
      async (...a: A): Promise<R> => {
        running++;
        // Each statement comes back a little later than it would, as on a workspace.
        await new Promise((r) => setTimeout(r, 2));
        try {
          return await f(...a);
        } finally {
          running--;
        }
      };
    wh.query = track(wh.query.bind(wh));
    wh.execute = track(wh.execute.bind(wh));
    wh.describeHistory = track(wh.describeHistory.bind(wh));
    const deps = {
      wh,
      ws,
      policy: DEFAULT_POLICY,
      slos: DEFAULT_SLO_POLICY,
      rollback: { policy: DEFAULT_ROLLBACK_POLICY },
    };
    const leftRunning: number[] = [];
    const judged: number[] = [];
    for (let m = 0; m < 30; m++) {
      if (m > 0) await world.advance(world.nowMs + 60_000);
      judged.push((await runTick(deps, world.nowMs)).judged);
      leftRunning.push(running);
    }
    // Ticks that judged nothing (their lineage read unused) and ticks that judged some.
    expect(judged.some((n) => n === 0)).toBe(true);
    expect(judged.some((n) => n > 0)).toBe(true);
    expect(leftRunning).toEqual(leftRunning.map(() => 0));
    await wh.close();
  }, 300_000);
});
