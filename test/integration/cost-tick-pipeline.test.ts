// A pipeline's cost regression through ticks on the simulated world: its updates billed under
// usage_metadata.dlt_pipeline_id and dlt_update_id (the update ids of pipeline_update_timeline),
// read per deployment by tick/cost_usage, failed on cost once billed (not critical: no rollback)
// with the spec's cluster change named, beside the job's episode of the same world.

import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/checks/policy.js';
import { DEFAULT_ROLLBACK_POLICY } from '../../src/rollback/policy.js';
import { defaultSpec } from '../../src/simulator/default-spec.js';
import { SimWorld } from '../../src/simulator/world.js';
import { runTick } from '../../src/tick/run-tick.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { EmbeddedWorkspace } from '../../src/workspace/embedded/embedded-workspace.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('cost check of a pipeline through the tick', () => {
  it('bills its updates by update id, fails its cost regression once billed, names the change, rolls nothing back', async () => {
    const wh = await DuckDbWarehouse.open(':memory:');
    const spec = defaultSpec({ seed: 4, pipelines: 12, days: 10, deploysPerDay: 6, costEpisodes: ['job', 'pipeline'] });
    const world = await SimWorld.create(wh, spec);
    const episodes = world.plan.deploys.filter((d) => d.behaviour.kind === 'cost_regression');
    expect(episodes.map((d) => world.catalog[d.pipelineIndex]!.resourceType).sort()).toEqual(['job', 'pipeline']);
    const episode = episodes.find((d) => world.catalog[d.pipelineIndex]!.resourceType === 'pipeline')!;
    expect(episode.label).toBe('healthy');
    const p = world.catalog[episode.pipelineIndex]!;
    const ws = new EmbeddedWorkspace(wh);
    const deps = { wh, ws, policy: DEFAULT_POLICY, rollback: { policy: DEFAULT_ROLLBACK_POLICY } };
    for (let at = episode.atMs + MINUTE; at <= episode.atMs + 18 * HOUR; at += 15 * MINUTE) {
      await world.advance(at);
      await runTick(deps, at);
    }

    // Every billed update of the pipeline is an update the update timeline holds.
    const orphans = await wh.session.all(
      `SELECT count(*) AS n, count(DISTINCT u.sku_name) AS skus FROM sim_world.system_billing__usage u
       LEFT JOIN sim_world.system_lakeflow__pipeline_update_timeline t
         ON t.pipeline_id = u.usage_metadata.dlt_pipeline_id AND t.update_id = u.usage_metadata.dlt_update_id
       WHERE u.usage_metadata.dlt_pipeline_id = $id AND t.update_id IS NULL`,
      { id: p.id },
    );
    expect(Number(orphans[0]!.n)).toBe(0);
    const billed = await wh.session.all(
      `SELECT DISTINCT billing_origin_product AS product, usage_metadata.job_run_id AS job_run FROM sim_world.system_billing__usage
       WHERE usage_metadata.dlt_pipeline_id = $id`,
      { id: p.id },
    );
    expect(billed).toEqual([{ product: 'DLT', job_run: null }]);

    const [cost] = await wh.session.all(
      `SELECT status, critical, look, observed, baseline_center, effect, explanation, plane FROM postflight.check_results
       WHERE deployment_id = $id AND check_name = 'cost' ORDER BY look DESC LIMIT 1`,
      { id: episode.deploymentId },
    );
    expect(cost?.status).toBe('FAIL');
    expect(cost?.critical).toBe(false);
    expect(cost?.plane).toBe('slow');
    expect(Number(cost?.effect)).toBeGreaterThan(episode.behaviour.factor * 0.8);
    expect(Number(cost?.effect)).toBeLessThan(episode.behaviour.factor * 1.25);
    expect(String(cost?.explanation)).toMatch(
      /^(node type i3\.xlarge → i3\.[24]xlarge|workers \d+ → \d+|serverless → classic compute \(\d+ × i3\.xlarge\)) in this deployment; DBUs per update ×\d\.\d \(\$/,
    );
    const [first] = await wh.session.all(
      `SELECT min(look) AS look FROM postflight.check_results WHERE deployment_id = $id AND check_name = 'cost' AND status = 'FAIL'`,
      { id: episode.deploymentId },
    );
    expect(Number(first?.look)).toBeLessThanOrEqual(3);
    // Its other checks closed on their runs hours before the first update was billed; cost was
    // watched on, and its verdict says what it found.
    const [verdict] = await wh.session.all('SELECT state, reason FROM postflight.verdicts WHERE deployment_id = $id', {
      id: episode.deploymentId,
    });
    expect(verdict?.state).toBe('DEGRADED');
    expect(String(verdict?.reason)).toMatch(/cost: .*DBUs per update/);
    const rollbacks = await wh.session.all('SELECT 1 FROM postflight.rollbacks WHERE deployment_id = $id', {
      id: episode.deploymentId,
    });
    expect(rollbacks.length).toBe(0);
    // The healthy pipeline deploys judged meanwhile: none failed on cost.
    const healthy = world.plan.deploys
      .filter((d) => d.label === 'healthy' && d.behaviour.kind === null)
      .map((d) => d.deploymentId);
    const failed = await wh.session.all(
      `SELECT DISTINCT deployment_id FROM postflight.check_results WHERE check_name = 'cost' AND status = 'FAIL'`,
    );
    expect(failed.filter((r) => healthy.includes(String(r.deployment_id)))).toEqual([]);
    await wh.close();
  }, 600_000);
});
