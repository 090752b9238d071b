// The pure parts of a backtest: which file is which table, how a row of an export is checked and
// normalized, the settings a system-table row describes, and when a replay ticks.

import { describe, expect, it } from 'vitest';
import { closestName, DEFAULT_LAGS, tableOfFile } from '../../src/backtest/export-catalog.js';
import { catalogFor } from '../../src/backtest/load-export.js';
import { normalizeRow, parseTimestamp, typesOf, ValueProblem } from '../../src/backtest/row-values.js';
import { nextTickMs } from '../../src/backtest/schedule.js';
import { jobSettingsOf, settingsHistory } from '../../src/backtest/settings-history.js';

const catalog = catalogFor(DEFAULT_LAGS);
const table = (name: string) => catalog.find((t) => t.name === name)!;
const row = (name: string, r: unknown) => normalizeRow(table(name), typesOf(table(name)), r);
const problem = (f: () => unknown): ValueProblem => {
  try {
    f();
  } catch (e) {
    if (e instanceof ValueProblem) return e;
    throw e;
  }
  throw new Error('no problem found');
};

describe('the export catalog', () => {
  it('knows every system table of the embedded layout, the event log, Delta history and the ops tables', () => {
    const names = catalog.map((t) => t.name);
    for (const n of [
      'system.lakeflow.jobs',
      'system.lakeflow.job_run_timeline',
      'system.lakeflow.pipeline_update_timeline',
      'system.access.table_lineage',
      'event_log',
      'delta_history',
      'ops.deployments',
      'ops.resource_snapshots',
      'elementary.dbt_run_results',
    ])
      expect(names).toContain(n);
    // postflight's own results are what a backtest computes, never what it loads.
    expect(names).not.toContain('ops.verdicts');
    expect(names).not.toContain('ops.check_results');
  });

  it('hides system-table rows for their lag and shows the event log and Delta history at once', () => {
    expect(table('system.lakeflow.job_run_timeline').visibility).toEqual({
      column: 'period_end_time',
      lagMs: 90 * 60_000,
    });
    expect(table('system.access.table_lineage').visibility).toEqual({ column: 'event_time', lagMs: 60 * 60_000 });
    expect(table('event_log').visibility).toEqual({ column: 'timestamp', lagMs: 0 });
    expect(table('delta_history').visibility).toEqual({ column: 'timestamp', lagMs: 0 });
  });

  it('reads a file name as a table and a format, and suggests the name meant', () => {
    expect(tableOfFile(catalog, 'system.lakeflow.jobs.parquet')).toMatchObject({
      table: { name: 'system.lakeflow.jobs' },
      format: 'parquet',
    });
    expect(tableOfFile(catalog, 'event_log.jsonl')?.format).toBe('ndjson');
    expect(tableOfFile(catalog, 'system.lakeflow.job_run_timelines.ndjson')).toBeNull();
    expect(closestName(catalog, 'system.lakeflow.job_run_timelines.ndjson')).toBe('system.lakeflow.job_run_timeline');
    expect(closestName(catalog, 'notes.txt')).toBeNull();
  });
});

describe('a row of an export', () => {
  it('reads ISO 8601 times with any offset as UTC instants', () => {
    expect(parseTimestamp('2026-03-02T02:00:00Z')).toBe(Date.UTC(2026, 2, 2, 2));
    expect(parseTimestamp('2026-03-02T04:00:00.250+02:00')).toBe(Date.UTC(2026, 2, 2, 2, 0, 0, 250));
    expect(parseTimestamp('2026-03-02 02:00:00')).toBe(Date.UTC(2026, 2, 2, 2));
    expect(parseTimestamp('2026-02-30T00:00:00Z')).toBeNull();
    expect(parseTimestamp('yesterday')).toBeNull();
  });

  it('is normalized to the declared types, dropping columns and fields postflight does not read', () => {
    const r = row('system.lakeflow.job_run_timeline', {
      workspace_id: 1234567890123456,
      job_id: '11',
      run_id: '22',
      period_start_time: '2026-03-02T04:00:00+02:00',
      period_end_time: '2026-03-02T02:05:00Z',
      run_duration_seconds: '300',
      compute: '[{"type": "SERVERLESS", "extra": 1}]',
      some_new_column: 'x',
    });
    expect(r).toEqual({
      workspace_id: '1234567890123456',
      job_id: '11',
      run_id: '22',
      period_start_time: '2026-03-02 02:00:00.000',
      period_end_time: '2026-03-02 02:05:00.000',
      run_duration_seconds: 300,
      compute: [{ type: 'SERVERLESS', cluster_id: null, warehouse_id: null }],
    });
  });

  it('names the column and the fix for a missing required column, a null one and a bad value', () => {
    const missing = problem(() => row('system.lakeflow.job_run_timeline', { workspace_id: '1', job_id: '1' }));
    expect(missing.column).toBe('run_id');
    expect(missing.message).toBe('is missing');
    const nested = problem(() => row('event_log', { timestamp: '2026-03-02T00:00:00Z', event_type: 'x', origin: {} }));
    expect(nested.column).toBe('origin.pipeline_id');
    const bad = problem(() =>
      row('delta_history', {
        table_name: 't',
        version: 'v1',
        timestamp: '2026-03-02T00:00:00Z',
        operation: 'WRITE',
      }),
    );
    expect(bad).toMatchObject({ column: 'version', fix: expect.stringMatching(/whole number/) });
    const time = problem(() =>
      row('delta_history', { table_name: 't', version: 1, timestamp: 1772416800000, operation: 'WRITE' }),
    );
    expect(time).toMatchObject({ column: 'timestamp', fix: expect.stringMatching(/ISO 8601/) });
  });

  it("ties a Delta history row to the job's run: job.jobRunId where the row has it, else job.runId", () => {
    const base = { table_name: 't', version: 3, timestamp: '2026-03-02T00:00:00Z', operation: 'WRITE' };
    expect(row('delta_history', { ...base, job: { jobId: '1', runId: '77', jobRunId: '55' } }).job).toEqual({
      jobId: '1',
      jobName: null,
      runId: '55',
    });
    expect(row('delta_history', { ...base, job: { jobId: '1', runId: '77' } }).job).toMatchObject({ runId: '77' });
  });

  it('keeps JSON text columns as text, given as text or as the object itself', () => {
    const given = { deployment_id: 'd', resource_type: 'job', resource_id: '1', settings: { name: 'x' } };
    expect(row('ops.resource_snapshots', given).settings).toBe('{"name":"x"}');
    expect(row('ops.resource_snapshots', { ...given, settings: '{"name": "x"}' }).settings).toBe('{"name": "x"}');
  });
});

describe('settings over time', () => {
  const job = {
    job_id: '7',
    name: 'orders_daily',
    change_time: 1000,
    delete_time: null,
    paused: true,
    timeout_seconds: 3600,
    tags: { bundle: 'orders' },
    trigger: { schedule: { quartz_cron_expression: '0 0 2 * * ?', timezone_id: 'UTC' }, continuous: null },
    health_rules: [{ metric: 'RUN_DURATION_SECONDS', operator: 'GREATER_THAN', value: 900 }],
  };
  const task = {
    job_id: '7',
    task_key: 'build',
    change_time: 500,
    delete_time: null,
    depends_on_keys: [],
    timeout_seconds: 60,
  };

  it('rebuilds Jobs API settings from a system.lakeflow.jobs row and its tasks', () => {
    expect(jobSettingsOf(job, [task])).toEqual({
      name: 'orders_daily',
      tags: { bundle: 'orders' },
      schedule: { quartz_cron_expression: '0 0 2 * * ?', timezone_id: 'UTC', pause_status: 'PAUSED' },
      timeout_seconds: 3600,
      health: { rules: [{ metric: 'RUN_DURATION_SECONDS', operator: 'GREATER_THAN', value: 900 }] },
      tasks: [{ task_key: 'build', depends_on: [], timeout_seconds: 60 }],
    });
  });

  it('takes the system tables before the first snapshot and the snapshots from then on', () => {
    const later = { ...job, change_time: 3000 };
    const h = settingsHistory({
      jobs: [job, later],
      jobTasks: [task],
      pipelines: [],
      snapshots: [
        {
          resource_type: 'job',
          resource_id: '7',
          settings: '{"name":"v2"}',
          bundle: 'orders',
          version: 'v2',
          finished_ms: 2000,
        },
      ],
    });
    expect(h.map((x) => [x.fromMs, x.source])).toEqual([
      [1000, 'system'],
      [2000, 'snapshot'],
    ]);
  });
});

describe('when a replay ticks', () => {
  const MIN = 60_000;
  const base = { events: [17 * MIN, 40 * MIN], recheckMs: null, busy: false, endMs: 120 * MIN, everyMinute: false };

  it('ticks at the next event, recheck or quarter hour, whichever comes first', () => {
    expect(nextTickMs(0, base)).toBe(15 * MIN);
    expect(nextTickMs(15 * MIN, base)).toBe(17 * MIN);
    expect(nextTickMs(17 * MIN, base)).toBe(30 * MIN);
    expect(nextTickMs(30 * MIN, { ...base, recheckMs: 33 * MIN + 1 })).toBe(34 * MIN);
    expect(nextTickMs(31 * MIN, base)).toBe(40 * MIN);
  });

  it('ticks the next minute after a tick that changed something, every minute when asked, and stops at the end', () => {
    expect(nextTickMs(17 * MIN, { ...base, busy: true })).toBe(18 * MIN);
    expect(nextTickMs(17 * MIN, { ...base, everyMinute: true })).toBe(18 * MIN);
    expect(nextTickMs(119 * MIN + 30_000, base)).toBe(120 * MIN);
    expect(nextTickMs(120 * MIN, base)).toBeNull();
  });
});
