// The config check through a tick on the embedded warehouse: settings read from the snapshots
// `postflight record` wrote (and from system.lakeflow rows where a side has none), judged at the
// first tick after the deploy, before any run, and a critical failure rolled back.

import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/checks/policy.js';
import { DEFAULT_ROLLBACK_POLICY } from '../../src/rollback/policy.js';
import { createWorldSchema } from '../../src/simulator/world-schema.js';
import { runTick } from '../../src/tick/run-tick.js';
import type { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { EmbeddedWorkspace } from '../../src/workspace/embedded/embedded-workspace.js';
import {
  HOUR,
  JOB,
  jobSettings,
  liveVersion,
  openRollbackWorld as openVersions,
  PIPE,
  pipelineSpec,
  T,
  V1,
  type Version,
} from '../support/rollback-world.js';

const schedule = (pause_status: string) => ({
  schedule: { quartz_cron_expression: '0 0 * * * ?', timezone_id: 'UTC', pause_status },
  email_notifications: { on_failure: ['oncall@example.com'] },
});
const HEALTHY_V1: Version = { ...V1, job: jobSettings(V1.version, schedule('UNPAUSED')) };
const NEW = 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00';

/** The rollback world with the system tables beside it, as a workspace has them. */
async function openRollbackWorld(versions: readonly Version[]): Promise<DuckDbWarehouse> {
  const wh = await openVersions(versions);
  await createWorldSchema(wh);
  return wh;
}

async function tick(wh: DuckDbWarehouse, dryRun = false) {
  return runTick(
    {
      wh,
      ws: new EmbeddedWorkspace(wh),
      policy: DEFAULT_POLICY,
      rollback: { policy: { ...DEFAULT_ROLLBACK_POLICY, dryRun } },
    },
    T,
  );
}

async function configResults(wh: DuckDbWarehouse, id: string) {
  return wh.session.all(
    `SELECT subject, status, critical, explanation, plane FROM postflight.check_results
     WHERE deployment_id = $id AND check_name = 'config' ORDER BY subject`,
    { id },
  );
}

async function verdictOf(wh: DuckDbWarehouse, id: string) {
  const rows = await wh.session.all('SELECT state, reason FROM postflight.verdicts WHERE deployment_id = $id', { id });
  return rows[0];
}

describe('the config check in a tick', () => {
  it('fails a deploy that pauses a schedule at the first tick, with no run, and rolls it back', async () => {
    const bad: Version = {
      id: 'dep-paused',
      version: NEW,
      finishedMs: T - 2 * 60_000,
      verdict: null,
      job: jobSettings(NEW, schedule('PAUSED')),
    };
    const wh = await openRollbackWorld([HEALTHY_V1, bad]);
    const summary = await tick(wh);
    expect(await configResults(wh, bad.id)).toEqual([
      {
        subject: 'job:4242',
        status: 'FAIL',
        critical: true,
        explanation: 'Schedule of job orders_job paused by this deployment',
        plane: 'fast',
      },
      {
        subject: `pipeline:${PIPE.id}`,
        status: 'PASS',
        critical: true,
        explanation:
          'no schedule, trigger, target, notification, health rule or timeout of pipeline orders_dlt changed by this deployment',
        plane: 'fast',
      },
    ]);
    expect((await verdictOf(wh, bad.id))?.state).toBe('ROLLED_BACK');
    expect(summary.rollbacks?.executed.length).toBe(1);
    expect(await liveVersion(wh, JOB)).toBe(V1.version);
    await wh.close();
  });

  it('warns, and does not roll back, a deploy that only removes a notification', async () => {
    const quiet: Version = {
      id: 'dep-quiet',
      version: NEW,
      finishedMs: T - 2 * 60_000,
      verdict: null,
      job: jobSettings(NEW, { ...schedule('UNPAUSED'), email_notifications: {} }),
    };
    const wh = await openRollbackWorld([HEALTHY_V1, quiet]);
    await tick(wh);
    const [job] = await configResults(wh, quiet.id);
    expect(job).toMatchObject({ status: 'WARN', critical: false });
    expect(job?.explanation).toBe(
      'Notification of job orders_job removed by this deployment: failure to oncall@example.com',
    );
    expect((await verdictOf(wh, quiet.id))?.state).toBe('DEGRADED');
    expect(await liveVersion(wh, JOB)).toBe(NEW);
    await wh.close();
  });

  it('fails a pipeline switched to development mode, and passes it when the deploy declares the change', async () => {
    const dev: Version = {
      id: 'dep-dev',
      version: NEW,
      finishedMs: T - 2 * 60_000,
      verdict: null,
      job: jobSettings(NEW, schedule('UNPAUSED')),
      pipeline: pipelineSpec(NEW, { development: true }),
    };
    const wh = await openRollbackWorld([
      { ...HEALTHY_V1, pipeline: pipelineSpec(V1.version, { development: false }) },
      dev,
    ]);
    await wh.session.run(
      `UPDATE postflight.deployments SET expected_changes = '["config"]' WHERE deployment_id = 'dep-dev'`,
    );
    await tick(wh, true);
    const results = await configResults(wh, dev.id);
    expect(results.map((r) => [r.subject, r.status])).toEqual([
      ['job:4242', 'PASS'],
      [`pipeline:${PIPE.id}`, 'PASS'],
    ]);
    expect(results[1]?.explanation).toBe(
      'Pipeline orders_dlt switched to development mode by this deployment, declared as an expected change',
    );
    expect((await verdictOf(wh, dev.id))?.state).not.toBe('FAILED');
    await wh.close();
  });

  it('reads system.lakeflow.jobs rows where no earlier snapshot exists', async () => {
    const first: Version = {
      id: 'dep-first',
      version: NEW,
      finishedMs: T - 2 * 60_000,
      verdict: null,
      resources: [JOB],
      job: jobSettings(NEW, {
        ...schedule('PAUSED'),
        timeout_seconds: 3600,
        health: { rules: [{ metric: 'RUN_DURATION_SECONDS', op: 'GREATER_THAN', value: 1800 }] },
      }),
    };
    const wh = await openRollbackWorld([first]);
    const row = (changeMs: number, paused: boolean) =>
      wh.session.run(
        `INSERT INTO sim_world.system_lakeflow__jobs BY NAME SELECT '4242' AS job_id, '4242' AS workspace_id,
           'orders_job' AS name, timestamp_millis($at) AS change_time, $paused AS paused, 3600 AS timeout_seconds,
           {'file_arrival': NULL, 'periodic': NULL, 'continuous': NULL, 'table_update': NULL,
            'schedule': {'quartz_cron_expression': '0 0 * * * ?', 'timezone_id': 'UTC'}} AS trigger,
           [{'metric': 'RUN_DURATION_SECONDS', 'operator': 'GREATER_THAN', 'value': 1800}] AS health_rules,
           timestamp_millis($at) AS _visible_at`,
        { at: changeMs, paused },
      );
    await row(T - 30 * 24 * HOUR, false);
    // The deploy's own row has not landed yet: the snapshot is the after side.
    await tick(wh, true);
    const [job] = await configResults(wh, first.id);
    expect(job).toMatchObject({
      status: 'FAIL',
      plane: 'slow',
      explanation: 'Schedule of job orders_job paused by this deployment',
    });
    await wh.close();
  });
});
