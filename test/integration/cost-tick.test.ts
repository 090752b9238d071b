// The cost check through ticks on the simulated world: billing read from system.billing.usage
// twelve hours late, a cost-regression deploy failed on cost (not critical: no rollback) with its
// cluster change named, and the healthy deploys judged beside it not failed on cost.

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

describe('cost check through the tick', () => {
  it('fails a cost regression on cost once billed, rolls nothing back, and passes healthy deploys', async () => {
    const wh = await DuckDbWarehouse.open(':memory:');
    const world = await SimWorld.create(wh, defaultSpec({ seed: 4, pipelines: 8, days: 10, deploysPerDay: 6 }));
    const episode = world.plan.deploys.find((d) => d.behaviour.kind === 'cost_regression')!;
    expect(episode).toBeDefined();
    const ws = new EmbeddedWorkspace(wh);
    const deps = { wh, ws, policy: DEFAULT_POLICY, rollback: { policy: DEFAULT_ROLLBACK_POLICY } };
    const costOf = async () =>
      wh.session.all(
        `SELECT status, critical, look, observed, baseline_center, effect, explanation, plane, evidence_age_s
         FROM postflight.check_results WHERE deployment_id = $id AND check_name = 'cost' ORDER BY look DESC LIMIT 1`,
        { id: episode.deploymentId },
      );
    let firstLook: Record<string, unknown> | undefined;
    for (let at = episode.atMs + MINUTE; at <= episode.atMs + 18 * HOUR; at += 15 * MINUTE) {
      await world.advance(at);
      await runTick(deps, at);
      firstLook ??= (await costOf())[0];
    }
    // Judged from the first tick, waiting on billing then.
    expect(firstLook?.status).toBe('INCONCLUSIVE');
    expect(String(firstLook?.explanation)).toMatch(/not billed yet|has finished yet/);
    const [cost] = await costOf();
    expect(cost?.status).toBe('FAIL');
    expect(cost?.critical).toBe(false);
    expect(cost?.plane).toBe('slow');
    expect(Number(cost?.evidence_age_s)).toBeGreaterThan(0);
    const [first] = await wh.session.all(
      `SELECT min(look) AS look FROM postflight.check_results WHERE deployment_id = $id AND check_name = 'cost' AND status = 'FAIL'`,
      { id: episode.deploymentId },
    );
    expect(Number(first?.look)).toBeLessThanOrEqual(3);
    expect(Number(cost?.effect)).toBeCloseTo(episode.behaviour.factor, 0);
    expect(Number(cost?.observed) / Number(cost?.baseline_center)).toBeCloseTo(Number(cost?.effect), 6);
    expect(String(cost?.explanation)).toMatch(
      /^(node type i3\.xlarge → i3\.[24]xlarge|workers \d+ → \d+) in this deployment; DBUs per run ×\d\.\d \(\$/,
    );
    const [verdict] = await wh.session.all('SELECT state FROM postflight.verdicts WHERE deployment_id = $id', {
      id: episode.deploymentId,
    });
    expect(verdict?.state).toBe('DEGRADED');
    const rollbacks = await wh.session.all('SELECT 1 FROM postflight.rollbacks WHERE deployment_id = $id', {
      id: episode.deploymentId,
    });
    expect(rollbacks.length).toBe(0);

    // The healthy deploys judged meanwhile: decided on cost where billed, none failed by it.
    const healthy = world.plan.deploys
      .filter((d) => d.label === 'healthy' && d.behaviour.kind === null && d.atMs < episode.atMs + 18 * HOUR)
      .map((d) => d.deploymentId);
    const others = (
      await wh.session.all(
        `SELECT deployment_id, arg_max(status, look) AS status FROM postflight.check_results
         WHERE check_name = 'cost' GROUP BY 1`,
      )
    ).filter((r) => healthy.includes(String(r.deployment_id)));
    expect(others.some((r) => r.status === 'PASS')).toBe(true);
    expect(others.filter((r) => r.status === 'FAIL')).toEqual([]);
    await wh.close();
  }, 600_000);
});
