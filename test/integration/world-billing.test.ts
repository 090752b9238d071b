import { describe, expect, it } from 'vitest';
import { dbuPerHour } from '../../src/simulator/cost.js';
import { defaultSpec } from '../../src/simulator/default-spec.js';
import { SimWorld } from '../../src/simulator/world.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';

const HOUR = 3_600_000;

describe('simulated billing and clusters', () => {
  it('bills every run by the hour, twelve hours late, priced at the usage time, with its job cluster', async () => {
    const wh = await DuckDbWarehouse.open(':memory:');
    const world = await SimWorld.create(wh, defaultSpec({ pipelines: 8, days: 3 }));
    const now = world.nowMs;
    const seen = await wh.session.all(
      'SELECT max(epoch_ms(usage_end_time)) AS newest, count(*) AS n FROM system_billing.usage',
    );
    const all = await wh.session.all('SELECT count(*) AS n FROM sim_world.system_billing__usage');
    // Nothing of the last ten hours is billed yet; some of the day before is.
    expect(Number(seen[0]!.n)).toBeGreaterThan(0);
    expect(Number(seen[0]!.newest)).toBeLessThanOrEqual(now - 10 * HOUR);
    expect(Number(seen[0]!.n)).toBeLessThan(Number(all[0]!.n));

    // A job run's records add up to its cluster's rate over its length plus start-up.
    const runs = await wh.session.all(
      `SELECT u.usage_metadata.job_run_id AS run_id, sum(CAST(u.usage_quantity AS DOUBLE)) AS dbus,
         any_value(u.usage_metadata.cluster_id) AS cluster_id, count(*) AS records
       FROM sim_world.system_billing__usage u WHERE u.usage_metadata.job_id IS NOT NULL
       GROUP BY 1 ORDER BY 1 LIMIT 50`,
    );
    expect(runs.length).toBe(50);
    for (const r of runs) {
      const [t] = await wh.session.all(
        `SELECT epoch_ms(period_start_time) AS s, epoch_ms(period_end_time) AS e FROM sim_world.system_lakeflow__job_run_timeline WHERE run_id = $id`,
        { id: String(r.run_id) },
      );
      const [c] = await wh.session.all(
        'SELECT worker_node_type AS node, worker_count AS workers FROM sim_world.system_compute__clusters WHERE cluster_id = $id',
        { id: String(r.cluster_id) },
      );
      const hours = (Number(t!.e) - Number(t!.s) + 240_000) / HOUR;
      const rate = dbuPerHour({ nodeType: String(c!.node), workers: Number(c!.workers) });
      expect(Number(r.dbus) / (hours * rate)).toBeGreaterThan(0.85);
      expect(Number(r.dbus) / (hours * rate)).toBeLessThan(1.15);
    }
    // Prices change three weeks before the replay: usage before pays the old price.
    const priced = await wh.session.all(
      `SELECT count(DISTINCT p.pricing.default) AS prices FROM sim_world.system_billing__usage u
       JOIN system_billing.list_prices p ON p.sku_name = u.sku_name AND u.usage_start_time >= p.price_start_time
         AND (p.price_end_time IS NULL OR u.usage_start_time < p.price_end_time)
       WHERE u.usage_metadata.job_id IS NOT NULL`,
    );
    expect(Number(priced[0]!.prices)).toBe(1);
    await wh.close();
  });

  it('plans one cost-regression deploy whose job cluster grows by its factor', async () => {
    const wh = await DuckDbWarehouse.open(':memory:');
    const world = await SimWorld.create(wh, defaultSpec({ pipelines: 40, days: 3 }));
    const episodes = world.plan.deploys.filter((d) => d.behaviour.kind === 'cost_regression');
    expect(episodes.length).toBe(1);
    const d = episodes[0]!;
    expect(d.label).toBe('healthy');
    expect([2, 3, 4]).toContain(d.behaviour.factor);
    await world.advance(d.atMs + 6 * HOUR);
    const p = world.catalog[d.pipelineIndex]!;
    const sizes = await wh.session.all(
      `SELECT epoch_ms(create_time) >= $at AS after, any_value(worker_node_type) AS node, any_value(worker_count) AS workers
       FROM sim_world.system_compute__clusters WHERE tags['JobId'] = $id GROUP BY 1 ORDER BY 1`,
      { at: d.atMs, id: p.id },
    );
    expect(sizes.length).toBe(2);
    const rate = (r: (typeof sizes)[number]) => dbuPerHour({ nodeType: String(r.node), workers: Number(r.workers) });
    expect(rate(sizes[1]!) / rate(sizes[0]!)).toBeCloseTo(d.behaviour.factor, 5);
    await wh.close();
  });
});
