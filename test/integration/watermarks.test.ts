import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTick } from '../../src/tick/open.js';
import { tickRows } from '../../src/tick/result-rows.js';
import type { TickSummary } from '../../src/tick/run-tick.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';

const T = 1_793_577_600_000;
const summary = (i: number): TickSummary => ({
  tickId: `tick-${i}`,
  nowMs: T + i * 60_000,
  deployments: 0,
  judged: 0,
  deferred: 0,
  firstReads: 0,
  verdicts: {},
  newRuns: 0,
  statements: 0,
  historyReads: 0,
  restCalls: 0,
  errors: [],
  errorsByKind: {},
  durationMs: 1,
  changed: [],
  rollbacks: null,
  budgets: null,
});

describe('watermarks ride on the tick row', () => {
  let wh: DuckDbWarehouse;
  beforeAll(async () => {
    wh = await DuckDbWarehouse.open(':memory:');
    await wh.applyDdl('ddl/ops');
  });
  afterAll(async () => wh.close());

  it('reads back exactly what the newest tick wrote, also after the same read ran on an empty table', async () => {
    expect((await openTick(wh, T, 3_600_000)).marks.size).toBe(0);
    for (let i = 0; i < 3; i++) {
      await wh.execute('tick/insert_tick', {}, tickRows(summary(i), T - 360_000 + i, T + i, i === 1));
      const marks = Object.fromEntries((await openTick(wh, T + i * 60_000, 3_600_000)).marks);
      expect(marks).toEqual({
        last_tick_ms: T + i * 60_000,
        jobs_runs_from_ms: T - 360_000 + i,
        event_log_from_ms: T + i,
        rollback_open: i === 1 ? 1 : 0,
      });
    }
  });

  it('keeps the first row of a minute ticked twice, so a second run of it cannot move the watermarks past the first', async () => {
    const again = { ...summary(5), durationMs: 9 };
    expect(await wh.execute('tick/insert_tick', {}, tickRows(summary(5), T - 120_000, T + 5, false))).toBe(1);
    expect(await wh.execute('tick/insert_tick', {}, tickRows(again, T - 60_000, T + 6, true))).toBe(0);
    const rows = await wh.query('tick/marks');
    const marks = Object.fromEntries(rows.map((r) => [r.name, r.value_ms]));
    expect(marks).toMatchObject({
      last_tick_ms: T + 5 * 60_000,
      jobs_runs_from_ms: T - 120_000,
      event_log_from_ms: T + 5,
      rollback_open: 0,
    });
    expect(
      await wh.session.all(
        "SELECT count(*) AS n, max(duration_ms) AS d FROM postflight.ticks WHERE tick_id = 'tick-5'",
      ),
    ).toEqual([{ n: 1, d: 1 }]);
  });
});
