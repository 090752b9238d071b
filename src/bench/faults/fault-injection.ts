// The two ports as a flaky workspace serves them: each statement or API call fails at random,
// at a given rate, in the ways a real one does. Below the port, as in the Databricks adapters,
// throttling, 5xx and dropped connections are retried (honouring Retry-After) and only what
// outlasts the retries reaches the tick; statement errors and timeouts reach it at once. Seeded:
// the same seed and rate give the same faults for the same sequence of requests.

import { type RetryLimits, type Transience, withTransientRetry } from '../../retry/transient-retry.js';
import { uniform } from '../../simulator/random.js';
import type { HistoryEntry, Row, RowBatch, SqlParams, Warehouse } from '../../warehouse/port.js';
import type { EditGuard, JobInfo, PipelineInfo, RunsPage, RunsQuery, Workspace } from '../../workspace/port.js';

export type FaultKind =
  | 'statement_error'
  | 'timeout'
  | 'http_429'
  | 'http_5xx'
  | 'slow'
  | 'dropped_before'
  | 'dropped_after';

/** A failure as the wire shows it: an HTTP status where there is one, a network code, a Retry-After. */
export class InjectedFault extends Error {
  constructor(
    readonly kind: FaultKind,
    what: string,
    readonly statusCode?: number,
    readonly retryAfterMs?: number,
    readonly code?: string,
  ) {
    super(`injected ${kind} at ${what}`);
    this.name = 'InjectedFault';
  }
}

export interface FaultCounts {
  requests: number;
  faults: Partial<Record<FaultKind, number>>;
}

const WAREHOUSE_KINDS: readonly FaultKind[] = [
  'statement_error',
  'timeout',
  'http_429',
  'http_5xx',
  'slow',
  'dropped_before',
  'dropped_after',
];
const WORKSPACE_KINDS: readonly FaultKind[] = [
  'timeout',
  'http_429',
  'http_5xx',
  'slow',
  'dropped_before',
  'dropped_after',
];

export interface FaultOptions {
  readonly seed: number;
  /** Share of requests (attempts, retries included) that fail, 0 to 1. */
  readonly rate: number;
  /** Real wait of a slow answer, a timeout or a Retry-After, in ms: scaled down so a replay of hours takes minutes. */
  readonly delayMs: number;
  /** The retries below the port, as the Databricks adapters make them (with waits scaled like delayMs). */
  readonly retry: RetryLimits;
}

/** Draws the fate of each request: none, or one fault of its port's kinds. */
export class FaultSchedule {
  readonly counts: FaultCounts = { requests: 0, faults: {} };
  #draws = 0;
  constructor(readonly opts: FaultOptions) {}

  draw(kinds: readonly FaultKind[]): FaultKind | null {
    const n = this.#draws++;
    this.counts.requests++;
    if (uniform(this.opts.seed, this.opts.rate, 'fault', n) >= this.opts.rate) return null;
    const kind = kinds[Math.floor(uniform(this.opts.seed, 'kind', n) * kinds.length)]!;
    this.counts.faults[kind] = (this.counts.faults[kind] ?? 0) + 1;
    return kind;
  }

  /** One request through the retries below the port, each attempt with its drawn fate. */
  async request<T>(kinds: readonly FaultKind[], what: string, run: () => Promise<T>): Promise<T> {
    return withTransientRetry(() => this.#attempt(kinds, what, run), {
      limits: this.opts.retry,
      classify,
      what,
    });
  }

  async #attempt<T>(kinds: readonly FaultKind[], what: string, run: () => Promise<T>): Promise<T> {
    const kind = this.draw(kinds);
    const wait = this.opts.delayMs;
    switch (kind) {
      case null:
        return run();
      case 'slow':
        await sleep(wait);
        return run();
      case 'timeout':
        await sleep(wait);
        throw new InjectedFault(kind, what, undefined, undefined, 'ETIMEDOUT_STATEMENT');
      case 'statement_error':
        throw new InjectedFault(kind, what, 400);
      case 'http_429':
        throw new InjectedFault(kind, what, 429, wait);
      case 'http_5xx':
        throw new InjectedFault(kind, what, 503, wait);
      case 'dropped_before':
        throw new InjectedFault(kind, what, undefined, undefined, 'ECONNRESET');
      case 'dropped_after':
        // The request took effect; its answer never came back.
        await run();
        throw new InjectedFault(kind, what, undefined, undefined, 'ECONNRESET');
    }
  }
}

/** What the Databricks adapters retry: 429, 5xx, a connection reset. A statement error or timeout is final. */
function classify(err: unknown): Transience {
  if (!(err instanceof InjectedFault)) return { transient: false };
  if (err.statusCode === 429 || err.statusCode === 503 || err.code === 'ECONNRESET')
    return { transient: true, retryAfterMs: err.retryAfterMs ?? null };
  return { transient: false };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class FaultInjectingWarehouse implements Warehouse {
  constructor(
    readonly inner: Warehouse,
    readonly faults: FaultSchedule,
  ) {}
  get dialect() {
    return this.inner.dialect;
  }
  get stats() {
    return this.inner.stats;
  }
  get locations() {
    return this.inner.locations;
  }
  query(name: string, params?: SqlParams, rows?: RowBatch): Promise<Row[]> {
    return this.faults.request(WAREHOUSE_KINDS, name, () => this.inner.query(name, params, rows));
  }
  execute(name: string, params?: SqlParams, rows?: RowBatch): Promise<number | null> {
    return this.faults.request(WAREHOUSE_KINDS, name, () => this.inner.execute(name, params, rows));
  }
  describeHistory(table: string, limit: number): Promise<HistoryEntry[]> {
    return this.faults.request(WAREHOUSE_KINDS, `DESCRIBE HISTORY ${table}`, () =>
      this.inner.describeHistory(table, limit),
    );
  }
  restoreTable(table: string, version: number): Promise<void> {
    return this.faults.request(WAREHOUSE_KINDS, `RESTORE TABLE ${table}`, () =>
      this.inner.restoreTable(table, version),
    );
  }
  applyDdl(name: string): Promise<void> {
    return this.faults.request(WAREHOUSE_KINDS, name, () => this.inner.applyDdl(name));
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

export class FaultInjectingWorkspace implements Workspace {
  constructor(
    readonly inner: Workspace,
    readonly faults: FaultSchedule,
  ) {}
  get stats() {
    return this.inner.stats;
  }
  listRuns(q: RunsQuery): Promise<RunsPage> {
    return this.faults.request(WORKSPACE_KINDS, 'jobs/runs/list', () => this.inner.listRuns(q));
  }
  getJob(id: string): Promise<JobInfo | null> {
    return this.faults.request(WORKSPACE_KINDS, 'jobs/get', () => this.inner.getJob(id));
  }
  resetJob(id: string, settings: Record<string, unknown>): Promise<void> {
    return this.faults.request(WORKSPACE_KINDS, 'jobs/reset', () => this.inner.resetJob(id, settings));
  }
  getPipeline(id: string): Promise<PipelineInfo | null> {
    return this.faults.request(WORKSPACE_KINDS, 'pipelines/get', () => this.inner.getPipeline(id));
  }
  editPipeline(id: string, spec: Record<string, unknown>, guard?: EditGuard): Promise<void> {
    return this.faults.request(WORKSPACE_KINDS, 'pipelines/edit', () => this.inner.editPipeline(id, spec, guard));
  }
  exportFile(path: string): Promise<string | null> {
    return this.faults.request(WORKSPACE_KINDS, 'workspace/export', () => this.inner.exportFile(path));
  }
}
