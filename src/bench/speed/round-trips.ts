// A Databricks workspace's latency, put in front of the embedded adapters: every warehouse
// statement and every REST call waits a round trip (half on the way out, half on the way back)
// besides its own work, and is logged with its depth: 1 + the deepest call that had come back
// before it was sent. Within a tick the deepest call is the longest chain of round trips that
// waited on each other, whatever overlapped around it. For the speed benchmark only: nothing in
// production is wired through these.

import { setTimeout as sleep } from 'node:timers/promises';
import type { HistoryEntry, Locations, Row, RowBatch, SqlParams, Warehouse } from '../../warehouse/port.js';
import type { JobInfo, PipelineInfo, RunsPage, RunsQuery, Workspace } from '../../workspace/port.js';

/** Round trips of a SQL warehouse statement and of a REST call, in ms. */
export interface Latency {
  readonly statementMs: number;
  readonly restMs: number;
}

export const WORKSPACE_LATENCY: Latency = { statementMs: 150, restMs: 100 };

interface Link {
  readonly name: string;
  readonly depth: number;
  readonly after: Link | null;
}

export interface RoundTripSummary {
  /** Round trips made (statements and REST calls). */
  readonly roundTrips: number;
  /** The longest chain of round trips each sent only after the one before it came back. */
  readonly criticalPath: number;
  /** That chain, first call first. */
  readonly chain: readonly string[];
  /** Rows the statements returned. */
  readonly rowsReturned: number;
}

export class RoundTripLog {
  #deepestBack: Link | null = null;
  #roundTrips = 0;
  #rows = 0;

  /** Starts a new tick: chains count only calls sent within it. */
  reset(): void {
    this.#deepestBack = null;
    this.#roundTrips = 0;
    this.#rows = 0;
  }

  async call<T>(name: string, latencyMs: number, send: () => Promise<T>): Promise<T> {
    const after = this.#deepestBack;
    const link: Link = { name, depth: (after?.depth ?? 0) + 1, after };
    this.#roundTrips++;
    await sleep(latencyMs / 2);
    try {
      const out = await send();
      if (Array.isArray(out)) this.#rows += out.length;
      return out;
    } finally {
      await sleep(latencyMs / 2);
      if (link.depth > (this.#deepestBack?.depth ?? 0)) this.#deepestBack = link;
    }
  }

  summary(): RoundTripSummary {
    const chain: string[] = [];
    for (let l = this.#deepestBack; l; l = l.after) chain.unshift(l.name);
    return { roundTrips: this.#roundTrips, criticalPath: chain.length, chain, rowsReturned: this.#rows };
  }
}

/** A warehouse whose every statement, DESCRIBE HISTORY included, costs a round trip. */
export class RoundTripWarehouse implements Warehouse {
  readonly #inner: Warehouse;
  readonly #log: RoundTripLog;
  readonly #ms: number;

  constructor(inner: Warehouse, log: RoundTripLog, latency: Latency) {
    this.#inner = inner;
    this.#log = log;
    this.#ms = latency.statementMs;
  }

  get dialect(): Warehouse['dialect'] {
    return this.#inner.dialect;
  }
  get locations(): Locations {
    return this.#inner.locations;
  }
  get stats(): Warehouse['stats'] {
    return this.#inner.stats;
  }

  query(name: string, params?: SqlParams, rows?: RowBatch): Promise<Row[]> {
    return this.#log.call(name, this.#ms, () => this.#inner.query(name, params, rows));
  }
  execute(name: string, params?: SqlParams, rows?: RowBatch): Promise<number | null> {
    return this.#log.call(name, this.#ms, () => this.#inner.execute(name, params, rows));
  }
  describeHistory(table: string, limit: number): Promise<HistoryEntry[]> {
    return this.#log.call('DESCRIBE HISTORY', this.#ms, () => this.#inner.describeHistory(table, limit));
  }
  restoreTable(table: string, version: number): Promise<void> {
    return this.#log.call('RESTORE TABLE', this.#ms, () => this.#inner.restoreTable(table, version));
  }
  applyDdl(name: string): Promise<void> {
    return this.#log.call(name, this.#ms, () => this.#inner.applyDdl(name));
  }
  close(): Promise<void> {
    return this.#inner.close();
  }
}

/** A control plane whose every REST call costs a round trip. */
export class RoundTripWorkspace implements Workspace {
  readonly #inner: Workspace;
  readonly #log: RoundTripLog;
  readonly #ms: number;

  constructor(inner: Workspace, log: RoundTripLog, latency: Latency) {
    this.#inner = inner;
    this.#log = log;
    this.#ms = latency.restMs;
  }

  get stats(): Workspace['stats'] {
    return this.#inner.stats;
  }

  listRuns(q: RunsQuery): Promise<RunsPage> {
    return this.#rest('jobs/runs/list', () => this.#inner.listRuns(q));
  }
  getJob(jobId: string): Promise<JobInfo | null> {
    return this.#rest('jobs/get', () => this.#inner.getJob(jobId));
  }
  resetJob(jobId: string, settings: Record<string, unknown>): Promise<void> {
    return this.#rest('jobs/reset', () => this.#inner.resetJob(jobId, settings));
  }
  getPipeline(pipelineId: string): Promise<PipelineInfo | null> {
    return this.#rest('pipelines/get', () => this.#inner.getPipeline(pipelineId));
  }
  editPipeline(pipelineId: string, spec: Record<string, unknown>): Promise<void> {
    return this.#rest('pipelines/edit', () => this.#inner.editPipeline(pipelineId, spec));
  }
  exportFile(path: string): Promise<string | null> {
    return this.#rest('workspace/export', () => this.#inner.exportFile(path));
  }

  #rest<T>(name: string, send: () => Promise<T>): Promise<T> {
    return this.#log.call(name, this.#ms, send);
  }
}
