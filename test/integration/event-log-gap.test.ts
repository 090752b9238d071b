import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/checks/policy.js';
import { ensureWorldTemplate } from '../../src/demo/demo.js';
import { defaultSpec } from '../../src/simulator/default-spec.js';
import { SimWorld } from '../../src/simulator/world.js';
import { runTick } from '../../src/tick/run-tick.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import type { Row } from '../../src/warehouse/port.js';
import { EmbeddedWorkspace } from '../../src/workspace/embedded/embedded-workspace.js';

// The tick reads the followed pipelines' event log alongside its opening read, over the span a
// tick one minute after the last one needs. After missed ticks it must still see every event.
const spec = defaultSpec({ pipelines: 8, days: 14, deploysPerDay: 30, seed: 3 });
const MINUTE = 60_000;

async function replay(template: string, skipped: (m: number) => boolean): Promise<{ runs: Row[]; ticks: number }> {
  const wh = await DuckDbWarehouse.openCopyInMemory(template);
  try {
    const world = (await SimWorld.open(wh))!;
    const ws = new EmbeddedWorkspace(wh);
    const start = world.nowMs;
    let ticks = 0;
    for (let m = 0; m <= 90; m++) {
      if (m > 0) await world.advance(start + m * MINUTE);
      if (skipped(m)) continue;
      await runTick({ wh, ws, policy: DEFAULT_POLICY }, start + m * MINUTE);
      ticks++;
    }
    const runs = await wh.session.all(`
      SELECT o.run_id, o.subject_id, o.start_time, o.end_time, o.result
      FROM postflight.observed_runs o
      WHERE o.end_time IS NOT NULL AND o.subject_id IN (SELECT substr(name, 11) FROM postflight.watermarks WHERE name LIKE 'event_log:%')
      ORDER BY o.run_id`);
    return { runs, ticks };
  } finally {
    await wh.close();
  }
}

describe('event-log reads across missed ticks', () => {
  let every: { runs: Row[]; ticks: number };
  let gapped: { runs: Row[]; ticks: number };
  beforeAll(async () => {
    const template = await ensureWorldTemplate(mkdtempSync(join(tmpdir(), 'postflight-gap-')), spec);
    every = await replay(template, () => false);
    // Thirty minutes without a tick: far more than the span an on-time tick reads.
    gapped = await replay(template, (m) => m >= 20 && m < 50);
  }, 240_000);

  it('records the same finished pipeline updates with and without the missed ticks', () => {
    expect(gapped.ticks).toBeLessThan(every.ticks);
    expect(every.runs.length).toBeGreaterThan(3);
    expect(gapped.runs).toEqual(every.runs);
  });
});
