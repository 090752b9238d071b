import { describe, expect, it } from 'vitest';
import { defaultSpec } from '../../src/simulator/default-spec.js';
import { SOURCE_CADENCE_MS, sourceCommit } from '../../src/simulator/sources.js';
import { SimWorld } from '../../src/simulator/world.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';

describe('simulated world', () => {
  it('builds history and shows system tables only after their latency', async () => {
    const wh = await DuckDbWarehouse.open(':memory:');
    const t0 = Date.now();
    const world = await SimWorld.create(wh, defaultSpec({ pipelines: 8, days: 3 }));
    const built = Date.now() - t0;
    const n = await wh.session.all('SELECT count(*) AS n FROM system_lakeflow.job_run_timeline');
    const all = await wh.session.all('SELECT count(*) AS n FROM sim_world.system_lakeflow__job_run_timeline');
    expect(Number(n[0]!.n)).toBeGreaterThan(0);
    expect(Number(n[0]!.n)).toBeLessThan(Number(all[0]!.n));
    const commits = await wh.session.all('SELECT count(*) AS n FROM delta_history.commits');
    expect(Number(commits[0]!.n)).toBeGreaterThan(0);
    const ev = await wh.session.all('SELECT count(*) AS n FROM pipelines.event_log');
    expect(Number(ev[0]!.n)).toBeGreaterThanOrEqual(0);
    const deps = await wh.session.all('SELECT count(*) AS n FROM postflight.deployments');
    expect(Number(deps[0]!.n)).toBeGreaterThan(0);
    await world.advance(world.nowMs + 3600_000);
    console.log('built in', built, 'ms');
    await wh.close();
  });

  it('ingests into every source table a quarter-hour, and an upstream incident shows in its history', async () => {
    const wh = await DuckDbWarehouse.open(':memory:');
    const world = await SimWorld.create(wh, defaultSpec({ pipelines: 8, days: 3 }));
    const [inc] = world.plan.incidents;
    await world.advance(Math.max(world.nowMs, inc!.fromMs) + 2 * 3600_000);
    const rows = await wh.session.all(
      `SELECT epoch_ms("timestamp") AS ts, CAST(operationMetrics['numOutputRows'] AS BIGINT) AS n FROM delta_history.commits
       WHERE table_name = $t AND operation = 'STREAMING UPDATE' ORDER BY ts`,
      { t: inc!.source },
    );
    const ts = rows.map((r) => Number(r.ts));
    expect(new Set(ts.slice(1).map((t, i) => t - ts[i]!))).toEqual(new Set([15 * 60_000]));
    // Within the incident each commit is the factor times what the table would have had without it.
    const during = rows.filter((r) => Number(r.ts) >= inc!.fromMs && Number(r.ts) < inc!.fromMs + 2 * 3600_000);
    expect(during.length).toBe(8);
    for (const r of during) {
      const usual = sourceCommit(world.spec.seed, inc!.source, Math.floor(Number(r.ts) / SOURCE_CADENCE_MS), []).rows;
      expect(Number(r.n) / usual).toBeCloseTo(inc!.factor, 3);
    }
    await wh.close();
  });
});
