import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/checks/policy.js';
import { parsePolicyFile } from '../../src/config/policy-file.js';
import { defaultSpec } from '../../src/simulator/default-spec.js';
import { driftMetricsTableFor, driftMonitored, MONITORED_SCHEMA } from '../../src/simulator/quality-monitors.js';
import { SimWorld } from '../../src/simulator/world.js';
import { unavailableMark } from '../../src/tick/monitors-read.js';
import { runTick } from '../../src/tick/run-tick.js';
import type { TickDeps } from '../../src/tick/types.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { EmbeddedWorkspace } from '../../src/workspace/embedded/embedded-workspace.js';

const MIN = 60_000;
// Seed 3 replays a deploy that stops a prod.sales job writing its first table, and a deploy that
// changes the volume the drift-monitored pipeline writes.
const spec = defaultSpec({ pipelines: 24, days: 10, seed: 3, badShare: 0.5 });

/** The statements each tick sends, by name. */
function spy(wh: DuckDbWarehouse): string[] {
  const sent: string[] = [];
  const query = wh.query.bind(wh);
  wh.query = (name, params, rows) => {
    sent.push(name);
    return query(name, params, rows);
  };
  return sent;
}

async function checks(wh: DuckDbWarehouse, deploymentId: string) {
  return wh.session.all(
    `SELECT look, status, critical, explanation, subject FROM postflight.check_results
     WHERE deployment_id = $id AND check_name = 'monitors' ORDER BY look`,
    { id: deploymentId },
  );
}

describe("Databricks' own monitors through the tick", () => {
  it('reports a table data quality monitoring turned stale after the deploy, and a drift monitor that jumped, by name', async () => {
    const wh = await DuckDbWarehouse.open(':memory:');
    const world = await SimWorld.create(wh, spec);
    const replayed = world.plan.deploys.filter((d) => d.atMs >= spec.startMs);
    const stale = replayed.find(
      (d) =>
        d.behaviour.kind === 'stale_output' &&
        world.catalog[d.pipelineIndex]!.targets[0]!.name.startsWith(`${MONITORED_SCHEMA}.`),
    );
    expect(stale).toBeDefined();
    const monitored = driftMonitored(world.catalog, world.plan, spec);
    const jumped = replayed.find((d) => d.pipelineIndex === monitored.index && d.behaviour.kind !== null);
    expect(jumped).toBeDefined();
    const staleTable = world.catalog[stale!.pipelineIndex]!.targets[0]!.name;
    const driftTable = monitored.targets[0]!.name;
    const policies = parsePolicyFile(
      JSON.stringify({
        version: 1,
        checks: {
          monitors: {
            dataQualityMonitoring: true,
            drift: {
              [driftTable]: {
                metricsTable: driftMetricsTableFor(monitored),
                monitor: 'orders profile',
                metrics: { population_stability_index: 0.2 },
              },
            },
          },
        },
      }),
      'monitors.json',
    );
    const deps: TickDeps = { wh, ws: new EmbeddedWorkspace(wh), policy: DEFAULT_POLICY, policies };
    const sent = spy(wh);
    const from = Math.min(stale!.atMs, jumped!.atMs) - 5 * MIN;
    const to = Math.max(stale!.atMs, jumped!.atMs) + 4 * 60 * MIN;
    for (let t = from; t <= to; t += 5 * MIN) {
      await world.advance(t);
      await runTick(deps, t);
    }
    const staleRows = await checks(wh, stale!.deploymentId);
    const staleFail = staleRows.find((r) => r.status === 'FAIL' && r.subject === `table:${staleTable}`);
    expect(staleFail, JSON.stringify(staleRows)).toBeDefined();
    expect(String(staleFail!.explanation)).toMatch(
      new RegExp(
        `^data quality monitoring marks ${staleTable.replace(/\./g, '\\.')} stale since .* UTC, healthy before the deploy$`,
      ),
    );
    expect(staleFail!.critical).toBe(false);
    // Not critical: the deployment is failed by its own freshness check, or degraded, never by the monitor alone.
    const driftRows = await checks(wh, jumped!.deploymentId);
    const driftFail = driftRows.find((r) => r.status === 'FAIL' && r.subject === `table:${driftTable}`);
    expect(driftFail, JSON.stringify(driftRows)).toBeDefined();
    expect(String(driftFail!.explanation)).toMatch(
      /^drift monitor orders profile of .* reports population_stability_index 0\.\d+ on amount \(above 0\.2\) for the window from .*, within its thresholds before the deploy$/,
    );
    // One statement for every table's data quality results and one per drift table, never per deployment.
    const perTick = sent.filter((n) => n === 'tick/monitor_results').length / ((to - from) / (5 * MIN) + 1);
    expect(perTick).toBeLessThanOrEqual(1);
    await wh.close();
  }, 300_000);

  it('reads no monitor where no policy turns them on', async () => {
    const wh = await DuckDbWarehouse.open(':memory:');
    const world = await SimWorld.create(wh, defaultSpec({ pipelines: 10, days: 3, seed: 3 }));
    const sent = spy(wh);
    const summary = await runTick({ wh, ws: new EmbeddedWorkspace(wh), policy: DEFAULT_POLICY }, world.nowMs);
    expect(summary.judged).toBeGreaterThan(0);
    expect(sent.filter((n) => n === 'tick/monitor_results' || n === 'tick/drift_metrics')).toEqual([]);
    const rows = await wh.session.all(
      "SELECT count(*) AS n FROM postflight.check_results WHERE check_name = 'monitors'",
    );
    expect(Number(rows[0]!.n)).toBe(0);
    await wh.close();
  });

  it('warns once of a monitor table that is missing, leaves it unread for a while, and judges without it', async () => {
    const wh = await DuckDbWarehouse.open(':memory:');
    const world = await SimWorld.create(wh, defaultSpec({ pipelines: 10, days: 3, seed: 3 }));
    const tables = await wh.session.all(
      'SELECT DISTINCT target_table_full_name AS t FROM system_access.table_lineage WHERE target_table_full_name IS NOT NULL',
    );
    const drift = Object.fromEntries(
      tables.map((r) => [
        String(r.t),
        { metricsTable: 'monitoring.nowhere_drift_metrics', metrics: { js_distance: 0.2 } },
      ]),
    );
    const policies = parsePolicyFile(JSON.stringify({ checks: { monitors: { drift } } }), 'p.json');
    const warnings: string[] = [];
    const log = { warn: (_o: unknown, m: string) => warnings.push(m) } as unknown as TickDeps['log'];
    const deps: TickDeps = { wh, ws: new EmbeddedWorkspace(wh), policy: DEFAULT_POLICY, policies, log };
    const sent = spy(wh);
    const first = await runTick(deps, world.nowMs);
    expect(first.errors.filter((e) => e.kind === 'monitors')).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/monitoring\.nowhere_drift_metrics is missing or not granted to the verifier/);
    const mark = await wh.session.all('SELECT value_ms FROM postflight.watermarks WHERE name = $n', {
      n: unavailableMark('monitoring.nowhere_drift_metrics'),
    });
    expect(Number(mark[0]!.value_ms)).toBe(world.nowMs);
    expect(sent.filter((n) => n === 'tick/drift_metrics')).toHaveLength(1);
    await world.advance(world.nowMs + 10 * MIN);
    await runTick(deps, world.nowMs);
    expect(sent.filter((n) => n === 'tick/drift_metrics')).toHaveLength(1);
    expect(warnings).toHaveLength(1);
    const errors = await wh.session.all(
      "SELECT count(*) AS n FROM postflight.check_results WHERE check_name = 'monitors' OR explanation LIKE '%drift%'",
    );
    expect(Number(errors[0]!.n)).toBe(0);
    await wh.close();
  });
});
