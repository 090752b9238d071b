// The control plane of a real workspace over REST: Jobs API 2.2 and Pipelines API 2.0.
// `stats.calls` counts API requests the way the embedded workspace does (token requests aside).

import type { z } from 'zod';
import { EditConflictError } from '../edit-conflict.js';
import type {
  ApiRun,
  EditGuard,
  JobInfo,
  JobsPage,
  MalformedApiRun,
  PipelineInfo,
  RunsPage,
  RunsQuery,
  Workspace,
  WorkspaceStats,
} from '../port.js';
import { DatabricksApiError } from './api-error.js';
import {
  describeIssues,
  emptySchema,
  exportSchema,
  jobSchema,
  jobsPageSchema,
  pipelineListSchema,
  pipelineSchema,
  runSchema,
  runsPageSchema,
} from './api-schemas.js';
import type { RestClient } from './rest-client.js';

export interface PipelinePage {
  readonly pipelines: ReadonlyArray<{ readonly pipelineId: string; readonly name?: string }>;
  readonly nextPageToken?: string;
}

/** The largest page jobs/runs/list serves. */
export const RUNS_PAGE_LIMIT = 25;
/** The largest page jobs/list serves. */
export const JOBS_PAGE_LIMIT = 100;

const JOB_ID = /^\d{1,19}$/;
const PIPELINE_ID = /^[A-Za-z0-9-]{1,64}$/;
/** Settings that jobs/get 2.2 pages beyond 100 entries. */
const PAGED_JOB_ARRAYS = ['tasks', 'job_clusters', 'environments', 'parameters'] as const;

export class DatabricksWorkspace implements Workspace {
  readonly stats: WorkspaceStats = { calls: 0 };
  readonly #client: RestClient;

  constructor(client: RestClient) {
    this.#client = client;
  }

  async listRuns(q: RunsQuery): Promise<RunsPage> {
    this.stats.calls++;
    const query: Record<string, string> = {
      start_time_from: String(Math.floor(q.startTimeFrom)),
      expand_tasks: 'true',
      limit: String(RUNS_PAGE_LIMIT),
    };
    if (q.startTimeTo !== undefined) query.start_time_to = String(Math.floor(q.startTimeTo));
    if (q.pageToken !== undefined) query.page_token = q.pageToken;
    const page = await this.#client.request('GET', '/api/2.2/jobs/runs/list', runsPageSchema, { query });
    const { runs, malformed } = splitRuns(page.runs ?? []);
    const more = page.has_more === true && page.next_page_token !== undefined && page.next_page_token !== '';
    const rest = malformed.length ? { malformed } : {};
    return more
      ? { runs, has_more: true, next_page_token: page.next_page_token!, ...rest }
      : { runs, has_more: false, ...rest };
  }

  async getJob(jobId: string): Promise<JobInfo | null> {
    checkId(jobId, JOB_ID, 'job id', 'a job id is the number in the job URL, e.g. 123456789');
    const settings: Record<string, unknown> = {};
    let token: string | undefined;
    do {
      this.stats.calls++;
      const query: Record<string, string> = { job_id: jobId };
      if (token !== undefined) query.page_token = token;
      let page: z.infer<typeof jobSchema>;
      try {
        page = await this.#client.request('GET', '/api/2.2/jobs/get', jobSchema, { query });
      } catch (err) {
        // jobs/get answers a missing job with 400 INVALID_PARAMETER_VALUE "Job 42 does not exist."
        if (
          token === undefined &&
          err instanceof DatabricksApiError &&
          (err.isNotFound || (err.status === 400 && /does not exist/i.test(err.apiMessage ?? '')))
        )
          return null;
        throw err;
      }
      mergeJobPage(settings, page.settings);
      token = page.has_more && page.next_page_token ? page.next_page_token : undefined;
    } while (token !== undefined);
    return { job_id: jobId, settings };
  }

  async listJobs(pageToken?: string): Promise<JobsPage> {
    this.stats.calls++;
    const query: Record<string, string> = { expand_tasks: 'true', limit: String(JOBS_PAGE_LIMIT) };
    if (pageToken !== undefined) query.page_token = pageToken;
    const page = await this.#client.request('GET', '/api/2.2/jobs/list', jobsPageSchema, { query });
    const jobs = (page.jobs ?? []).map((j) => ({
      job_id: String(j.job_id),
      settings: j.settings ?? {},
      ...(j.has_more ? { has_more: true } : {}),
    }));
    const more = page.has_more === true && page.next_page_token !== undefined && page.next_page_token !== '';
    return more ? { jobs, next_page_token: page.next_page_token! } : { jobs };
  }

  async resetJob(jobId: string, settings: Record<string, unknown>): Promise<void> {
    checkId(jobId, JOB_ID, 'job id', 'a job id is the number in the job URL, e.g. 123456789');
    this.stats.calls++;
    // The id is written as digits, not through a JS number, so a 64-bit id is not rounded.
    const body = `{"job_id":${jobId},"new_settings":${JSON.stringify(settings)}}`;
    await this.#client.request('POST', '/api/2.2/jobs/reset', emptySchema, { body });
  }

  async getPipeline(pipelineId: string): Promise<PipelineInfo | null> {
    checkId(pipelineId, PIPELINE_ID, 'pipeline id', 'a pipeline id is the UUID in the pipeline URL');
    this.stats.calls++;
    try {
      const p = await this.#client.request('GET', `/api/2.0/pipelines/${pipelineId}`, pipelineSchema);
      return p.last_modified === undefined
        ? { pipeline_id: p.pipeline_id, spec: p.spec }
        : { pipeline_id: p.pipeline_id, spec: p.spec, last_modified: p.last_modified };
    } catch (err) {
      if (err instanceof DatabricksApiError && err.isNotFound) return null;
      throw err;
    }
  }

  /** `GET pipelines`, one page of at most 100 (the largest the API serves): setup's list of event logs. */
  async listPipelines(pageToken?: string): Promise<PipelinePage> {
    this.stats.calls++;
    const query: Record<string, string> = { max_results: '100' };
    if (pageToken !== undefined) query.page_token = pageToken;
    const page = await this.#client.request('GET', '/api/2.0/pipelines', pipelineListSchema, { query });
    const pipelines = (page.statuses ?? []).map((p) =>
      p.name === undefined ? { pipelineId: p.pipeline_id } : { pipelineId: p.pipeline_id, name: p.name },
    );
    return page.next_page_token ? { pipelines, nextPageToken: page.next_page_token } : { pipelines };
  }

  async exportFile(path: string): Promise<string | null> {
    if (!path.startsWith('/') || path.includes('\u0000')) {
      throw new Error(
        `workspace path '${path}' must be absolute, e.g. /Workspace/Users/me/.bundle/b/prod/state/deployment.json`,
      );
    }
    this.stats.calls++;
    try {
      const file = await this.#client.request('GET', '/api/2.0/workspace/export', exportSchema, {
        query: { path, format: 'AUTO' },
      });
      return Buffer.from(file.content, 'base64').toString('utf8');
    } catch (err) {
      if (err instanceof DatabricksApiError && err.isNotFound) return null;
      throw err;
    }
  }

  async editPipeline(pipelineId: string, spec: Record<string, unknown>, guard?: EditGuard): Promise<void> {
    checkId(pipelineId, PIPELINE_ID, 'pipeline id', 'a pipeline id is the UUID in the pipeline URL');
    this.stats.calls++;
    const body = {
      ...spec,
      pipeline_id: pipelineId,
      ...(guard ? { expected_last_modified: guard.expectedLastModified } : {}),
    };
    try {
      await this.#client.request('PUT', `/api/2.0/pipelines/${pipelineId}`, emptySchema, {
        body: JSON.stringify(body),
      });
    } catch (err) {
      if (guard && err instanceof DatabricksApiError && isEditConflict(err))
        throw new EditConflictError(`pipeline ${pipelineId}`, guard.expectedLastModified, err.message);
      throw err;
    }
  }
}

/**
 * The API refuses a stale `expected_last_modified` "with a conflict" (EditPipeline's own words):
 * HTTP 409, whose error_code the API reference does not name. A 409 that says a name is taken is
 * another problem and keeps its own error.
 */
function isEditConflict(err: DatabricksApiError): boolean {
  if (err.errorCode !== null && /ALREADY_EXISTS/.test(err.errorCode)) return false;
  return err.status === 409 || err.errorCode === 'RESOURCE_CONFLICT' || err.errorCode === 'ABORTED';
}

/** Adds one jobs/get page to the settings gathered so far: later pages only extend the paged arrays. */
export function mergeJobPage(into: Record<string, unknown>, page: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(page)) {
    const prev = into[k];
    if ((PAGED_JOB_ARRAYS as readonly string[]).includes(k) && Array.isArray(prev) && Array.isArray(v))
      into[k] = [...prev, ...v];
    else if (!(k in into)) into[k] = v;
  }
}

/** An id as a page gave it, or null where it is no id (an object, NaN, an empty string). */
const idText = (v: unknown): string | null =>
  (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && v.trim() !== '') ? String(v) : null;

/**
 * A page's runs checked one by one: a run that breaks the documented shape spoils its own job's
 * evidence, not the page (the other runs pass, and the listing goes on to the next page). Runs
 * without a job (runs/submit) are nothing postflight verifies, well-formed or not.
 */
export function splitRuns(raw: readonly unknown[]): {
  runs: ApiRun[];
  malformed: MalformedApiRun[];
} {
  const runs: ApiRun[] = [];
  const malformed: MalformedApiRun[] = [];
  for (const entry of raw) {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      malformed.push({
        job_id: null,
        run_id: null,
        reason: `a run is ${entry === null ? 'null' : typeof entry}, not an object`,
      });
      continue;
    }
    const r = entry as Record<string, unknown>;
    if (r.job_id === undefined) continue;
    const parsed = runSchema.safeParse(r);
    if (parsed.success) runs.push(parsed.data as ApiRun);
    else malformed.push({ job_id: idText(r.job_id), run_id: idText(r.run_id), reason: describeIssues(parsed.error) });
  }
  return { runs, malformed };
}

function checkId(value: string, pattern: RegExp, field: string, fix: string): void {
  if (!pattern.test(value)) throw new Error(`${field} '${value.slice(0, 80)}' is not valid; ${fix}`);
}
