import { describe, expect, it } from 'vitest';
import { slasFromJobSettings, slasFromSystemRows, statesAny } from '../../src/checks/stated-slas.js';

// Jobs 2.2 JobSettings as jobs/get returns them and `bundle deploy` writes them: timeout_seconds on
// the job and on each task, health.rules of {metric, op, value}.
const settings = {
  name: 'orders_daily',
  timeout_seconds: 2700,
  health: {
    rules: [
      { metric: 'STREAMING_BACKLOG_SECONDS', op: 'GREATER_THAN', value: 60 },
      { metric: 'RUN_DURATION_SECONDS', op: 'GREATER_THAN', value: 3600 },
    ],
  },
  tasks: [
    { task_key: 'ingest', timeout_seconds: 600, notebook_task: { notebook_path: '/x' } },
    {
      task_key: 'transform',
      timeout_seconds: 0,
      health: { rules: [{ metric: 'RUN_DURATION_SECONDS', op: 'GREATER_THAN', value: 900 }] },
    },
    { task_key: 'publish' },
  ],
};

describe('stated SLAs from Jobs 2.2 settings', () => {
  it('reads the job timeout, the duration health rule and each task’s limits, tightest first', () => {
    const s = slasFromJobSettings(settings);
    expect(s.from).toBe('snapshot');
    expect(s.job).toEqual([
      { seconds: 2700, source: "the job's timeout_seconds" },
      { seconds: 3600, source: "the job's RUN_DURATION_SECONDS health rule" },
    ]);
    expect(s.tasks.get('ingest')).toEqual([{ seconds: 600, source: "task ingest's timeout_seconds" }]);
    // timeout_seconds 0 is no timeout; the health rule still holds.
    expect(s.tasks.get('transform')).toEqual([
      { seconds: 900, source: "task transform's RUN_DURATION_SECONDS health rule" },
    ]);
    expect(s.tasks.has('publish')).toBe(false);
  });

  it('ignores backlog metrics, other operators and settings that state nothing', () => {
    const s = slasFromJobSettings({
      health: { rules: [{ metric: 'STREAMING_BACKLOG_BYTES', op: 'GREATER_THAN', value: 10 }] },
      tasks: [{ task_key: 'a', health: { rules: [{ metric: 'RUN_DURATION_SECONDS', op: 'LESS_THAN', value: 5 }] } }],
    });
    expect(statesAny(s)).toBe(false);
    expect(statesAny(slasFromJobSettings(null))).toBe(false);
    expect(statesAny(slasFromJobSettings({ timeout_seconds: 0 }))).toBe(false);
  });

  it('takes the tightest of several duration rules', () => {
    const s = slasFromJobSettings({
      health: {
        rules: [
          { metric: 'RUN_DURATION_SECONDS', op: 'GREATER_THAN', value: 1200 },
          { metric: 'RUN_DURATION_SECONDS', op: 'GREATER_THAN', value: 800 },
        ],
      },
    });
    expect(s.job.map((l) => l.seconds)).toEqual([800]);
  });
});

describe('stated SLAs from system.lakeflow.jobs and job_tasks', () => {
  it('reads health_rules with the column name operator, as JSON text', () => {
    const s = slasFromSystemRows({
      job: {
        timeoutSeconds: 5400,
        healthRules: JSON.stringify([{ metric: 'RUN_DURATION_SECONDS', operator: 'GREATER_THAN', value: 3000 }]),
      },
      tasks: [
        { taskKey: 'ingest', timeoutSeconds: '300', healthRules: null },
        { taskKey: 'publish', timeoutSeconds: null, healthRules: 'not json' },
      ],
    });
    expect(s.from).toBe('system tables');
    expect(s.job.map((l) => [l.seconds, l.source])).toEqual([
      [3000, "the job's RUN_DURATION_SECONDS health rule"],
      [5400, "the job's timeout_seconds"],
    ]);
    expect(s.tasks.get('ingest')).toEqual([{ seconds: 300, source: "task ingest's timeout_seconds" }]);
    expect(s.tasks.has('publish')).toBe(false);
  });

  it('states nothing for a job the system tables do not hold yet', () => {
    expect(statesAny(slasFromSystemRows({ job: null, tasks: [] }))).toBe(false);
  });
});
