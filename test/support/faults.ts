// Fault injection at the two ports: the process "dies" at the k-th statement or API call (after
// it took effect, or just before), and everything after that fails too, as in a killed tick.

import type { HistoryEntry, Row, RowBatch, SqlParams, Warehouse } from '../../src/warehouse/port.js';
import type { EditGuard, JobInfo, PipelineInfo, RunsPage, RunsQuery, Workspace } from '../../src/workspace/port.js';

export class Killed extends Error {
  constructor(where: string) {
    super(`killed at ${where}`);
  }
}

export class KillSwitch {
  statements = 0;
  calls = 0;
  dead = false;
  constructor(
    readonly killAtStatement: number | null = null,
    readonly killAtCall: number | null = null,
    /** 'after': the statement or call takes effect, then the process dies; 'before': it never runs. */
    readonly when: 'after' | 'before' = 'after',
  ) {}

  async guard<T>(kind: 'statement' | 'call', what: string, run: () => Promise<T>): Promise<T> {
    if (this.dead) throw new Killed(`${what} (already dead)`);
    const n = kind === 'statement' ? ++this.statements : ++this.calls;
    const target = kind === 'statement' ? this.killAtStatement : this.killAtCall;
    if (target !== n) return run();
    this.dead = true;
    if (this.when === 'after') await run();
    throw new Killed(`${kind} ${n} (${what}, ${this.when})`);
  }
}

export class FaultyWarehouse implements Warehouse {
  constructor(
    readonly inner: Warehouse,
    readonly sw: KillSwitch,
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
    return this.sw.guard('statement', name, () => this.inner.query(name, params, rows));
  }
  execute(name: string, params?: SqlParams, rows?: RowBatch): Promise<number | null> {
    return this.sw.guard('statement', name, () => this.inner.execute(name, params, rows));
  }
  describeHistory(table: string, limit: number): Promise<HistoryEntry[]> {
    return this.sw.guard('statement', `DESCRIBE HISTORY ${table}`, () => this.inner.describeHistory(table, limit));
  }
  restoreTable(table: string, version: number): Promise<void> {
    return this.sw.guard('statement', `RESTORE TABLE ${table}`, () => this.inner.restoreTable(table, version));
  }
  applyDdl(name: string): Promise<void> {
    return this.sw.guard('statement', name, () => this.inner.applyDdl(name));
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

export class FaultyWorkspace implements Workspace {
  constructor(
    readonly inner: Workspace,
    readonly sw: KillSwitch,
  ) {}
  get stats() {
    return this.inner.stats;
  }
  listRuns(q: RunsQuery): Promise<RunsPage> {
    return this.sw.guard('call', 'runs/list', () => this.inner.listRuns(q));
  }
  getJob(id: string): Promise<JobInfo | null> {
    return this.sw.guard('call', `jobs/get ${id}`, () => this.inner.getJob(id));
  }
  resetJob(id: string, settings: Record<string, unknown>): Promise<void> {
    return this.sw.guard('call', `jobs/reset ${id}`, () => this.inner.resetJob(id, settings));
  }
  getPipeline(id: string): Promise<PipelineInfo | null> {
    return this.sw.guard('call', `pipelines/get ${id}`, () => this.inner.getPipeline(id));
  }
  exportFile(path: string): Promise<string | null> {
    return this.sw.guard('call', `workspace/export ${path}`, () => this.inner.exportFile(path));
  }
  editPipeline(id: string, spec: Record<string, unknown>, guard?: EditGuard): Promise<void> {
    return this.sw.guard('call', `pipelines/edit ${id}`, () => this.inner.editPipeline(id, spec, guard));
  }
}

/** Counts resets and edits that changed what the control plane holds: the effects that matter. */
export class EffectCounter implements Workspace {
  /** Resets and edits that changed the control plane's state. */
  effects: string[] = [];
  /** Every reset and edit that reached the control plane, changing anything or not. */
  writes: string[] = [];
  constructor(readonly inner: Workspace) {}
  get stats() {
    return this.inner.stats;
  }
  listRuns(q: RunsQuery): Promise<RunsPage> {
    return this.inner.listRuns(q);
  }
  getJob(id: string): Promise<JobInfo | null> {
    return this.inner.getJob(id);
  }
  async resetJob(id: string, settings: Record<string, unknown>): Promise<void> {
    const before = JSON.stringify((await this.inner.getJob(id))?.settings ?? null);
    await this.inner.resetJob(id, settings);
    this.writes.push(`job:${id}`);
    if (JSON.stringify((await this.inner.getJob(id))?.settings ?? null) !== before) this.effects.push(`job:${id}`);
  }
  getPipeline(id: string): Promise<PipelineInfo | null> {
    return this.inner.getPipeline(id);
  }
  exportFile(path: string): Promise<string | null> {
    return this.inner.exportFile(path);
  }
  async editPipeline(id: string, spec: Record<string, unknown>, guard?: EditGuard): Promise<void> {
    const before = JSON.stringify((await this.inner.getPipeline(id))?.spec ?? null);
    await this.inner.editPipeline(id, spec, guard);
    this.writes.push(`pipeline:${id}`);
    if (JSON.stringify((await this.inner.getPipeline(id))?.spec ?? null) !== before)
      this.effects.push(`pipeline:${id}`);
  }
}
