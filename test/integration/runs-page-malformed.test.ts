import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LIST_WINDOW_MS, listNewRuns } from '../../src/tick/runs.js';
import { bearerToken } from '../../src/workspace/databricks/auth.js';
import { DatabricksWorkspace } from '../../src/workspace/databricks/databricks-workspace.js';
import { RestClient } from '../../src/workspace/databricks/rest-client.js';
import { FakeDatabricksApi } from './fake-databricks-api.js';

// One malformed run on a jobs/runs/list page spoils its own job's runs, not the page: the other
// runs pass, the listing pages on, and the bad run is malformed evidence naming its run id.

const NOW = Date.UTC(2026, 2, 10, 12, 0, 0);
const RUNS = 'GET /api/2.2/jobs/runs/list';

function run(id: number, jobId: number, startMs: number) {
  return {
    run_id: id,
    job_id: jobId,
    start_time: startMs,
    end_time: startMs + 60_000,
    state: { life_cycle_state: 'TERMINATED', result_state: 'SUCCESS' },
    status: { state: 'TERMINATED', termination_details: { code: 'SUCCESS', type: 'SUCCESS' } },
    tasks: [{ task_key: 'main', run_id: id * 10, state: { life_cycle_state: 'TERMINATED', result_state: 'SUCCESS' } }],
  };
}

describe('a runs/list page with malformed runs', () => {
  let api: FakeDatabricksApi;
  const workspace = () =>
    new DatabricksWorkspace(
      new RestClient({
        baseUrl: api.baseUrl,
        auth: bearerToken('dapi-test-token'),
        secrets: ['dapi-test-token'],
        retry: { maxAttempts: 2, maxTotalMs: 10_000, baseDelayMs: 10, maxDelayMs: 100 },
      }),
    );
  beforeEach(async () => {
    api = await new FakeDatabricksApi().start();
  });
  afterEach(async () => {
    await api.stop();
  });

  it('keeps the good runs of a page with a malformed one, reports that one by job and run id, and pages on', async () => {
    const since = NOW - LIST_WINDOW_MS + 1;
    const badTask = { ...run(6, 60, NOW - 3_000), tasks: [{ run_id: 61, state: {} }] };
    // Answers every listing alike: the first page, then the second.
    api.on(RUNS, (r) =>
      r.query.get('page_token') === null
        ? {
            body: {
              runs: [
                run(9, 90, NOW - 1_000),
                { ...run(8, 80, NOW - 1_500), start_time: 'yesterday' },
                run(7, 70, NOW - 2_000),
                badTask,
                { ...run(5, 50, NOW - 3_500), job_id: null },
                // No job: a runs/submit run, nothing verified, well-formed or not.
                { run_id: 4, start_time: 'x' },
                null,
              ],
              has_more: true,
              next_page_token: 'p2',
            },
          }
        : r.query.get('page_token') === 'p2'
          ? { body: { runs: [run(3, 30, NOW - 4_000)], has_more: false } }
          : { status: 400 },
    );
    const ws = workspace();
    const page = await ws.listRuns({ startTimeFrom: since });
    expect(page.runs.map((r) => r.run_id)).toEqual([9, 7]);
    expect(page.malformed?.map((m) => [m.job_id, m.run_id])).toEqual([
      ['80', '8'],
      ['60', '6'],
      [null, '5'],
      [null, null],
    ]);
    expect(page.malformed?.[0]?.reason).toMatch(/^start_time: .*expected number/);
    expect(page.malformed?.[1]?.reason).toMatch(/^tasks\[0\]\.task_key: /);

    const listed = await listNewRuns(ws, since, NOW);
    expect(listed.runs.map((r) => [r.runId, r.subjectId])).toEqual([
      ['9', '90'],
      ['7', '70'],
      ['3', '30'],
    ]);
    expect(listed.malformed.map((e) => [e.kind, e.subject, e.fault])).toEqual([
      ['runs', 'job:80', 'malformed evidence'],
      ['runs', 'job:60', 'malformed evidence'],
      ['runs', 'jobs/runs/list', 'malformed evidence'],
      ['runs', 'jobs/runs/list', 'malformed evidence'],
    ]);
    expect(listed.malformed[0]!.message).toMatch(/^malformed evidence: start_time: .*\(jobs\/runs\/list run_id 8\)$/);
    expect(listed.malformed[1]!.message).toContain('(jobs/runs/list run_id 6)');
    // The listing went on to the second page after the malformed runs of the first.
    expect(
      api
        .calls(RUNS)
        .slice(1)
        .map((r) => r.query.get('page_token')),
    ).toEqual([null, 'p2']);
  });
});
