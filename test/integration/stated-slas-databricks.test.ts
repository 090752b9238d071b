// A job's and its tasks' own limits judged from what the Databricks REST workspace lists: task
// runs with their times (jobs/runs/list with expand_tasks, as the local stand-in answers it), held
// to the limits Jobs 2.2 settings state, while a task still runs and once a task timed out.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/checks/policy.js';
import { resolveSlas, slaBreach, slaCrossingMs } from '../../src/checks/sla.js';
import { slasFromJobSettings } from '../../src/checks/stated-slas.js';
import { listNewRuns } from '../../src/tick/runs.js';
import type { Subject } from '../../src/types.js';
import { bearerToken } from '../../src/workspace/databricks/auth.js';
import { DatabricksWorkspace } from '../../src/workspace/databricks/databricks-workspace.js';
import { RestClient } from '../../src/workspace/databricks/rest-client.js';
import { FakeDatabricksApi, type KeptRun } from './fake-databricks-api.js';

const NOW = Date.UTC(2026, 10, 3, 12, 0, 0);
const MIN = 60_000;
const RUNS = 'GET /api/2.2/jobs/runs/list';

const subject: Subject = { type: 'job', id: '11', name: 'orders_etl', targetTables: [], sourceTables: [] };

// Jobs 2.2 settings as jobs/get returns them: the job's timeout, a task's health rule, a task's timeout.
const settings = {
  name: 'orders_etl',
  timeout_seconds: 3600,
  tasks: [
    { task_key: 'ingest', timeout_seconds: 0 },
    {
      task_key: 'transform',
      health: { rules: [{ metric: 'RUN_DURATION_SECONDS', op: 'GREATER_THAN', value: 1200 }] },
    },
    { task_key: 'publish', timeout_seconds: 300 },
  ],
};

function run(id: number, startMs: number, tasks: Array<[string, number, number, string]>, result = 'SUCCESS'): KeptRun {
  return {
    run_id: id,
    job_id: 11,
    start_time: startMs,
    end_time: Math.max(...tasks.map((t) => t[2])),
    result_state: result,
    tasks: tasks.map(([key, start, end, r], i) => ({
      task_key: key,
      run_id: id * 10 + i,
      start_time: start,
      end_time: end,
      result_state: r,
    })),
  };
}

describe('stated SLAs from the Databricks REST workspace', () => {
  let api: FakeDatabricksApi;
  beforeEach(async () => {
    api = await new FakeDatabricksApi().start();
  });
  afterEach(async () => {
    await api.stop();
  });

  const workspace = () =>
    new DatabricksWorkspace(
      new RestClient({
        baseUrl: api.baseUrl,
        auth: bearerToken('dapi-test-token'),
        secrets: ['dapi-test-token'],
        retry: { maxAttempts: 2, maxTotalMs: 1_000, baseDelayMs: 1, maxDelayMs: 1 },
        sleep: async () => {},
        nowMs: () => NOW,
      }),
    );

  it('lists task runs with their times and holds each task to its own limit', async () => {
    const start = NOW - 50 * MIN;
    api.jobRuns(
      [
        // Still going: transform has run 35 minutes against its 20-minute health rule; publish has not started.
        run(1, start, [
          ['ingest', start, start + 15 * MIN, 'SUCCESS'],
          ['transform', start + 15 * MIN, NOW + 10 * MIN, 'SUCCESS'],
          ['publish', NOW + 10 * MIN, NOW + 12 * MIN, 'SUCCESS'],
        ]),
      ],
      NOW,
    );
    const { runs } = await listNewRuns(workspace(), start - MIN, NOW);
    const [first] = api.calls(RUNS);
    expect(first!.query.get('expand_tasks')).toBe('true');
    expect(runs).toHaveLength(1);
    expect(runs[0]!.result).toBe('RUNNING');
    expect(runs[0]!.tasks).toEqual([
      { taskKey: 'ingest', startMs: start, endMs: start + 15 * MIN, result: 'SUCCESS' },
      { taskKey: 'transform', startMs: start + 15 * MIN, endMs: null, result: 'RUNNING' },
    ]);

    const slas = resolveSlas(DEFAULT_POLICY, subject, 'orders_etl', slasFromJobSettings(settings));
    const breach = slaBreach(subject, runs, slas, DEFAULT_POLICY, NOW);
    expect(breach?.status).toBe('FAIL');
    expect(breach?.threshold).toBe(1200);
    expect(breach?.explanation).toBe(
      "task transform of run 1 has been running for 35 min, past task transform's RUN_DURATION_SECONDS health rule of 20 min",
    );
    // Had the tick looked five minutes earlier, it would have been told when to look again.
    expect(slaCrossingMs(runs, slas, start + 20 * MIN)).toBe(start + 35 * MIN + 1);
  });

  it("names a task's timeout when Databricks cancelled the task for it", async () => {
    const start = NOW - 40 * MIN;
    api.jobRuns(
      [
        run(
          2,
          start,
          [
            ['ingest', start, start + 10 * MIN, 'SUCCESS'],
            ['transform', start + 10 * MIN, start + 25 * MIN, 'SUCCESS'],
            ['publish', start + 25 * MIN, start + 30 * MIN, 'TIMEDOUT'],
          ],
          'FAILED',
        ),
      ],
      NOW,
    );
    const { runs } = await listNewRuns(workspace(), start - MIN, NOW);
    expect(runs[0]!.failedTasks).toEqual(['publish']);
    const slas = resolveSlas(DEFAULT_POLICY, subject, 'orders_etl', slasFromJobSettings(settings));
    const breach = slaBreach(subject, runs, slas, DEFAULT_POLICY, NOW);
    expect(breach?.explanation).toBe(
      "task publish of run 2 timed out: Databricks cancelled it after 5.0 min at task publish's timeout_seconds of 5.0 min",
    );
    // The policy may switch the stated limits off: then nothing here is a hard SLA.
    const off = resolveSlas(
      { ...DEFAULT_POLICY, slaFromSettings: false },
      subject,
      'orders_etl',
      slasFromJobSettings(settings),
    );
    expect(slaBreach(subject, runs, off, DEFAULT_POLICY, NOW)).toBeNull();
  });

  it('answers runs/list as the API does: no task runs without expand_tasks, limit at most 25', async () => {
    api.jobRuns([run(3, NOW - 5 * MIN, [['ingest', NOW - 5 * MIN, NOW - MIN, 'SUCCESS']])], NOW);
    const plain = await fetch(`${api.baseUrl}/api/2.2/jobs/runs/list?start_time_from=0`).then((r) => r.json());
    expect((plain as { runs: Array<Record<string, unknown>> }).runs[0]!.tasks).toBeUndefined();
    const tooMany = await fetch(`${api.baseUrl}/api/2.2/jobs/runs/list?limit=26`);
    expect(tooMany.status).toBe(400);
  });
});
