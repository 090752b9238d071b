// The benchmark's workspace latency: every call waits its round trip, and the log's depth is the
// longest chain of calls each sent only after the one before it came back.

import { describe, expect, it } from 'vitest';
import { RoundTripLog, RoundTripWarehouse, RoundTripWorkspace } from '../../src/bench/speed/round-trips.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import type { Workspace } from '../../src/workspace/port.js';

const LATENCY = { statementMs: 60, restMs: 40 };

describe('round trips', () => {
  it('counts calls made at once as one step, and calls made one after another as one step each', async () => {
    const log = new RoundTripLog();
    const call = (name: string) => log.call(name, 20, async () => name);
    await Promise.all([call('a'), call('b'), call('c')]);
    await call('d');
    await Promise.all([
      call('e'),
      (async () => {
        await call('f');
        return call('g');
      })(),
    ]);
    const s = log.summary();
    expect(s.roundTrips).toBe(7);
    expect(s.criticalPath).toBe(4);
    expect(s.chain).toHaveLength(4);
    expect(['a', 'b', 'c']).toContain(s.chain[0]);
    expect(s.chain[1]).toBe('d');
    expect(['e', 'f']).toContain(s.chain[2]);
    expect(s.chain[3]).toBe('g');
    log.reset();
    expect(log.summary()).toEqual({ roundTrips: 0, criticalPath: 0, chain: [], rowsReturned: 0 });
  });

  it('counts a failed call, and it still takes its round trip', async () => {
    const log = new RoundTripLog();
    const t0 = performance.now();
    await expect(log.call('x', 50, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(45);
    await log.call('y', 10, async () => 1);
    expect(log.summary().criticalPath).toBe(2);
  });

  it('delays each statement and REST call by its latency and passes answers through unchanged', async () => {
    const inner = await DuckDbWarehouse.open(':memory:');
    await inner.applyDdl('ddl/ops');
    const log = new RoundTripLog();
    const wh = new RoundTripWarehouse(inner, log, LATENCY);
    let t0 = performance.now();
    const rows = await wh.query('tick/marks');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(LATENCY.statementMs - 5);
    expect(rows).toEqual(await inner.query('tick/marks'));
    expect(wh.stats).toBe(inner.stats);
    expect(wh.locations).toBe(inner.locations);
    const api: Workspace = {
      stats: { calls: 0 },
      listRuns: async () => ({ runs: [], has_more: false }),
      getJob: async () => null,
      resetJob: async () => undefined,
      getPipeline: async () => null,
      editPipeline: async () => undefined,
      exportFile: async () => null,
    };
    const ws = new RoundTripWorkspace(api, log, LATENCY);
    t0 = performance.now();
    expect(await ws.listRuns({ startTimeFrom: 0 })).toEqual({ runs: [], has_more: false });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(LATENCY.restMs - 5);
    expect(log.summary().chain).toEqual(['tick/marks', 'jobs/runs/list']);
    await inner.close();
  });
});
