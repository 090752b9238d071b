import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/checks/policy.js';
import { defaultSpec } from '../../src/simulator/default-spec.js';
import { SimWorld } from '../../src/simulator/world.js';
import { readDbtTests } from '../../src/tick/dbt-tests.js';
import { runTick } from '../../src/tick/run-tick.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { EmbeddedWorkspace } from '../../src/workspace/embedded/embedded-workspace.js';

const T0 = Date.UTC(2026, 10, 2, 6);

/** Elementary's tables in a fresh database, filled by hand. */
async function elementary(): Promise<DuckDbWarehouse> {
  const wh = await DuckDbWarehouse.open(':memory:');
  await wh.applyDdl('ddl/elementary');
  const s = wh.session;
  await s.run(`INSERT INTO elementary.dbt_invocations (invocation_id, job_id, job_run_id, created_at) VALUES
    ('inv-1', '501', 'run-1', epoch_ms(${T0 + 60_000})), ('inv-2', '502', 'run-2', epoch_ms(${T0 + 60_000})),
    ('inv-old', '501', 'run-0', epoch_ms(${T0 - 86_400_000})), ('inv-local', NULL, NULL, epoch_ms(${T0 + 60_000}))`);
  await s.run(`INSERT INTO elementary.dbt_tests (unique_id, name, severity, parent_model_unique_id) VALUES
    ('test.p.unique_orders_id.1', 'unique_orders_id', 'ERROR', 'model.p.orders'),
    ('test.p.accepted_values_orders_status.2', 'accepted_values_orders_status', 'warn', 'model.p.orders')`);
  const result = (
    inv: string,
    uid: string,
    name: string,
    status: string | null,
    failures: number | null,
    type = 'test',
    at = T0 + 50_000,
  ) =>
    `('${inv}', '${uid}', '${name}', ${status === null ? 'NULL' : `'${status}'`}, '${type}', ${failures ?? 'NULL'}, '${new Date(at).toISOString()}', epoch_ms(${T0 + 60_000}))`;
  await s.run(`INSERT INTO elementary.dbt_run_results (invocation_id, unique_id, name, status, resource_type, failures, execute_completed_at, created_at) VALUES
    ${[
      result('inv-1', 'model.p.orders', 'orders', 'success', null, 'model'),
      result('inv-1', 'test.p.unique_orders_id.1', 'unique_orders_id', 'fail', 12),
      result('inv-1', 'test.p.accepted_values_orders_status.2', 'accepted_values_orders_status', 'pass', 0),
      result('inv-1', 'test.p.not_null_orders_id.3', 'not_null_orders_id', 'warn', 3),
      result('inv-1', 'test.p.relationships_orders.4', 'relationships_orders', 'error', null),
      result('inv-1', 'test.p.freshness_orders.5', 'freshness_orders', 'skipped', null),
      result('inv-1', 'test.p.custom_orders.6', 'custom_orders', 'flaky', 1),
      result('inv-2', 'test.q.unique_x.1', 'unique_x', 'fail', 1),
      result('inv-local', 'test.p.unique_orders_id.1', 'unique_orders_id', 'fail', 1),
    ].join(', ')}`);
  return wh;
}

describe('dbt test results from the Elementary tables', () => {
  it('reads each test of each asked job run as a rule result, with its severity and failing rows', async () => {
    const wh = await elementary();
    const recs = await readDbtTests(wh, ['501'], T0);
    const byName = new Map(recs.map((r) => [r.name, r]));
    // Models, skipped tests, other jobs, invocations with no job run and older runs are not rules here.
    expect([...byName.keys()].sort()).toEqual([
      'accepted_values_orders_status',
      'custom_orders',
      'not_null_orders_id',
      'relationships_orders',
      'unique_orders_id',
    ]);
    expect(byName.get('unique_orders_id')).toMatchObject({
      subjectId: '501',
      runId: 'run-1',
      timestampMs: T0 + 50_000,
      severity: 'error',
      outcome: 'fail',
      failed: 12,
      passed: null,
      dataset: 'orders',
      source: 'dbt',
    });
    expect(byName.get('unique_orders_id')!.error).toBeUndefined();
    expect(byName.get('accepted_values_orders_status')).toMatchObject({ severity: 'warn', outcome: 'pass', failed: 0 });
    // No stored definition: a warning says the test is of severity warn.
    expect(byName.get('not_null_orders_id')).toMatchObject({
      severity: 'warn',
      outcome: 'fail',
      failed: 3,
      dataset: null,
    });
    // A test that errored, or reports a status dbt does not have, measured nothing.
    expect(byName.get('relationships_orders')!.error).toMatch(/errored/);
    expect(byName.get('custom_orders')!.error).toMatch(/status 'flaky'.*expected pass, fail, warn, error or skipped/);
    await wh.close();
  });

  it('reads nothing, with no statement, where no dbt artifacts schema is configured', async () => {
    const wh = await DuckDbWarehouse.open(':memory:', { ops: 'postflight', eventLog: 'pipelines.event_log' });
    const before = wh.stats.statements;
    expect(await readDbtTests(wh, ['501'], T0)).toEqual([]);
    expect(wh.stats.statements).toBe(before);
    await wh.close();
  });
});

describe('dbt tests in the simulated world and the tick', () => {
  // Seed 12 deploys a release whose dbt tests fail (a join that fans out) to an hourly dbt job.
  const spec = defaultSpec({ pipelines: 10, days: 15, seed: 12, badShare: 1 });

  it('fails the deployment of a dbt release whose test now fails, and names the test', async () => {
    const wh = await DuckDbWarehouse.open(':memory:');
    const world = await SimWorld.create(wh, spec);
    const bad = world.plan.deploys.find(
      (d) => d.behaviour.kind === 'expectation_spike' && world.catalog[d.pipelineIndex]!.kind === 'dbt',
    )!;
    expect(bad).toBeDefined();
    const ws = new EmbeddedWorkspace(wh);
    const deps = { wh, ws, policy: DEFAULT_POLICY };
    for (let t = bad.atMs - 5 * 60_000; t <= bad.atMs + 3 * 3_600_000; t += 5 * 60_000) {
      await world.advance(t);
      await runTick(deps, t);
    }
    const rows = await wh.session.all(
      `SELECT c.look, c.status, c.explanation FROM postflight.check_results c JOIN postflight.deployments d USING (deployment_id)
       WHERE d.bundle = $bundle AND d.version = $version AND c.check_name = 'expectations' ORDER BY c.look`,
      { bundle: bad.bundle, version: bad.version },
    );
    // Undecided until the first post-deploy run reports, failed by it.
    expect(rows.map((r) => [Number(r.look), r.status])).toEqual([
      [0, 'INCONCLUSIVE'],
      [1, 'FAIL'],
    ]);
    expect(String(rows[1]!.explanation)).toMatch(
      /dbt test \w+ \(severity error\) newly fails: it failed on run \d+, and it passed (\d+) of \1 runs before the deploy/,
    );
    await wh.close();
  });

  it('reads dbt test results only for the jobs recorded as running dbt', async () => {
    const wh = await DuckDbWarehouse.open(':memory:');
    const world = await SimWorld.create(wh, defaultSpec({ pipelines: 10, days: 3, seed: 12 }));
    const asked: string[] = [];
    const query = wh.query.bind(wh);
    wh.query = (name, params, rows) => {
      if (name === 'tick/dbt_tests') asked.push(...rows!.rows.map((r) => String(r[1])));
      return query(name, params, rows);
    };
    const summary = await runTick({ wh, ws: new EmbeddedWorkspace(wh), policy: DEFAULT_POLICY }, world.nowMs);
    expect(summary.judged).toBeGreaterThan(0);
    const kindOf = new Map(world.catalog.map((p) => [p.id, p.kind]));
    const judgedJobs = await wh.session.all(
      `SELECT DISTINCT r.id FROM postflight.deployments d, unnest(from_json(d.resources, '[{"type":"VARCHAR","id":"VARCHAR"}]')) AS u(r)
       WHERE r.type = 'job' AND d.deployment_id IN (SELECT deployment_id FROM postflight.verdicts)`,
    );
    const dbtJobs = judgedJobs.map((r) => String(r.id)).filter((id) => kindOf.get(id) === 'dbt');
    const batchJobs = judgedJobs.map((r) => String(r.id)).filter((id) => kindOf.get(id) === 'batch');
    expect(dbtJobs.length).toBeGreaterThan(0);
    expect(batchJobs.length).toBeGreaterThan(0);
    expect(new Set(asked)).toEqual(new Set(dbtJobs));
    await wh.close();
  });

  it('shows an invocation only once its run has ended, and an unreadable schema leaves only the data-quality check unmeasured', async () => {
    const wh = await DuckDbWarehouse.open(':memory:');
    const world = await SimWorld.create(wh, defaultSpec({ pipelines: 10, days: 3, seed: 12 }));
    const early = await wh.session.all(
      `SELECT count(*) AS n FROM elementary.dbt_invocations i
       WHERE NOT EXISTS (SELECT 1 FROM system_lakeflow.job_run_timeline t WHERE t.run_id = i.job_run_id AND t.period_end_time <= i.created_at)
         AND i.created_at < timestamp_millis($now) - INTERVAL 2 HOUR`,
      { now: world.nowMs },
    );
    expect(Number(early[0]!.n)).toBe(0);
    const visible = await wh.session.all('SELECT max(created_at) AS m, count(*) AS n FROM elementary.dbt_invocations');
    expect(Number(visible[0]!.n)).toBeGreaterThan(0);
    expect(Number(visible[0]!.m)).toBeLessThanOrEqual(world.nowMs);

    await wh.session.run('DROP VIEW elementary.dbt_run_results');
    await runTick({ wh, ws: new EmbeddedWorkspace(wh), policy: DEFAULT_POLICY }, world.nowMs);
    const checks = await wh.session.all(
      `SELECT check_name, status, explanation FROM postflight.check_results WHERE subject LIKE 'job:%' AND check_name IN ('expectations', 'run_health')`,
    );
    const exp = checks.filter((c) => c.check_name === 'expectations');
    expect(exp.length).toBeGreaterThan(0);
    for (const c of exp)
      expect(c).toMatchObject({ status: 'ERROR', explanation: expect.stringMatching(/dbt test results unavailable/) });
    expect(checks.filter((c) => c.check_name === 'run_health').every((c) => c.status !== 'ERROR')).toBe(true);
    await wh.close();
  });
});
