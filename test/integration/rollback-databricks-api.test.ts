// The rollback against the Databricks REST API, through a local stand-in that keeps the job and
// the pipeline as the API does: pipeline edits carry expected_last_modified, and a pipeline
// changed between the rollback's read and its edit is refused with 409, not overwritten.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_ROLLBACK_POLICY } from '../../src/rollback/policy.js';
import { decideRollbacks } from '../../src/tick/decide-rollbacks.js';
import type { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { DatabricksApiError } from '../../src/workspace/databricks/api-error.js';
import { bearerToken } from '../../src/workspace/databricks/auth.js';
import { DatabricksWorkspace } from '../../src/workspace/databricks/databricks-workspace.js';
import { RestClient } from '../../src/workspace/databricks/rest-client.js';
import { EditConflictError } from '../../src/workspace/edit-conflict.js';
import { JOB, jobSettings, openRollbackWorld, PIPE, pipelineSpec, T, V1, V2 } from '../support/rollback-world.js';
import { FakeDatabricksApi, type KeptPipeline } from './fake-databricks-api.js';

const PUT = `PUT /api/2.0/pipelines/${PIPE.id}`;
const RESET = 'POST /api/2.2/jobs/reset';
const EDITED_AT = T - 90 * 60_000;
const withAlerts = pipelineSpec(V2.version, {
  notifications: [{ email_recipients: ['oncall@example.com'], alerts: ['on-update-failure'] }],
});

let api: FakeDatabricksApi;
let wh: DuckDbWarehouse;
let job: { settings: Record<string, unknown> };
let pipe: KeptPipeline;
let ws: DatabricksWorkspace;

beforeEach(async () => {
  api = await new FakeDatabricksApi().start();
  job = api.job(JOB.id, jobSettings(V2.version));
  pipe = api.pipeline(PIPE.id, pipelineSpec(V2.version), EDITED_AT);
  wh = await openRollbackWorld();
  ws = new DatabricksWorkspace(
    new RestClient({
      baseUrl: api.baseUrl,
      auth: bearerToken('dapi-test-token'),
      retry: { maxAttempts: 3, maxTotalMs: 10_000, baseDelayMs: 1, maxDelayMs: 1 },
      sleep: async () => undefined,
    }),
  );
});
afterEach(async () => {
  await wh.close();
  await api.stop();
});

const bodies = (route: string) => api.calls(route).map((r) => JSON.parse(r.body) as Record<string, unknown>);

describe('a rollback on the Databricks REST API', () => {
  it('edits the pipeline with the last_modified it read, then resets the job', async () => {
    const out = await decideRollbacks({ wh, ws, policy: DEFAULT_ROLLBACK_POLICY }, 't', T);
    expect(out.executed.map((e) => e.result)).toEqual(['SUCCEEDED']);
    expect(bodies(PUT)).toEqual([
      { ...pipelineSpec(V1.version), pipeline_id: PIPE.id, expected_last_modified: EDITED_AT },
    ]);
    expect(bodies(RESET)).toEqual([{ job_id: Number(JOB.id), new_settings: jobSettings(V1.version) }]);
    expect(pipe.spec).toEqual(pipelineSpec(V1.version));
    expect(job.settings).toEqual(jobSettings(V1.version));
    // Pipelines go first: a refused edit stops the rollback before any unguarded job reset.
    const order = api.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`);
    expect(order).toEqual([PUT, RESET]);
  });

  it('is refused by the API when the pipeline changes between its read and its edit, and blocks', async () => {
    // GET 1 is the plan's mark, GET 2 the restore's look just before it edits.
    pipe.afterGet = (n) => {
      if (n === 2) pipe.handEdit(withAlerts);
    };
    const out = await decideRollbacks({ wh, ws, policy: DEFAULT_ROLLBACK_POLICY }, 't', T);
    expect(out.executed.map((e) => e.result)).toEqual(['BLOCKED']);
    expect(bodies(PUT).map((b) => b.expected_last_modified)).toEqual([EDITED_AT]);
    expect(pipe.spec).toEqual(withAlerts);
    expect(api.calls(RESET)).toEqual([]);
    expect(job.settings).toEqual(jobSettings(V2.version));
    const [page] = await wh.query('alerts/rollback_pages', { since_ms: 0 });
    expect(String(page!.page_reason)).toMatch(
      /pipeline orders_dlt \(p-77\) was changed in the workspace while the rollback restored it: the Pipelines API refused the edit \(.*HTTP 409 RESOURCE_CONFLICT/,
    );
  });

  it('takes a refusal of its own retried edit, whose first try went through, as done', async () => {
    pipe.loseNextAnswer = true;
    const out = await decideRollbacks({ wh, ws, policy: DEFAULT_ROLLBACK_POLICY }, 't', T);
    expect(out.executed.map((e) => e.result)).toEqual(['SUCCEEDED']);
    expect(bodies(PUT).map((b) => b.expected_last_modified)).toEqual([EDITED_AT, EDITED_AT]);
    expect(pipe.spec).toEqual(pipelineSpec(V1.version));
    expect(api.calls(RESET)).toHaveLength(1);
  });
});

describe('the pipeline edit', () => {
  it('refuses a stale expected_last_modified as a conflict, and edits unguarded as asked', async () => {
    await expect(ws.editPipeline(PIPE.id, { name: 'x' }, { expectedLastModified: EDITED_AT - 1 })).rejects.toThrow(
      EditConflictError,
    );
    expect(pipe.spec).toEqual(pipelineSpec(V2.version));
    await ws.editPipeline(PIPE.id, { name: 'y' });
    expect(pipe.spec).toEqual({ name: 'y' });
    await expect(ws.editPipeline(PIPE.id, { name: 'z' }, { expectedLastModified: 1.5 })).rejects.toThrow(
      /HTTP 400 INVALID_PARAMETER_VALUE/,
    );
  });

  it('keeps a 409 that is not about last_modified as the error it is', async () => {
    api.on('PUT /api/2.0/pipelines/p-88', {
      status: 409,
      body: { error_code: 'RESOURCE_ALREADY_EXISTS', message: "A pipeline named 'orders_dlt' already exists" },
    });
    const err = await ws.editPipeline('p-88', { name: 'orders_dlt' }, { expectedLastModified: 5 }).catch((e) => e);
    expect(err).toBeInstanceOf(DatabricksApiError);
    expect(err).not.toBeInstanceOf(EditConflictError);
  });
});
