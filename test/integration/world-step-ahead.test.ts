import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstSlotAfter, slotStartMs } from '../../src/simulator/catalog.js';
import { defaultSpec } from '../../src/simulator/default-spec.js';
import { jobSettings } from '../../src/simulator/settings.js';
import { SimWorld } from '../../src/simulator/world.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { EmbeddedWorkspace } from '../../src/workspace/embedded/embedded-workspace.js';

const MINUTE = 60_000;
const MINUTES = 90;

/** Every simulated table and the deployments the simulator records, in a fixed order. */
async function snapshot(wh: DuckDbWarehouse): Promise<Record<string, string>> {
  const tables = await wh.session.all(
    "SELECT table_name FROM duckdb_tables() WHERE database_name = 'memory' AND schema_name = 'sim_world' ORDER BY 1",
  );
  const out: Record<string, string> = {};
  for (const t of [...tables.map((r) => `sim_world.${String(r.table_name)}`), 'postflight.deployments']) {
    const rows = await wh.session.all(`SELECT * FROM ${t} ORDER BY ALL`);
    out[t] = JSON.stringify(rows);
  }
  return out;
}

/**
 * A job reset to a bad version, as a rollback resets one, and the minute before its next run
 * starts: the first bad job version whose job runs again within the replayed minutes.
 */
function badReset(world: SimWorld, fromMs: number): { edit: (ws: EmbeddedWorkspace) => Promise<void>; minute: number } {
  const resets = world.plan.deploys
    .filter((x) => x.behaviour.kind !== null && world.catalog[x.pipelineIndex]!.resourceType === 'job')
    .map((d) => {
      const p = world.catalog[d.pipelineIndex]!;
      const runStart = slotStartMs(p, firstSlotAfter(p, fromMs + 10 * MINUTE));
      return {
        edit: (ws: EmbeddedWorkspace) => ws.resetJob(p.id, jobSettings(p, d.version)),
        minute: Math.ceil((runStart - fromMs) / MINUTE) - 1,
      };
    });
  return resets.find((r) => r.minute < MINUTES) ?? resets[0]!;
}

describe('simulator steps written ahead', () => {
  let template: string;
  beforeAll(async () => {
    template = join(mkdtempSync(join(tmpdir(), 'pf-ahead-')), 'world.duckdb');
    const wh = await DuckDbWarehouse.open(template);
    await SimWorld.create(wh, defaultSpec({ pipelines: 10, days: 2, deploysPerDay: 60 }));
    await wh.session.run('CHECKPOINT');
    await wh.close();
  });
  const opened: DuckDbWarehouse[] = [];
  afterAll(async () => {
    for (const wh of opened) await wh.close();
  });

  it('leave the world as taking the steps one by one does, whether kept or undone', async () => {
    const one = await DuckDbWarehouse.openCopyInMemory(template);
    opened.push(one);
    const w1 = (await SimWorld.open(one))!;
    const ws1 = new EmbeddedWorkspace(one);
    // Deploys happen in working hours.
    const start = w1.nowMs + 9 * 60 * MINUTE;
    await w1.advance(start);
    const reset = badReset(w1, start);
    expect(reset.minute).toBeLessThan(MINUTES);
    for (let m = 1; m <= MINUTES; m++) {
      await w1.advance(start + m * MINUTE);
      if (m === reset.minute) await reset.edit(ws1);
    }

    const two = await DuckDbWarehouse.openCopyInMemory(template);
    opened.push(two);
    const sim = await two.connect();
    opened.push(sim);
    const w2 = (await SimWorld.open(sim))!;
    const ws2 = new EmbeddedWorkspace(two);
    await w2.advance(start);
    const outcomes = { kept: 0, undone: 0, deploying: 0 };
    let written = false;
    for (let m = 1; m <= MINUTES; m++) {
      const at = start + m * MINUTE;
      if (!written) await w2.advance(at);
      const ahead = await w2.stepAhead(at + MINUTE);
      written = false;
      if (m === reset.minute) await reset.edit(ws2);
      if (ahead === null) {
        outcomes.deploying++;
        continue;
      }
      // Until kept, the other connection sees nothing of the step.
      const clock = await two.session.all('SELECT now_ms FROM sim_world.clock');
      expect(Number(clock[0]!.now_ms)).toBe(at);
      if (m === reset.minute || m % 3 === 0) {
        await ahead.abort();
        outcomes.undone++;
      } else {
        written = await ahead.commit();
        expect(written).toBe(true);
        outcomes.kept++;
      }
    }
    if (!written) await w2.advance(start + (MINUTES + 1) * MINUTE);
    await w1.advance(start + (MINUTES + 1) * MINUTE);
    expect(outcomes.kept).toBeGreaterThan(10);
    expect(outcomes.undone).toBeGreaterThan(10);
    expect(outcomes.deploying).toBeGreaterThan(0);
    expect(await snapshot(two)).toEqual(await snapshot(one));
  });
});
