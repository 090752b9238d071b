// The live settings' hash of every job, read over REST from one paged jobs/list (100 a page, the
// page token the API gave), with jobs/get only for a job the listing cuts short; against a local
// stand-in that checks the query the way the Jobs API does.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { settingsHash } from '../../src/ci/record.js';
import { liveJobHashes } from '../../src/untracked/live-settings.js';
import { bearerToken } from '../../src/workspace/databricks/auth.js';
import { DatabricksWorkspace } from '../../src/workspace/databricks/databricks-workspace.js';
import { RestClient } from '../../src/workspace/databricks/rest-client.js';
import { FakeDatabricksApi } from './fake-databricks-api.js';

const LIST = 'GET /api/2.2/jobs/list';

function settingsOf(id: number, tasks = 2): Record<string, unknown> {
  return {
    name: `job-${id}`,
    max_concurrent_runs: 1,
    tags: { bundle: `b${id % 7}` },
    tasks: Array.from({ length: tasks }, (_, i) => ({
      task_key: `t${i}`,
      notebook_task: { notebook_path: `/n/${i}` },
    })),
  };
}

describe('jobs/list for the live settings', () => {
  let api: FakeDatabricksApi;
  const workspace = () =>
    new DatabricksWorkspace(
      new RestClient({
        baseUrl: api.baseUrl,
        auth: bearerToken('dapi-test-token'),
        secrets: ['dapi-test-token'],
        retry: { maxAttempts: 2, maxTotalMs: 10_000, baseDelayMs: 10, maxDelayMs: 10 },
        sleep: async () => undefined,
        nowMs: () => 0,
      }),
    );

  beforeEach(async () => {
    api = await new FakeDatabricksApi().start();
  });
  afterEach(async () => {
    await api.stop();
  });

  it('reads 250 jobs in three pages and the one with 120 tasks whole from jobs/get', async () => {
    const jobs = Array.from({ length: 250 }, (_, i) => ({ job_id: 1000 + i, settings: settingsOf(1000 + i) }));
    const big = { job_id: 5000, settings: settingsOf(5000, 120) };
    api.jobsList([...jobs, big]);
    api.job('5000', big.settings);
    const ws = workspace();
    const live = await liveJobHashes(ws);
    expect(live!.size).toBe(251);
    for (const j of [...jobs, big])
      expect(live!.get(String(j.job_id)), String(j.job_id)).toBe(settingsHash(j.settings));
    const lists = api.requests.filter((r) => r.method === 'GET' && r.path === '/api/2.2/jobs/list');
    expect(lists).toHaveLength(3);
    for (const r of lists) expect([r.query.get('expand_tasks'), r.query.get('limit')]).toEqual(['true', '100']);
    expect(lists[0]!.query.has('page_token')).toBe(false);
    expect(lists.slice(1).every((r) => /^tok-/.test(r.query.get('page_token') ?? ''))).toBe(true);
    // Only the job listed cut short is read on its own.
    const gets = api.requests.filter((r) => r.path === '/api/2.2/jobs/get');
    expect(gets.map((r) => r.query.get('job_id'))).toEqual(['5000']);
    expect(ws.stats.calls).toBe(4);
  });

  it('the stand-in refuses what the API refuses: a limit over 100, a page token it never gave', async () => {
    api.jobsList([{ job_id: 1, settings: settingsOf(1) }]);
    const get = (query: string) => fetch(`${api.baseUrl}/api/2.2/jobs/list?${query}`);
    expect((await get('limit=101')).status).toBe(400);
    expect((await get('limit=0')).status).toBe(400);
    const forged = await get('limit=100&page_token=100');
    expect(forged.status).toBe(400);
    expect(((await forged.json()) as { error_code: string }).error_code).toBe('INVALID_PARAMETER_VALUE');
    // Without expand_tasks the settings come without their tasks: hashing those would differ.
    const plain = (await (await get('limit=10')).json()) as { jobs: Array<{ settings: Record<string, unknown> }> };
    expect(plain.jobs[0]!.settings).not.toHaveProperty('tasks');
  });

  it('an API error is thrown, not taken for a workspace without jobs', async () => {
    api.on(LIST, { status: 403, body: { error_code: 'PERMISSION_DENIED', message: 'no' } });
    await expect(liveJobHashes(workspace())).rejects.toThrow(/PERMISSION_DENIED|403/);
  });
});
