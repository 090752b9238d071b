import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LIST_WINDOW_MS, listNewRuns, MAX_LIST_WINDOWS } from '../../src/tick/runs.js';
import { bearerToken, OAuthM2M } from '../../src/workspace/databricks/auth.js';
import { DatabricksWorkspace } from '../../src/workspace/databricks/databricks-workspace.js';
import { openDatabricksWorkspace } from '../../src/workspace/databricks/open-workspace.js';
import { type Authorizer, RestClient } from '../../src/workspace/databricks/rest-client.js';
import { FakeDatabricksApi } from './fake-databricks-api.js';

const NOW = Date.UTC(2026, 2, 10, 12, 0, 0);
const RUNS = 'GET /api/2.2/jobs/runs/list';

function run(id: number, jobId: number, startMs: number, end = true) {
  return {
    run_id: id,
    job_id: jobId,
    start_time: startMs,
    end_time: end ? startMs + 60_000 : 0,
    state: end ? { life_cycle_state: 'TERMINATED', result_state: 'SUCCESS' } : { life_cycle_state: 'RUNNING' },
    status: end
      ? { state: 'TERMINATED', termination_details: { code: 'SUCCESS', type: 'SUCCESS' } }
      : { state: 'RUNNING' },
    tasks: [{ task_key: 'main', run_id: id * 10, state: { life_cycle_state: 'TERMINATED', result_state: 'SUCCESS' } }],
  };
}

describe('Databricks REST workspace', () => {
  let api: FakeDatabricksApi;
  let delays: number[];
  let clock: number;

  const workspace = (auth: Authorizer = bearerToken('dapi-test-token'), maxAttempts = 4) =>
    new DatabricksWorkspace(
      new RestClient({
        baseUrl: api.baseUrl,
        auth,
        secrets: ['dapi-test-token'],
        retry: { maxAttempts, maxTotalMs: 60_000, baseDelayMs: 100, maxDelayMs: 1_000 },
        sleep: async (ms) => {
          delays.push(ms);
          clock += ms;
        },
        nowMs: () => clock,
      }),
    );

  beforeEach(async () => {
    api = await new FakeDatabricksApi().start();
    delays = [];
    clock = NOW;
  });
  afterEach(async () => {
    await api.stop();
  });

  it('lists runs across pages with the documented query and the bearer token', async () => {
    // A span of one listing window: one request at a time, page after page.
    const since = NOW - LIST_WINDOW_MS + 1;
    api.on(
      RUNS,
      (r) =>
        r.query.get('page_token') === null
          ? {
              body: {
                runs: [run(3, 30, NOW - 1_000, false), run(2, 20, NOW - 2_000)],
                has_more: true,
                next_page_token: 'p2',
              },
            }
          : { status: 400 },
      (r) =>
        r.query.get('page_token') === 'p2'
          ? { body: { runs: [run(1, 10, NOW - 3_000)], has_more: true, next_page_token: 'p3' } }
          : { status: 400 },
      (r) => (r.query.get('page_token') === 'p3' ? { body: { has_more: false } } : { status: 400 }),
    );
    const ws = workspace();
    const listed = await listNewRuns(ws, since, NOW);
    expect(listed.runs.map((r) => [r.runId, r.subjectId, r.result])).toEqual([
      ['3', '30', 'RUNNING'],
      ['2', '20', 'SUCCESS'],
      ['1', '10', 'SUCCESS'],
    ]);
    expect(ws.stats.calls).toBe(3);
    const first = api.calls(RUNS)[0]!;
    expect(first.query.get('start_time_from')).toBe(String(since));
    expect(first.query.get('start_time_to')).toBeNull();
    expect(first.query.get('expand_tasks')).toBe('true');
    expect(first.query.get('limit')).toBe('25');
    expect(first.headers.authorization).toBe('Bearer dapi-test-token');
    expect(api.calls(RUNS).map((r) => r.query.get('page_token'))).toEqual([null, 'p2', 'p3']);
  });

  it('lists a longer span in windows at once, each paged on its own, the windows covering it end to end', async () => {
    const since = NOW - 3_600_000;
    // Each window answers two pages of one run each, the run starting where the window starts.
    api.on(RUNS, (r) => {
      const from = Number(r.query.get('start_time_from'));
      const token = r.query.get('page_token');
      if (token === null)
        return { body: { runs: [run(from, 10, from)], has_more: true, next_page_token: `${from}:2` } };
      return token === `${from}:2` ? { body: { runs: [run(from + 1, 11, from + 1)] } } : { status: 400 };
    });
    const listed = await listNewRuns(workspace(), since, NOW);
    const firsts = api.calls(RUNS).filter((r) => r.query.get('page_token') === null);
    expect(firsts).toHaveLength(MAX_LIST_WINDOWS);
    expect(api.calls(RUNS)).toHaveLength(2 * MAX_LIST_WINDOWS);
    const windows = firsts
      .map((r) => [Number(r.query.get('start_time_from')), r.query.get('start_time_to')] as const)
      .sort((a, b) => a[0] - b[0]);
    expect(windows[0]![0]).toBe(since);
    for (const [i, [, to]] of windows.entries()) {
      if (i + 1 < windows.length) expect(Number(to) + 1).toBe(windows[i + 1]![0]);
      else expect(to).toBeNull();
    }
    expect(new Set(listed.runs.map((r) => r.runId)).size).toBe(2 * MAX_LIST_WINDOWS);
  });

  it('waits the Retry-After seconds of a 429, then succeeds', async () => {
    api.on(
      RUNS,
      {
        status: 429,
        headers: { 'Retry-After': '3' },
        body: { error_code: 'REQUEST_LIMIT_EXCEEDED', message: 'slow down' },
      },
      { body: { runs: [run(1, 10, NOW)] } },
    );
    const page = await workspace().listRuns({ startTimeFrom: NOW - 60_000 });
    expect(page.runs).toHaveLength(1);
    expect(api.calls(RUNS)).toHaveLength(2);
    expect(delays).toEqual([3_000]);
  });

  it('waits until the HTTP date of a 429 Retry-After', async () => {
    const at = new Date(NOW + 7_000).toUTCString();
    api.on(RUNS, { status: 429, headers: { 'Retry-After': at } }, { body: { runs: [] } });
    await workspace().listRuns({ startTimeFrom: NOW - 60_000 });
    expect(delays).toEqual([7_000]);
  });

  it('retries a 503 with backoff and returns the later answer', async () => {
    api.on(
      'GET /api/2.0/pipelines/abc-123',
      { status: 503, body: { error_code: 'TEMPORARILY_UNAVAILABLE' } },
      { status: 502, body: '<html>bad gateway</html>' },
      { body: { pipeline_id: 'abc-123', spec: { name: 'p' }, last_modified: 5 } },
    );
    const ws = workspace();
    const p = await ws.getPipeline('abc-123');
    expect(p).toEqual({ pipeline_id: 'abc-123', spec: { name: 'p' }, last_modified: 5 });
    expect(delays).toEqual([100, 200]);
    expect(ws.stats.calls).toBe(1);
  });

  it('retries a dropped connection', async () => {
    api.on(RUNS, { hangUp: true }, { body: { runs: [run(1, 10, NOW)] } });
    const page = await workspace().listRuns({ startTimeFrom: NOW - 60_000 });
    expect(page.runs).toHaveLength(1);
    expect(api.calls(RUNS)).toHaveLength(2);
  });

  it('gives up on a lasting 503 after the attempt limit, naming the endpoint and status', async () => {
    api.on(RUNS, { status: 503, body: { error_code: 'TEMPORARILY_UNAVAILABLE', message: 'maintenance' } });
    await expect(workspace(bearerToken('dapi-test-token'), 3).listRuns({ startTimeFrom: 0 })).rejects.toThrow(
      /GET \/api\/2\.2\/jobs\/runs\/list: gave up after 3 attempts .*HTTP 503 TEMPORARILY_UNAVAILABLE: maintenance/,
    );
    expect(api.calls(RUNS)).toHaveLength(3);
  });

  it('does not wait for a Retry-After beyond the retry budget', async () => {
    api.on(RUNS, { status: 429, headers: { 'Retry-After': '3600' } });
    await expect(workspace().listRuns({ startTimeFrom: 0 })).rejects.toThrow(/retry budget/);
    expect(api.calls(RUNS)).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it('does not retry a 400 and reports the Databricks error', async () => {
    api.on(RUNS, { status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: 'limit must be at most 25' } });
    await expect(workspace().listRuns({ startTimeFrom: 0 })).rejects.toThrow(
      'GET /api/2.2/jobs/runs/list: HTTP 400 INVALID_PARAMETER_VALUE: limit must be at most 25',
    );
    expect(api.calls(RUNS)).toHaveLength(1);
  });

  it('reads a 404 on get as a missing resource and fails a write on it, without retrying', async () => {
    api.on('GET /api/2.0/pipelines/gone-1', {
      status: 404,
      body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Pipeline gone-1 does not exist' },
    });
    api.on('PUT /api/2.0/pipelines/gone-1', {
      status: 404,
      body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Pipeline gone-1 does not exist' },
    });
    api.on('GET /api/2.2/jobs/get', {
      status: 400,
      body: { error_code: 'INVALID_PARAMETER_VALUE', message: 'Job 42 does not exist.' },
    });
    const ws = workspace();
    expect(await ws.getPipeline('gone-1')).toBeNull();
    expect(await ws.getJob('42')).toBeNull();
    await expect(ws.editPipeline('gone-1', { name: 'x' })).rejects.toThrow(
      'PUT /api/2.0/pipelines/gone-1: HTTP 404 RESOURCE_DOES_NOT_EXIST: Pipeline gone-1 does not exist',
    );
    expect(api.requests).toHaveLength(3);
  });

  it('names the field when the API answers with an unexpected body, and does not retry', async () => {
    api.on(RUNS, { body: { runs: { run_id: 1 }, has_more: 'no' } });
    await expect(workspace().listRuns({ startTimeFrom: 0 })).rejects.toThrow(
      /jobs\/runs\/list returned an unexpected body: runs: .*expected array/,
    );
    api.on('GET /api/2.0/pipelines/p-1', { body: '<html>login</html>' });
    await expect(workspace().getPipeline('p-1')).rejects.toThrow(
      /pipelines\/p-1 returned an unexpected body: not JSON/,
    );
    expect(api.requests).toHaveLength(2);
  });

  it('gathers a job whose tasks come in several pages, and resets it with the exact 64-bit id', async () => {
    api.on(
      'GET /api/2.2/jobs/get',
      {
        body: {
          job_id: 1,
          settings: { name: 'big', tasks: [{ task_key: 'a' }], job_clusters: [{ job_cluster_key: 'c1' }] },
          has_more: true,
          next_page_token: 'n',
        },
      },
      (r) => ({
        body: {
          job_id: 1,
          settings: { name: 'big', tasks: [{ task_key: r.query.get('page_token') === 'n' ? 'b' : '?' }] },
        },
      }),
    );
    api.on('POST /api/2.2/jobs/reset', { body: {} });
    const ws = workspace();
    const job = await ws.getJob('9007199254740993');
    expect(job?.settings).toEqual({
      name: 'big',
      tasks: [{ task_key: 'a' }, { task_key: 'b' }],
      job_clusters: [{ job_cluster_key: 'c1' }],
    });
    await ws.resetJob('9007199254740993', { name: 'big' });
    const reset = api.calls('POST /api/2.2/jobs/reset')[0]!;
    expect(reset.body).toBe('{"job_id":9007199254740993,"new_settings":{"name":"big"}}');
    expect(reset.headers['content-type']).toBe('application/json');
    expect(ws.stats.calls).toBe(3);
    await expect(ws.resetJob('1; DROP', {})).rejects.toThrow(/job id '1; DROP' is not valid/);
  });

  it('edits a pipeline with the full spec and its id', async () => {
    api.on('PUT /api/2.0/pipelines/p-9', { body: {} });
    await workspace().editPipeline('p-9', { name: 'n', configuration: { a: '1' } });
    expect(JSON.parse(api.calls('PUT /api/2.0/pipelines/p-9')[0]!.body)).toEqual({
      name: 'n',
      configuration: { a: '1' },
      pipeline_id: 'p-9',
    });
  });

  it('fetches an OAuth M2M token once, reuses it, and renews it shortly before expiry', async () => {
    let issued = 0;
    api.on('POST /oidc/v1/token', (r) => {
      const basic = Buffer.from(String(r.headers.authorization).replace(/^Basic /, ''), 'base64').toString();
      const form = new URLSearchParams(r.body);
      if (
        basic !== 'sp-app-id:sp-secret-value' ||
        form.get('grant_type') !== 'client_credentials' ||
        form.get('scope') !== 'all-apis'
      )
        return { status: 401, body: { error: 'invalid_client' } };
      issued++;
      return { body: { access_token: `oauth-${issued}`, token_type: 'Bearer', expires_in: 3600 } };
    });
    api.on(RUNS, { body: { runs: [] } });
    const oauth = new OAuthM2M({
      baseUrl: api.baseUrl,
      clientId: 'sp-app-id',
      clientSecret: 'sp-secret-value',
      nowMs: () => clock,
    });
    const ws = workspace(oauth);
    await ws.listRuns({ startTimeFrom: 0 });
    await ws.listRuns({ startTimeFrom: 0 });
    clock += 3_600_000 - 120_000;
    await ws.listRuns({ startTimeFrom: 0 });
    clock += 90_000;
    await ws.listRuns({ startTimeFrom: 0 });
    expect(api.calls(RUNS).map((r) => r.headers.authorization)).toEqual([
      'Bearer oauth-1',
      'Bearer oauth-1',
      'Bearer oauth-1',
      'Bearer oauth-2',
    ]);
    expect(oauth.fetched).toBe(2);
    expect(ws.stats.calls).toBe(4);
  });

  it('reports a refused OAuth client without echoing the secret', async () => {
    api.on('POST /oidc/v1/token', {
      status: 401,
      body: { error: 'invalid_client', error_description: 'Client authentication failed for secret sp-secret-value' },
    });
    const ws = openDatabricksWorkspace({
      baseUrl: api.baseUrl,
      auth: { kind: 'oauth-m2m', clientId: 'sp-app-id', clientSecret: 'sp-secret-value' },
    });
    const err = await ws.listRuns({ startTimeFrom: 0 }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/POST \/oidc\/v1\/token: HTTP 401 invalid_client/);
    expect((err as Error).message).not.toContain('sp-secret-value');
    expect(api.calls(RUNS)).toHaveLength(0);
  });

  it('keeps a personal access token out of error messages', async () => {
    api.on(RUNS, {
      status: 403,
      body: { error_code: 'PERMISSION_DENIED', message: 'token dapi-test-token lacks CAN_VIEW' },
    });
    const err = (await workspace()
      .listRuns({ startTimeFrom: 0 })
      .catch((e: Error) => e)) as Error;
    expect(err.message).toBe(
      'GET /api/2.2/jobs/runs/list: HTTP 403 PERMISSION_DENIED: token [redacted] lacks CAN_VIEW',
    );
  });
  it('exports a bundle state file with the documented query, and answers a missing file with null', async () => {
    const path = '/Workspace/Users/ci@acme.com/.bundle/sales_etl/prod/state/deployment.json';
    const body = '{"version":1,"seq":3,"cli_version":"1.13.0","timestamp":"2026-08-21T09:15:42Z","files":[],"id":"x"}';
    api.on(
      'GET /api/2.0/workspace/export',
      (r) =>
        r.query.get('path') === path && r.query.get('format') === 'AUTO'
          ? { body: { content: Buffer.from(body).toString('base64'), file_type: 'json' } }
          : { status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: 'bad query' } },
      { status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: `Path (${path}) doesn't exist.` } },
    );
    const ws = workspace();
    expect(await ws.exportFile(path)).toBe(body);
    expect(await ws.exportFile(path)).toBeNull();
    await expect(ws.exportFile('relative/path.json')).rejects.toThrow(/must be absolute/);
    expect(api.calls('GET /api/2.0/workspace/export')).toHaveLength(2);
  });
});
