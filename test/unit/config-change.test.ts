import { describe, expect, it } from 'vitest';
import { checkConfig } from '../../src/checks/config-change.js';
import { type SettingsChange, systemJobSettings } from '../../src/checks/config-facts.js';
import { judgeDeployment } from '../../src/checks/judge.js';
import { DEFAULT_POLICY } from '../../src/checks/policy.js';
import { decideVerdict } from '../../src/checks/verdict.js';
import { testDeployment } from '../support/deployment.js';
import { aSubject, T0 } from './builders.js';

// Jobs API 2.2 JobSettings as `jobs/get` returns them for a bundle-deployed job.
function jobSettings(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'orders_hourly',
    schedule: { quartz_cron_expression: '0 15 * * * ?', timezone_id: 'UTC', pause_status: 'UNPAUSED' },
    max_concurrent_runs: 1,
    timeout_seconds: 3600,
    health: { rules: [{ metric: 'RUN_DURATION_SECONDS', op: 'GREATER_THAN', value: 1800 }] },
    email_notifications: { on_failure: ['oncall@example.com'], no_alert_for_skipped_runs: false },
    webhook_notifications: { on_failure: [{ id: '0481e838-0a59-4eff-9541-a4ca6f149574' }] },
    notification_settings: { no_alert_for_skipped_runs: false, no_alert_for_canceled_runs: false },
    tasks: [
      {
        task_key: 'ingest',
        notebook_task: { notebook_path: '/Workspace/.bundle/sales/prod/files/src/ingest' },
        timeout_seconds: 1200,
        health: { rules: [{ metric: 'RUN_DURATION_SECONDS', op: 'GREATER_THAN', value: 900 }] },
      },
      { task_key: 'publish', depends_on: [{ task_key: 'ingest' }], notebook_task: { notebook_path: '/p' } },
    ],
    format: 'MULTI_TASK',
    deployment: { kind: 'BUNDLE', metadata_file_path: '/Workspace/.bundle/sales/prod/state/metadata.json' },
    ...over,
  };
}

// Pipelines API PipelineSpec as `pipelines/{id}` returns it under `spec`.
function pipelineSpec(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'a12cd3e4-0ab1-1abc-1a2b-1a2bcd3e4fg5',
    name: 'orders_dlt',
    catalog: 'prod',
    schema: 'sales',
    serverless: true,
    continuous: false,
    development: false,
    channel: 'CURRENT',
    edition: 'ADVANCED',
    notifications: [
      { email_recipients: ['oncall@example.com'], alerts: ['on-update-failure', 'on-update-fatal-failure'] },
    ],
    libraries: [{ glob: { include: '/Workspace/.bundle/sales/prod/files/transformations/**' } }],
    ...over,
  };
}

const job = (before: unknown, after: unknown): SettingsChange => ({
  type: 'job',
  id: '1',
  before: { source: 'snapshot', settings: before },
  after: { source: 'snapshot', settings: after },
});
const pipeline = (before: unknown, after: unknown): SettingsChange => ({
  type: 'pipeline',
  id: 'p1',
  before: { source: 'snapshot', settings: before },
  after: { source: 'snapshot', settings: after },
});
const judged = (c: SettingsChange, expected = false) => checkConfig(c, 'fallback', DEFAULT_POLICY, T0, expected)!;

describe('config check on job settings', () => {
  it('passes a deploy that changes only code and description', () => {
    const tasks = jobSettings().tasks as Array<Record<string, unknown>>;
    const after = jobSettings({
      description: 'new text',
      tasks: tasks.map((t) => ({ ...t, notebook_task: { notebook_path: '/Workspace/.bundle/sales/prod/v2/src' } })),
    });
    const r = judged(job(jobSettings(), after));
    expect(r.status).toBe('PASS');
    expect(r.explanation).toContain('job orders_hourly');
  });

  it('fails at once, critically, when the schedule is paused', () => {
    const after = jobSettings({ schedule: { ...(jobSettings().schedule as object), pause_status: 'PAUSED' } });
    const r = judged(job(jobSettings(), after));
    expect(r).toMatchObject({ check: 'config', status: 'FAIL', critical: true, subject: 'job:1', decidedAtMs: T0 });
    expect(r.explanation).toBe('Schedule of job orders_hourly paused by this deployment');
  });

  it('fails when the schedule is removed with nothing else to start the job', () => {
    const { schedule: _, ...after } = jobSettings();
    const r = judged(job(jobSettings(), after));
    expect(r.status).toBe('FAIL');
    expect(r.explanation).toBe('Schedule of job orders_hourly removed by this deployment');
  });

  it('only warns when the schedule gives way to a trigger that still starts the job', () => {
    const { schedule: _, ...rest } = jobSettings();
    const after = {
      ...rest,
      trigger: { pause_status: 'UNPAUSED', file_arrival: { url: 's3://landing/orders/' } },
    };
    const r = judged(job(jobSettings(), after));
    expect(r.status).toBe('WARN');
    expect(r.explanation).toContain('leaving its file arrival trigger to start it');
  });

  it('fails when a trigger or a continuous job is paused', () => {
    const trigger = (pause_status: string) => ({
      trigger: { pause_status, table_update: { table_names: ['prod.raw.orders'], condition: 'ANY_UPDATED' } },
    });
    const { schedule: _, ...base } = jobSettings();
    const t = judged(job({ ...base, ...trigger('UNPAUSED') }, { ...base, ...trigger('PAUSED') }));
    expect(t.status).toBe('FAIL');
    expect(t.explanation).toBe('Table update trigger of job orders_hourly paused by this deployment');
    const c = judged(
      job({ ...base, continuous: { pause_status: 'UNPAUSED' } }, { ...base, continuous: { pause_status: 'PAUSED' } }),
    );
    expect(c.status).toBe('FAIL');
    expect(c.explanation).toBe('Continuous job orders_hourly paused by this deployment');
  });

  it('fails when max_concurrent_runs drops to 0, which skips every run', () => {
    const r = judged(job(jobSettings(), jobSettings({ max_concurrent_runs: 0 })));
    expect(r.status).toBe('FAIL');
    expect(r.explanation).toContain('skips every new run');
  });

  it('warns when notifications are removed, naming what is gone', () => {
    const after = jobSettings({ email_notifications: {}, webhook_notifications: {} });
    const r = judged(job(jobSettings(), after));
    expect(r).toMatchObject({ status: 'WARN', critical: false });
    expect(r.explanation).toBe(
      'Notifications of job orders_hourly removed by this deployment: failure to oncall@example.com, ' +
        'failure to webhook 0481e838-0a59-4eff-9541-a4ca6f149574',
    );
    const silenced = judged(
      job(jobSettings(), jobSettings({ notification_settings: { no_alert_for_canceled_runs: true } })),
    );
    expect(silenced.explanation).toBe('Alerts for canceled runs of job orders_hourly switched off by this deployment');
  });

  it('warns when health rules or timeouts are removed or loosened, for the job and its tasks', () => {
    const tasks = jobSettings().tasks as Array<Record<string, unknown>>;
    const after = jobSettings({
      timeout_seconds: 7200,
      health: { rules: [] },
      tasks: [
        { ...tasks[0], timeout_seconds: 0, health: { rules: [{ ...rulesOf(tasks[0]), value: 1500 }] } },
        tasks[1],
      ],
    });
    const r = judged(job(jobSettings(), after));
    expect(r.status).toBe('WARN');
    expect(r.explanation).toBe(
      'Timeout of job orders_hourly loosened from 3600 s to 7200 s by this deployment; ' +
        'timeout of task ingest of job orders_hourly removed by this deployment (was 1200 s); ' +
        'RUN_DURATION_SECONDS health rule of job orders_hourly removed by this deployment; ' +
        'RUN_DURATION_SECONDS health rule of task ingest of job orders_hourly loosened from 900 to 1500 by this deployment',
    );
    const tightened = judged(job(jobSettings(), jobSettings({ timeout_seconds: 1800 })));
    expect(tightened.status).toBe('PASS');
  });

  it('does not count what a removed task had as removed watch', () => {
    const tasks = jobSettings().tasks as unknown[];
    const r = judged(job(jobSettings(), jobSettings({ tasks: [tasks[1]] })));
    expect(r.status).toBe('PASS');
  });

  it('passes a change the deployment declares as expected, still saying what changed', () => {
    const after = jobSettings({ schedule: { ...(jobSettings().schedule as object), pause_status: 'PAUSED' } });
    const r = judged(job(jobSettings(), after), true);
    expect(r.status).toBe('PASS');
    expect(r.explanation).toBe(
      'Schedule of job orders_hourly paused by this deployment, declared as an expected change',
    );
  });

  it('is no result where a side is unknown, and an ERROR where a side is not settings', () => {
    expect(checkConfig({ type: 'job', id: '1', before: null, after: null }, 'x', DEFAULT_POLICY, T0, false)).toBe(null);
    const bad = checkConfig(
      { type: 'job', id: '1', before: { source: 'snapshot', settings: 'x' }, after: job({}, {}).after },
      'x',
      DEFAULT_POLICY,
      T0,
      false,
    );
    expect(bad?.status).toBe('ERROR');
  });

  it('honours a policy that makes the check non-critical', () => {
    const after = jobSettings({ schedule: { ...(jobSettings().schedule as object), pause_status: 'PAUSED' } });
    const policy = { ...DEFAULT_POLICY, critical: { ...DEFAULT_POLICY.critical, config: false } };
    expect(checkConfig(job(jobSettings(), after), 'x', policy, T0, false)).toMatchObject({
      status: 'FAIL',
      critical: false,
    });
  });
});

function rulesOf(task: unknown): Record<string, unknown> {
  return ((task as { health: { rules: unknown[] } }).health.rules[0] ?? {}) as Record<string, unknown>;
}

describe('config check on pipeline specs', () => {
  it('fails when the pipeline is switched to development mode', () => {
    const r = judged(pipeline(pipelineSpec(), pipelineSpec({ development: true })));
    expect(r).toMatchObject({ status: 'FAIL', critical: true, subject: 'pipeline:p1' });
    expect(r.explanation).toBe('Pipeline orders_dlt switched to development mode by this deployment');
  });

  it('fails when the pipeline publishes to another schema or catalog', () => {
    const r = judged(pipeline(pipelineSpec(), pipelineSpec({ schema: 'sales_dev' })));
    expect(r.status).toBe('FAIL');
    expect(r.explanation).toBe(
      'Pipeline orders_dlt now publishes to prod.sales_dev instead of prod.sales, by this deployment',
    );
    const legacy = judged(pipeline({ name: 'x', target: 'sales' }, { name: 'x', target: 'sales_tmp' }));
    expect(legacy.status).toBe('FAIL');
  });

  it('warns when notifications go or a continuous pipeline becomes triggered', () => {
    const r = judged(pipeline(pipelineSpec({ continuous: true }), pipelineSpec({ notifications: [] })));
    expect(r.status).toBe('WARN');
    expect(r.explanation).toBe(
      'Pipeline orders_dlt switched from continuous to triggered by this deployment; notifications of pipeline ' +
        'orders_dlt removed by this deployment: update failure to oncall@example.com, update fatal failure to oncall@example.com',
    );
  });
});

describe('config check from system.lakeflow rows', () => {
  const row = (over: Partial<Parameters<typeof systemJobSettings>[0]> = {}) =>
    systemJobSettings({
      name: 'orders_hourly',
      paused: false,
      timeoutSeconds: 3600,
      scheduleCron: '0 15 * * * ?',
      fileArrival: false,
      tableUpdate: false,
      periodic: false,
      continuousEnabled: null,
      healthRules: [{ metric: 'RUN_DURATION_SECONDS', operator: 'GREATER_THAN', value: 1800 }],
      ...over,
    });
  const fromRows = (before: unknown, after: unknown): SettingsChange => ({
    type: 'job',
    id: '1',
    before: { source: 'lakeflow_row', settings: before },
    after: { source: 'lakeflow_row', settings: after },
  });

  it('reads a paused schedule and a removed health rule from the SCD2 rows', () => {
    const r = judged(fromRows(row(), row({ paused: true, healthRules: [] })));
    expect(r).toMatchObject({ status: 'FAIL', plane: 'slow' });
    expect(r.explanation).toBe(
      'Schedule of job orders_hourly paused by this deployment; ' +
        'RUN_DURATION_SECONDS health rule of job orders_hourly removed by this deployment',
    );
  });

  it('compares a system-table row with a snapshot only on what both hold', () => {
    const change: SettingsChange = {
      type: 'job',
      id: '1',
      before: { source: 'lakeflow_row', settings: row() },
      after: { source: 'snapshot', settings: jobSettings() },
    };
    // The snapshot's notifications and task timeouts are not in the row: nothing was removed.
    expect(judged(change).status).toBe('PASS');
    const paused = jobSettings({ schedule: { quartz_cron_expression: '0 15 * * * ?', pause_status: 'PAUSED' } });
    expect(judged({ ...change, after: { source: 'snapshot', settings: paused } }).status).toBe('FAIL');
  });
});

describe('config check in a deployment verdict', () => {
  it('fails the deployment at its first tick, before any run', () => {
    const after = jobSettings({ schedule: { ...(jobSettings().schedule as object), pause_status: 'PAUSED' } });
    const ev = {
      deployment: testDeployment({
        bundle: 'sales',
        startedMs: T0 - 90_000,
        finishedMs: T0,
        resources: [{ type: 'job', id: '1', key: 'orders_hourly' }],
      }),
      supersededAtMs: null,
      subjects: [{ subject: aSubject(), runs: [], writes: [], expectations: [], backlog: [] }],
      errors: [],
      peers: [],
      settings: [job(jobSettings(), after)],
    };
    const results = judgeDeployment(ev, DEFAULT_POLICY, T0 + 60_000);
    const verdict = decideVerdict(ev, results, DEFAULT_POLICY, T0 + 60_000);
    expect(verdict.state).toBe('FAILED');
    expect(verdict.reason).toContain('config: Schedule of job orders_hourly paused by this deployment');
    const declared = { ...ev, deployment: { ...ev.deployment, expectedChanges: ['config' as const] } };
    const calm = decideVerdict(declared, judgeDeployment(declared, DEFAULT_POLICY, T0 + 60_000), DEFAULT_POLICY, T0);
    expect(calm.state).not.toBe('FAILED');
  });
});
