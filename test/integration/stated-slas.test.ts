import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/checks/policy.js';
import { defaultSpec } from '../../src/simulator/default-spec.js';
import { SimWorld } from '../../src/simulator/world.js';
import type { ActiveDeployment } from '../../src/tick/open.js';
import { runTick } from '../../src/tick/run-tick.js';
import { readStatedSlas } from '../../src/tick/stated-slas-read.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { EmbeddedWorkspace } from '../../src/workspace/embedded/embedded-workspace.js';
import { activeDeployment, testDeployment } from '../support/deployment.js';
import { emptyWorldAt } from '../support/empty-world.js';

const T = Date.UTC(2026, 10, 3, 12);
const HOUR = 3_600_000;

function active(id: string, jobs: string[], finishedMs = T - HOUR): ActiveDeployment {
  return activeDeployment({
    deployment: testDeployment({
      deploymentId: id,
      bundle: `b-${id}`,
      finishedMs,
      resources: [
        ...jobs.map((j) => ({ type: 'job' as const, id: j, key: `job_${j}` })),
        { type: 'pipeline' as const, id: 'p-1', key: 'pipe' },
      ],
    }),
  });
}

describe('the limits the deployed jobs state, read by the tick', () => {
  it('reads the snapshot first and the system tables as of the deploy where there is none', async () => {
    const wh = await emptyWorldAt(T);
    const s = wh.session;
    await s.run(
      `INSERT INTO postflight.resource_snapshots (deployment_id, resource_type, resource_id, resource_key, settings, captured_at)
       VALUES ('d1', 'job', '11', 'job_11', $settings, now())`,
      {
        settings: JSON.stringify({
          timeout_seconds: 2700,
          tasks: [{ task_key: 'ingest', timeout_seconds: 600 }],
        }),
      },
    );
    const at = (ms: number) => `timestamp_millis(${ms})`;
    const rule = (v: number) => `[{'metric': 'RUN_DURATION_SECONDS', 'operator': 'GREATER_THAN', 'value': ${v}}]`;
    // Job 22 has no snapshot: its version in force when d2 finished is the one of T - 2 h, not the
    // older one nor the edit made after the deploy.
    await s.run(`INSERT INTO sim_world.system_lakeflow__jobs BY NAME
      SELECT * FROM (VALUES
        ('4242', '22', ${at(T - 48 * HOUR)}, NULL::TIMESTAMP, 100, NULL, ${at(T - 48 * HOUR)}),
        ('4242', '22', ${at(T - 2 * HOUR)}, NULL::TIMESTAMP, 5400, ${rule(3000)}, ${at(T - 2 * HOUR)}),
        ('4242', '22', ${at(T - 30 * 60_000)}, NULL::TIMESTAMP, 50, NULL, ${at(T - 30 * 60_000)}),
        ('9999', '33', ${at(T - 2 * HOUR)}, NULL::TIMESTAMP, 60, NULL, ${at(T - 2 * HOUR)})
      ) AS v(workspace_id, job_id, change_time, delete_time, timeout_seconds, health_rules, _visible_at)`);
    await s.run(`INSERT INTO sim_world.system_lakeflow__job_tasks BY NAME
      SELECT * FROM (VALUES
        ('4242', '22', 'load', ${at(T - 2 * HOUR)}, NULL::TIMESTAMP, 0, ${rule(900)}, ${at(T - 2 * HOUR)}),
        ('4242', '22', 'gone', ${at(T - 48 * HOUR)}, NULL::TIMESTAMP, 30, NULL, ${at(T - 48 * HOUR)}),
        ('4242', '22', 'gone', ${at(T - 2 * HOUR)}, ${at(T - 2 * HOUR)}, 30, NULL, ${at(T - 2 * HOUR)})
      ) AS v(workspace_id, job_id, task_key, change_time, delete_time, timeout_seconds, health_rules, _visible_at)`);

    const { index, error } = await readStatedSlas(wh, [active('d1', ['11']), active('d2', ['22', '33'])]);
    expect(error).toBeNull();
    const d1 = index.get('d1')!.get('11')!;
    expect(d1.from).toBe('snapshot');
    expect(d1.job).toEqual([{ seconds: 2700, source: "the job's timeout_seconds" }]);
    expect(d1.tasks.get('ingest')).toEqual([{ seconds: 600, source: "task ingest's timeout_seconds" }]);
    const d2 = index.get('d2')!.get('22')!;
    expect(d2.from).toBe('system tables');
    expect(d2.job.map((l) => l.seconds)).toEqual([3000, 5400]);
    expect([...d2.tasks.keys()]).toEqual(['load']);
    expect(d2.tasks.get('load')![0]!.source).toBe("task load's RUN_DURATION_SECONDS health rule");
    // Another workspace's row of the same id is not this job's.
    expect(index.get('d2')!.get('33')).toBeUndefined();
    await wh.close();
  });

  it('reports an unreadable source as a measurement error, not a failed check', async () => {
    const wh = await emptyWorldAt(T);
    await wh.session.run('DROP VIEW system_lakeflow.jobs');
    const { index, error } = await readStatedSlas(wh, [active('d3', ['44'])]);
    expect(index.size).toBe(0);
    expect(error?.message).toMatch(
      /stated timeouts and health rules could not be read, so only the policy's SLAs apply/,
    );
    await wh.close();
  });
});

describe('a stated SLA through the tick', () => {
  it("fails a deploy whose runs break the job's duration health rule, with no policy file", async () => {
    const wh = await DuckDbWarehouse.open(':memory:');
    const world = await SimWorld.create(wh, defaultSpec({ pipelines: 10, days: 15, seed: 12, badShare: 0 }));
    const deploy = world.plan.deploys.find((d) => {
      const p = world.catalog[d.pipelineIndex]!;
      // A release whose runs behave as before (no config change, no limit of its own yet).
      const plain = d.behaviour.kind === null && d.statedSla === undefined;
      return d.atMs >= world.nowMs && plain && p.resourceType === 'job' && p.cadenceMin <= 60;
    })!;
    expect(deploy).toBeDefined();
    const p = world.catalog[deploy.pipelineIndex]!;
    const ws = new EmbeddedWorkspace(wh);
    const deps = { wh, ws, policy: DEFAULT_POLICY };
    await world.advance(deploy.atMs + 60_000);
    // The release states a run-duration health rule its runs cannot keep.
    const limit = Math.round(p.baseDurationS / 3);
    const snap = await wh.session.all(
      `SELECT s.settings FROM postflight.resource_snapshots s JOIN postflight.deployments d USING (deployment_id)
       WHERE d.bundle = $bundle AND d.version = $version AND s.resource_id = $id`,
      { bundle: deploy.bundle, version: deploy.version, id: p.id },
    );
    expect(snap).toHaveLength(1);
    const settings = JSON.parse(String(snap[0]!.settings)) as Record<string, unknown>;
    settings.health = { rules: [{ metric: 'RUN_DURATION_SECONDS', op: 'GREATER_THAN', value: limit }] };
    await wh.session.run(
      `UPDATE postflight.resource_snapshots SET settings = $settings
       WHERE resource_id = $id AND deployment_id IN (SELECT deployment_id FROM postflight.deployments WHERE bundle = $bundle AND version = $version)`,
      { settings: JSON.stringify(settings), id: p.id, bundle: deploy.bundle, version: deploy.version },
    );
    for (let t = deploy.atMs + 2 * 60_000; t <= deploy.atMs + 2 * HOUR; t += 5 * 60_000) {
      await world.advance(t);
      await runTick(deps, t);
    }
    const rows = await wh.session.all(
      `SELECT c.status, c.threshold, c.explanation FROM postflight.check_results c JOIN postflight.deployments d USING (deployment_id)
       WHERE d.bundle = $bundle AND d.version = $version AND c.check_name = 'duration' AND c.status = 'FAIL'`,
      { bundle: deploy.bundle, version: deploy.version },
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(Number(rows[0]!.threshold)).toBe(limit);
    expect(String(rows[0]!.explanation)).toMatch(
      new RegExp(
        `of ${p.name} (took|has been running for) .+, (over|past) the job's RUN_DURATION_SECONDS health rule of`,
      ),
    );
    const verdict = await wh.session.all(
      `SELECT v.state FROM postflight.verdicts v JOIN postflight.deployments d USING (deployment_id)
       WHERE d.bundle = $bundle AND d.version = $version`,
      { bundle: deploy.bundle, version: deploy.version },
    );
    expect(verdict[0]!.state).toBe('FAILED');
    await wh.close();
  }, 120_000);
});

describe("the simulator's releases stating their own limits, through the tick", () => {
  it('fails those whose runs break it at the first run, and never those keeping it', async () => {
    const wh = await DuckDbWarehouse.open(':memory:');
    const world = await SimWorld.create(wh, defaultSpec({ pipelines: 10, days: 15, seed: 12, badShare: 0 }));
    const episodes = world.plan.deploys.filter(
      (d) => d.atMs >= world.nowMs && (d.statedSla !== undefined || d.behaviour.kind?.startsWith('sla_')),
    );
    const kinds = new Set(episodes.map((d) => d.behaviour.kind ?? `kept_${d.statedSla!.rule}`));
    expect(kinds).toEqual(new Set(['sla_timeout', 'sla_overrun', 'kept_timeout', 'kept_health']));
    const deps = { wh, ws: new EmbeddedWorkspace(wh), policy: DEFAULT_POLICY };
    const fromMs = Math.min(...episodes.map((d) => d.atMs)) - 5 * 60_000;
    const toMs = Math.max(...episodes.map((d) => d.atMs)) + 2 * HOUR;
    for (let t = fromMs; t <= toMs; t += 5 * 60_000) {
      await world.advance(t);
      await runTick(deps, t);
    }
    const rows = await wh.session.all(
      `SELECT l.deployment_id, l.label, l.kind, v.state, v.post_runs,
         (SELECT min(c.look) FROM postflight.check_results c
          WHERE c.deployment_id = l.deployment_id AND c.check_name = 'duration' AND c.status = 'FAIL') AS failed_at_run,
         (SELECT any_value(c.explanation) FROM postflight.check_results c
          WHERE c.deployment_id = l.deployment_id AND c.check_name = 'duration' AND c.status = 'FAIL') AS explanation
       FROM sim_world.labels l JOIN postflight.verdicts v USING (deployment_id)
       WHERE l.kind IN ('sla_timeout', 'sla_overrun', 'sla_kept')`,
    );
    expect(rows).toHaveLength(episodes.length);
    for (const r of rows) {
      if (r.label === 'bad') {
        expect({ id: r.deployment_id, state: r.state }).toEqual({
          id: r.deployment_id,
          state: expect.stringMatching(/^(FAILED|ROLLED_BACK)$/),
        });
        // Caught by its first post-deploy run: when it ended, or while it ran past the limit.
        expect(Number(r.failed_at_run)).toBeLessThanOrEqual(1);
        expect(String(r.explanation)).toMatch(
          r.kind === 'sla_timeout'
            ? /timed out: Databricks cancelled it after .+ at (the job's|task \w+'s) timeout_seconds of/
            : /(took|has been running for) .+, (over|past) (the job's|task \w+'s) RUN_DURATION_SECONDS health rule of/,
        );
      } else {
        expect(r.explanation).toBeNull();
        expect(r.state).not.toMatch(/^(FAILED|ROLLED_BACK)$/);
      }
    }
    await wh.close();
  }, 300_000);
});
