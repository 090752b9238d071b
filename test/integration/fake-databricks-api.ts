// A local HTTP server standing in for the Databricks REST API: each path answers from a queue of
// scripted responses (the last one repeats), and every request is recorded. A job or pipeline can
// also be kept as the API keeps it (get, reset, edit), edits guarded by last_modified.

import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface Scripted {
  readonly status?: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Drop the connection instead of answering. */
  readonly hangUp?: boolean;
}

export interface Recorded {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export interface KeptPipeline {
  spec: Record<string, unknown>;
  lastModified: number;
  readonly handEdit: (spec: Record<string, unknown>) => void;
  /** Called after the n-th GET has been answered (from 1): a test changes the pipeline there. */
  afterGet?: (n: number) => void;
  /** The next edit is made but its answer lost (the connection drops), as a flaky network does. */
  loseNextAnswer?: boolean;
}

/** A job run as the Jobs API keeps it: end_time (and a task's) is when it ends or ended. */
export interface KeptRun {
  readonly run_id: number;
  readonly job_id: number;
  readonly start_time: number;
  readonly end_time: number;
  readonly result_state: string;
  readonly termination_code?: string;
  readonly tasks: ReadonlyArray<{
    readonly task_key: string;
    readonly run_id: number;
    readonly start_time: number;
    readonly end_time: number;
    readonly result_state: string;
  }>;
}

export class FakeDatabricksApi {
  readonly requests: Recorded[] = [];
  readonly #routes = new Map<string, Array<Scripted | ((req: Recorded) => Scripted)>>();
  #server: Server | null = null;
  baseUrl = '';

  /** Queues answers for `METHOD /path`; the last one keeps answering. */
  on(route: string, ...answers: Array<Scripted | ((req: Recorded) => Scripted)>): this {
    this.#routes.set(route, answers);
    return this;
  }

  /**
   * A pipeline as the Pipelines API keeps it: GET answers its spec and last_modified; PUT replaces
   * the spec, and refuses an edit whose expected_last_modified is not the pipeline's last_modified
   * with 409 (nothing written), as EditPipeline documents. `handEdit` is someone using the UI.
   */
  pipeline(id: string, spec: Record<string, unknown>, lastModified: number): KeptPipeline {
    const kept: KeptPipeline = {
      spec,
      lastModified,
      handEdit: (next) => {
        kept.spec = next;
        kept.lastModified += 1_000;
      },
    };
    const path = `/api/2.0/pipelines/${id}`;
    let gets = 0;
    this.on(`GET ${path}`, () => {
      const body = { pipeline_id: id, state: 'IDLE', spec: { id, ...kept.spec }, last_modified: kept.lastModified };
      kept.afterGet?.(++gets);
      return { body };
    });
    this.on(`PUT ${path}`, (req) => {
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(req.body) as Record<string, unknown>;
      } catch {
        return { status: 400, body: { error_code: 'MALFORMED_REQUEST', message: 'Invalid JSON given in the body' } };
      }
      const { pipeline_id, expected_last_modified: expected, allow_duplicate_names: _, ...next } = body;
      if (pipeline_id !== undefined && pipeline_id !== id)
        return { status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: 'pipeline_id does not match' } };
      if (expected !== undefined && !Number.isInteger(expected))
        return {
          status: 400,
          body: { error_code: 'INVALID_PARAMETER_VALUE', message: 'expected_last_modified must be an int64' },
        };
      if (expected !== undefined && expected !== kept.lastModified)
        return {
          status: 409,
          body: {
            error_code: 'RESOURCE_CONFLICT',
            message: `The pipeline settings were modified at ${kept.lastModified}, after ${String(expected)}.`,
          },
        };
      kept.spec = next;
      kept.lastModified += 1_000;
      if (kept.loseNextAnswer) {
        kept.loseNextAnswer = false;
        return { hangUp: true };
      }
      return { body: {} };
    });
    return kept;
  }

  /** A job as the Jobs API keeps it: jobs/get and jobs/reset (the whole settings replaced). */
  job(id: string, settings: Record<string, unknown>): { settings: Record<string, unknown> } {
    const kept = { settings };
    this.on('GET /api/2.2/jobs/get', (req) =>
      req.query.get('job_id') === id
        ? { body: { job_id: Number(id), settings: kept.settings } }
        : {
            status: 400,
            body: { error_code: 'INVALID_PARAMETER_VALUE', message: `Job ${req.query.get('job_id')} does not exist.` },
          },
    );
    this.on('POST /api/2.2/jobs/reset', (req) => {
      const body = JSON.parse(req.body) as { job_id?: unknown; new_settings?: unknown };
      if (String(body.job_id) !== id || typeof body.new_settings !== 'object' || body.new_settings === null)
        return {
          status: 400,
          body: { error_code: 'INVALID_PARAMETER_VALUE', message: 'job_id and new_settings are required' },
        };
      kept.settings = body.new_settings as Record<string, unknown>;
      return { body: {} };
    });
    return kept;
  }

  /**
   * The workspace's jobs as jobs/list 2.2 answers them: in job id order, `limit` (1 to 100, default
   * 20) a page, an opaque `page_token` only as the previous page gave it; settings without tasks or
   * job clusters unless expand_tasks=true, and then cut at 100 entries with the job's has_more set.
   */
  jobsList(jobs: ReadonlyArray<{ readonly job_id: number; readonly settings: Record<string, unknown> }>): void {
    const issued = new Map<string, number>();
    this.on('GET /api/2.2/jobs/list', (req) => {
      const q = req.query;
      const bad = (message: string) => ({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message } });
      const limit = Number(q.get('limit') ?? 20);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) return bad('limit must be between 1 and 100');
      const token = q.get('page_token');
      if (token !== null && !issued.has(token)) return bad('Invalid page token');
      const offset = token === null ? 0 : issued.get(token)!;
      const expand = q.get('expand_tasks') === 'true';
      const sorted = [...jobs].sort((a, b) => a.job_id - b.job_id);
      const page = sorted.slice(offset, offset + limit).map((j) => {
        const { tasks, job_clusters, ...rest } = j.settings as { tasks?: unknown[]; job_clusters?: unknown[] };
        if (!expand) return { job_id: j.job_id, settings: rest };
        const cut = (tasks?.length ?? 0) > 100 || (job_clusters?.length ?? 0) > 100;
        const settings = {
          ...rest,
          ...(tasks ? { tasks: tasks.slice(0, 100) } : {}),
          ...(job_clusters ? { job_clusters: job_clusters.slice(0, 100) } : {}),
        };
        return { job_id: j.job_id, settings, ...(cut ? { has_more: true } : {}) };
      });
      const more = offset + limit < sorted.length;
      const next = more ? `tok-${issued.size + 1}-${offset + limit}` : undefined;
      if (next) issued.set(next, offset + limit);
      return { body: { jobs: page, has_more: more, ...(next ? { next_page_token: next } : {}) } };
    });
  }

  /**
   * Job runs as jobs/runs/list answers them: started within [start_time_from, start_time_to], most
   * recently started first, `limit` (1 to 25, default 20) a page, `page_token` for the next; task
   * runs only with expand_tasks=true, each with its start_time and end_time (epoch ms, 0 until it
   * starts or ends) and its state as of `nowMs`. A run whose end is past `nowMs` is still running.
   */
  jobRuns(runs: readonly KeptRun[], nowMs: number): void {
    const state = (startMs: number, endMs: number, result: string) =>
      startMs === 0 || startMs > nowMs
        ? { life_cycle_state: 'PENDING' }
        : endMs === 0 || endMs > nowMs
          ? { life_cycle_state: 'RUNNING' }
          : { life_cycle_state: 'TERMINATED', result_state: result };
    const at = (ms: number) => (ms === 0 || ms > nowMs ? 0 : ms);
    this.on('GET /api/2.2/jobs/runs/list', (req) => {
      const q = req.query;
      const bad = (message: string) => ({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message } });
      const limit = Number(q.get('limit') ?? 20);
      if (!Number.isInteger(limit) || limit < 1 || limit > 25) return bad('limit must be between 1 and 25');
      for (const k of ['start_time_from', 'start_time_to'])
        if (q.has(k) && !/^\d+$/.test(q.get(k)!)) return bad(`${k} must be epoch milliseconds`);
      const from = Number(q.get('start_time_from') ?? 0);
      const to = Number(q.get('start_time_to') ?? Infinity);
      const expand = q.get('expand_tasks') === 'true';
      const offset = Number(q.get('page_token') ?? 0);
      const listed = runs
        .filter((r) => r.start_time >= from && r.start_time <= to && r.start_time <= nowMs)
        .sort((a, b) => b.start_time - a.start_time);
      const page = listed.slice(offset, offset + limit).map((r) => {
        const life = state(r.start_time, r.end_time, r.result_state);
        return {
          run_id: r.run_id,
          job_id: r.job_id,
          start_time: r.start_time,
          end_time: at(r.end_time),
          state: life,
          status:
            life.life_cycle_state === 'TERMINATED'
              ? { state: 'TERMINATED', termination_details: { code: r.termination_code ?? 'SUCCESS', type: 'SUCCESS' } }
              : { state: life.life_cycle_state },
          ...(expand
            ? {
                tasks: r.tasks.map((t) => ({
                  task_key: t.task_key,
                  run_id: t.run_id,
                  start_time: at(t.start_time),
                  end_time: at(t.start_time) === 0 ? 0 : at(t.end_time),
                  state: state(t.start_time, t.end_time, t.result_state),
                })),
              }
            : {}),
        };
      });
      const more = offset + limit < listed.length;
      return { body: { runs: page, has_more: more, ...(more ? { next_page_token: String(offset + limit) } : {}) } };
    });
  }

  calls(route: string): Recorded[] {
    return this.requests.filter((r) => `${r.method} ${r.path}` === route);
  }

  /** Listens on 127.0.0.1; with a key and certificate, over https as a workspace does. */
  async start(tls?: { readonly key: string; readonly cert: string }): Promise<this> {
    const handle: RequestListener = (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://localhost');
        const rec: Recorded = {
          method: req.method ?? 'GET',
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        this.requests.push(rec);
        const queue = this.#routes.get(`${rec.method} ${rec.path}`);
        const next =
          queue === undefined
            ? { status: 404, body: { error_code: 'ENDPOINT_NOT_FOUND', message: `no route ${rec.method} ${rec.path}` } }
            : queue.length > 1
              ? queue.shift()!
              : queue[0]!;
        const answer = typeof next === 'function' ? next(rec) : next;
        if (answer.hangUp) {
          req.socket.destroy();
          return;
        }
        const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? {});
        res.writeHead(answer.status ?? 200, { 'Content-Type': 'application/json', ...answer.headers });
        res.end(text);
      });
    };
    this.#server = tls ? createTlsServer(tls, handle) : createServer(handle);
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `${tls ? 'https' : 'http'}://127.0.0.1:${(this.#server!.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()) ?? resolve());
  }
}
