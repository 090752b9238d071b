// A verifier's first tick on a world with days of deployments and no verdicts catches up in
// slices: each tick reads a bounded number of tables' histories and pipelines' event logs from the
// start of their baselines, the newest deployments are judged first, and once it has caught up
// every deployment has the verdict a verifier that read everything in its first tick gives it.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/checks/policy.js';
import { ensureWorldTemplate } from '../../src/demo/demo.js';
import { defaultSpec } from '../../src/simulator/default-spec.js';
import { SimWorld } from '../../src/simulator/world.js';
import { runTick, type TickSummary } from '../../src/tick/run-tick.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { EmbeddedWorkspace } from '../../src/workspace/embedded/embedded-workspace.js';

const spec = defaultSpec({ pipelines: 10, days: 21, deploysPerDay: 40, badShare: 0.5, seed: 1 });
const LIMIT = 8;
const MINUTES = 40;

interface Run {
  readonly ticks: TickSummary[];
  /** Per tick: tables read from the start of their history, and pipelines followed for the first time. */
  readonly firstReads: number[];
  /** Per tick: deployments given a first verdict. */
  readonly firstVerdicts: number[];
  readonly verdicts: Map<string, string>;
}

async function verify(template: string, firstReadsPerTick: number): Promise<Run> {
  const wh = await DuckDbWarehouse.openCopyInMemory(template);
  try {
    const world = (await SimWorld.open(wh))!;
    const ws = new EmbeddedWorkspace(wh);
    const described = new Set<string>();
    const describe = wh.describeHistory.bind(wh);
    wh.describeHistory = (table, limit) => {
      described.add(table);
      return describe(table, limit);
    };
    const names = async (sql: string) => new Set((await wh.session.all(sql)).map((r) => String(r.name)));
    const ticks: TickSummary[] = [];
    const firstReads: number[] = [];
    const firstVerdicts: number[] = [];
    const verdicts = async () => (await names('SELECT deployment_id AS name FROM postflight.verdicts')).size;
    for (let m = 0; m <= MINUTES; m++) {
      if (m > 0) await world.advance(world.nowMs + 60_000);
      const held = await names('SELECT DISTINCT table_name AS name FROM postflight.table_commits');
      const followed = await names("SELECT name FROM postflight.watermarks WHERE name LIKE 'event_log:%'");
      const before = await verdicts();
      described.clear();
      ticks.push(await runTick({ wh, ws, policy: DEFAULT_POLICY, firstReadsPerTick }, world.nowMs));
      const nowFollowed = await names("SELECT name FROM postflight.watermarks WHERE name LIKE 'event_log:%'");
      firstReads.push(
        [...described].filter((t) => !held.has(t)).length + [...nowFollowed].filter((p) => !followed.has(p)).length,
      );
      firstVerdicts.push((await verdicts()) - before);
    }
    const rows = await wh.session.all('SELECT deployment_id, state FROM postflight.verdicts');
    return {
      ticks,
      firstReads,
      firstVerdicts,
      verdicts: new Map(rows.map((r) => [String(r.deployment_id), String(r.state)])),
    };
  } finally {
    await wh.close();
  }
}

let whole: Run;
let sliced: Run;

beforeAll(async () => {
  const template = await ensureWorldTemplate(mkdtempSync(join(tmpdir(), 'postflight-cu-')), spec);
  whole = await verify(template, Number.POSITIVE_INFINITY);
  sliced = await verify(template, LIMIT);
}, 300_000);

describe('a first tick on a backlog of deployments without verdicts', () => {
  it('judges everything at once when unbounded, and only a slice when bounded', () => {
    expect(whole.ticks[0]!.deferred).toBe(0);
    expect(whole.ticks[0]!.judged).toBeGreaterThan(50);
    expect(sliced.ticks[0]!.deferred).toBeGreaterThan(0);
    expect(sliced.ticks[0]!.judged).toBeLessThan(whole.ticks[0]!.judged);
  });

  it('makes no more first reads a tick than its slice counted, and the slice no more than the limit', () => {
    // Ticks not catching up count nothing (a steady tick reads a new table's history the same way).
    const catchingUp = [...sliced.ticks.entries()].filter(([, t]) => t.deferred > 0 || t.firstReads > 0);
    expect(catchingUp.length).toBeGreaterThan(1);
    for (const [i, t] of catchingUp) {
      expect(sliced.firstReads[i]).toBeLessThanOrEqual(t.firstReads);
      // The newest deployment waiting is judged whatever it costs: a slice is never empty.
      if (t.deferred > 0 && sliced.firstVerdicts[i]! > 1) expect(t.firstReads).toBeLessThanOrEqual(LIMIT);
      if (t.deferred > 0) expect(sliced.firstVerdicts[i]).toBeGreaterThan(0);
    }
    expect(Math.max(...sliced.firstReads)).toBeLessThan(Math.max(...whole.firstReads) / 2);
  });

  it('catches up within the minutes replayed, a slice a tick', () => {
    const caughtUp = sliced.ticks.findIndex((t) => t.deferred === 0);
    expect(caughtUp).toBeGreaterThan(0);
    expect(sliced.ticks.slice(caughtUp).every((t) => t.deferred === 0)).toBe(true);
  });

  it('ends with the verdicts of a verifier that read everything in its first tick', () => {
    expect(whole.verdicts.size).toBeGreaterThan(50);
    expect(sliced.verdicts.size).toBe(whole.verdicts.size);
    const differing = [...whole.verdicts].filter(([id, state]) => sliced.verdicts.get(id) !== state);
    expect(differing).toEqual([]);
  });
});
