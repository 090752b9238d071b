// Gathers evidence for every deployment under verification at once: one statement per evidence
// kind, never one per deployment. The two per-object sources are driven by new evidence only:
// one paged runs/list from the last watermark, and DESCRIBE HISTORY of a table only when a run
// that writes it has finished since the last tick (or when the table was never read).

import { type Horizon, withinHorizon } from '../checks/baseline-window.js';
import { nextDueMs } from '../checks/slots.js';
import { failureCause, normalizeResult, runFromApi } from '../evidence/normalize.js';
import type { MeasurementError, RunRecord, Subject, TableWrite } from '../types.js';
import type { HistoryEntry, Row, RowBatch, SqlValue, Warehouse } from '../warehouse/port.js';
import type { Workspace } from '../workspace/port.js';
import { type FlowCommit, flowMetricsOf } from './flow-metrics.js';

export interface LineageIndex {
  readonly sources: Map<string, Set<string>>;
  readonly targets: Map<string, Set<string>>;
  readonly types: Map<string, 'job' | 'pipeline'>;
}

/** Names with their position: statements over many rows return the position, which costs less to read. */
export function indexedRows(names: readonly string[], column: 'id' | 'name'): RowBatch {
  return {
    columns: [
      { name: 'idx', type: 'BIGINT' },
      { name: column, type: 'STRING' },
    ],
    rows: names.map((n, i) => [i, n]),
  };
}

export function idRows(ids: Iterable<string>): RowBatch {
  return { columns: [{ name: 'id', type: 'STRING' }], rows: [...new Set(ids)].map((id) => [id]) };
}

export async function readLineage(wh: Warehouse, ids: readonly string[], sinceMs: number): Promise<LineageIndex> {
  const idx: LineageIndex = { sources: new Map(), targets: new Map(), types: new Map() };
  if (ids.length === 0) return idx;
  const rows = await wh.query('tick/lineage', { since_ms: sinceMs }, idRows(ids));
  for (const r of rows) {
    const id = String(r.entity_id);
    idx.types.set(id, r.entity_type === 'PIPELINE' ? 'pipeline' : 'job');
    if (r.source) (idx.sources.get(id) ?? idx.sources.set(id, new Set()).get(id)!).add(String(r.source));
    if (r.target) (idx.targets.get(id) ?? idx.targets.set(id, new Set()).get(id)!).add(String(r.target));
  }
  return idx;
}

/** Lists runs started since the watermark (all pages) and returns them with the next watermark. */
export async function listNewRuns(
  ws: Workspace,
  fromMs: number,
  nowMs: number,
): Promise<{ runs: RunRecord[]; nextWatermarkMs: number }> {
  const runs: RunRecord[] = [];
  let token: string | undefined;
  do {
    const page = await ws.listRuns(
      token === undefined ? { startTimeFrom: fromMs } : { startTimeFrom: fromMs, pageToken: token },
    );
    for (const r of page.runs) runs.push(runFromApi(r));
    token = page.has_more ? page.next_page_token : undefined;
  } while (token !== undefined);
  // Keep still-running runs in the next listing so their outcome is seen; otherwise a small
  // overlap guards against runs registered a moment late.
  const oldestRunning = runs.filter((r) => r.result === 'RUNNING').reduce((m, r) => Math.min(m, r.startMs), Infinity);
  return { runs, nextWatermarkMs: Math.min(oldestRunning, nowMs - 2 * 60_000) };
}

export function observedRunRows(runs: readonly RunRecord[], nowMs: number): RowBatch {
  return {
    columns: [
      { name: 'run_id', type: 'STRING' },
      { name: 'subject_id', type: 'STRING' },
      { name: 'start_time', type: 'TIMESTAMP' },
      { name: 'end_time', type: 'TIMESTAMP' },
      { name: 'result', type: 'STRING' },
      { name: 'raw_result', type: 'STRING' },
      { name: 'cause', type: 'STRING' },
      { name: 'failed_tasks', type: 'STRING' },
      { name: 'plane', type: 'STRING' },
      { name: 'observed_at', type: 'TIMESTAMP' },
    ],
    rows: runs.map((r) => [
      r.runId,
      r.subjectId,
      r.startMs,
      r.endMs,
      r.result,
      r.rawResult,
      r.cause,
      JSON.stringify(r.failedTasks),
      r.plane,
      nowMs,
    ]),
  };
}

type Deployed = { readonly finishedMs: number; readonly resources: ReadonlyArray<{ readonly id: string }> };

/** One row per deployed job or pipeline: the deployment's position, the id, its deploy time. */
export function slowPendingRows(deployments: readonly Deployed[]): RowBatch {
  const rows: Array<[number, string, number]> = [];
  deployments.forEach((d, i) => {
    for (const id of new Set(d.resources.map((r) => r.id))) rows.push([i, id, d.finishedMs]);
  });
  return {
    columns: [
      { name: 'idx', type: 'BIGINT' },
      { name: 'id', type: 'STRING' },
      { name: 'since_ms', type: 'BIGINT' },
    ],
    rows,
  };
}

/**
 * Positions (in `deployments`) of the deployments whose jobs or pipelines have a finished
 * post-deploy run in the system tables that the fast plane never recorded as finished.
 */
export async function readSlowPending(wh: Warehouse, deployments: readonly Deployed[]): Promise<Set<number>> {
  const batch = slowPendingRows(deployments);
  if (batch.rows.length === 0) return new Set();
  const found = await wh.query('tick/slow_pending', {}, batch);
  return new Set(found.map((r) => Number(r.idx)));
}

/** Runs of the given subjects from the system tables and the run cache; a cached or fast record wins. */
export async function readRuns(wh: Warehouse, ids: readonly string[], since: Horizon): Promise<RunRecord[]> {
  if (ids.length === 0) return [];
  const subjects = [...new Set(ids)];
  const rows = await wh.query(
    'tick/runs',
    { since_ms: since.sinceMs, weekday_since_ms: since.weekdaySinceMs },
    indexedRows(subjects, 'id'),
  );
  const byId = new Map<string, RunRecord>();
  for (const r of rows) {
    const endMs = r.end_ms === null || r.end_ms === undefined ? null : Number(r.end_ms);
    const subjectId = subjects[Number(r.idx)]!;
    const runId = String(r.run_id);
    const startMs = Number(r.start_ms);
    // Records are built field by field: an object spread with fields after it took a slow path
    // that cost more than the statement on baselines of thousands of runs.
    let rec: RunRecord;
    if (r.cached === true) {
      rec = {
        subjectId,
        runId,
        startMs,
        endMs,
        result: (r.result as RunRecord['result'] | null) ?? (endMs === null ? 'RUNNING' : 'UNKNOWN'),
        rawResult: (r.raw_result as string | null) ?? null,
        cause: (r.cause as RunRecord['cause'] | null) ?? 'unknown',
        failedTasks: r.failed_tasks ? (JSON.parse(String(r.failed_tasks)) as string[]) : [],
        plane: r.plane === 'slow' ? 'slow' : 'fast',
      };
    } else {
      // The slow plane always has a result state; NULL means the run simply succeeded.
      const raw = (r.raw_result as string | null) ?? 'SUCCEEDED';
      const code = (r.termination_code as string | null) ?? null;
      const result = normalizeResult(raw);
      rec = {
        subjectId,
        runId,
        startMs,
        endMs,
        result,
        rawResult: code && code !== 'SUCCESS' ? code : raw,
        cause: failureCause(result, r.termination_type as string | null, code),
        failedTasks: [],
        plane: 'slow',
      };
    }
    const prev = byId.get(runId);
    if (!prev || (prev.plane === 'slow' && r.cached === true)) byId.set(runId, rec);
  }
  return [...byId.values()];
}

export interface PipelineEvidence {
  readonly runs: RunRecord[];
  readonly writes: FlowCommit[];
}

/** Rows for merge_pipeline_targets: each flow of a pipeline is named after the table it writes. */
export function pipelineTargetRows(targets: ReadonlyMap<string, readonly string[]>, nowMs: number): RowBatch {
  return {
    columns: [
      { name: 'pipeline_id', type: 'STRING' },
      { name: 'flow_name', type: 'STRING' },
      { name: 'table_name', type: 'STRING' },
      { name: 'updated_at', type: 'TIMESTAMP' },
    ],
    rows: [...targets].flatMap(([id, tables]) => tables.map((t) => [id, t.split('.').pop()!, t, nowMs])),
  };
}

/**
 * Pipeline updates and rows per flow from the event log (fast plane). Flow rows resolve to their
 * table through pipeline_targets, so a pipeline must be followed (its targets merged) first.
 */
export async function readPipelineEvents(
  wh: Warehouse,
  ids: Iterable<string>,
  since: Horizon,
): Promise<PipelineEvidence & { latestMs: number }> {
  const idList = [...ids];
  if (idList.length === 0) return pipelineEvidence([]);
  return pipelineEvidence(
    await wh.query(
      'tick/pipeline_events',
      { since_ms: since.sinceMs, weekday_since_ms: since.weekdaySinceMs, followed: false },
      idRows(idList),
    ),
  );
}

/** The event-log rows of every followed pipeline from a time on (assemble them with pipelineEvidence). */
export async function readFollowedEvents(wh: Warehouse, sinceMs: number): Promise<Row[]> {
  return wh.query('tick/pipeline_events', { since_ms: sinceMs, weekday_since_ms: sinceMs, followed: true }, idRows([]));
}

/** Updates and flow writes from event-log rows, counting only the rows from `fromMs` on. */
export function pipelineEvidence(all: readonly Row[], fromMs = -Infinity): PipelineEvidence & { latestMs: number } {
  const out = { runs: [] as RunRecord[], writes: [] as FlowCommit[], latestMs: -Infinity };
  const rows = all.filter((r) => Number(r.ts_ms) >= fromMs);
  const updates = new Map<
    string,
    { pipelineId: string; start: number | null; end: number | null; state: string | null; error: string | null }
  >();
  for (const r of rows) {
    const pid = String(r.pipeline_id);
    const uid = String(r.update_id);
    const u = updates.get(uid) ?? { pipelineId: pid, start: null, end: null, state: null, error: null };
    const ts = Number(r.ts_ms);
    out.latestMs = Math.max(out.latestMs, ts);
    if (r.event_type === 'create_update') u.start = ts;
    else if (r.event_type === 'update_progress' && r.update_state) {
      const state = String(r.update_state);
      if (['COMPLETED', 'FAILED', 'CANCELED'].includes(state) && (u.end === null || ts >= u.end)) {
        u.end = ts;
        u.state = state;
        u.error = (r.error_class as string | null) ?? null;
      }
    } else if (r.event_type === 'flow_progress' && r.flow_status === 'COMPLETED') {
      const table = (r.table_name as string | null) ?? null;
      if (table) {
        const n = r.num_output_rows === null || r.num_output_rows === undefined ? null : Number(r.num_output_rows);
        out.writes.push({
          table,
          subjectId: pid,
          runId: uid,
          timestampMs: ts,
          rows: n !== null && Number.isFinite(n) ? n : null,
          plane: 'fast',
          metrics: flowMetricsOf(r.expectations, r.backlog_records, r.backlog_seconds),
        });
      }
    }
    updates.set(uid, u);
  }
  for (const [uid, u] of updates) {
    if (u.start === null && u.end === null) continue;
    const result = u.state === null ? 'RUNNING' : normalizeResult(u.state);
    const infra = u.error !== null && /Cloud|Internal|Cluster/i.test(u.error);
    out.runs.push({
      subjectId: u.pipelineId,
      runId: uid,
      startMs: u.start ?? u.end!,
      endMs: u.end,
      result,
      rawResult: u.state === 'FAILED' && u.error ? `FAILED (${u.error})` : u.state,
      cause: result === 'SUCCESS' || result === 'RUNNING' ? 'user' : infra ? 'infrastructure' : 'user',
      failedTasks: [],
      plane: 'fast',
    });
  }
  return out;
}

export interface HistoryOutcome {
  readonly writes: FlowCommit[];
  readonly errors: MeasurementError[];
  reads: number;
}

/**
 * Cached commits of job-written tables, topped up with DESCRIBE HISTORY for tables never read
 * before and for tables a run has written since they were last read (`runEndMs`: per table, when
 * the newest run that writes it ended). A table is read again only because a run finished, and a
 * deployment never judges a table on commits older than its last run.
 */
export async function readTableWrites(
  wh: Warehouse,
  tables: ReadonlyMap<string, string>,
  /** When a run writing each table last ended; awaited only after the cached commits are read. */
  runEndMs: ReadonlyMap<string, number> | Promise<ReadonlyMap<string, number>>,
  since: Horizon,
  nowMs: number,
  /** Tables whose commits come from elsewhere (pipeline event log): never DESCRIBE'd. */
  cachedOnly: ReadonlySet<string> = new Set(),
  /** Flow commits read this tick and not merged yet: merged with the new history, one statement. */
  pending: readonly FlowCommit[] = [],
  /** Flow metrics (expectations, backlog) are read only from here on; by default not at all. */
  metricsSinceMs: number = nowMs + 1,
  /**
   * Tables with no run to go by (upstream tables written outside the workspace's jobs): read
   * again once their next commit is due by their own cadence, the newest held plus the median gap.
   */
  dueByCadence: ReadonlySet<string> = new Set(),
): Promise<HistoryOutcome> {
  const out: HistoryOutcome = { writes: [], errors: [], reads: 0 };
  if (tables.size === 0) {
    if (pending.length)
      await wh.execute('tick/merge_table_commits', {}, commitRows(pending, 'STREAMING UPDATE', nowMs));
    return out;
  }
  const names = [...tables.keys()];
  const rows = await wh.query(
    'tick/table_writes',
    { since_ms: since.sinceMs, weekday_since_ms: since.weekdaySinceMs, metrics_since_ms: metricsSinceMs },
    indexedRows(names, 'name'),
  );
  const held = new Map<string, number>();
  const readAt = new Map<string, number>();
  for (const r of rows) {
    const t = names[Number(r.idx)]!;
    held.set(t, Number(r.max_version));
    readAt.set(t, Number(r.read_ms ?? -Infinity));
    if (r.version !== null && r.version !== undefined) {
      const metrics =
        r.expectations !== null || r.backlog_records !== null || r.backlog_seconds !== null
          ? flowMetricsOf(r.expectations, r.backlog_records, r.backlog_seconds)
          : null;
      out.writes.push({
        table: t,
        subjectId: tables.get(t)!,
        runId: (r.run_id as string | null) ?? null,
        timestampMs: Number(r.ts_ms),
        rows: r.rows_written as number | null,
        plane: 'fast',
        metrics,
      });
    }
  }
  const fresh: Array<readonly SqlValue[]> = [...commitRows(pending, 'STREAMING UPDATE', nowMs).rows];
  const seen = pending.length ? new Set(out.writes.map((w) => `${w.table}|${w.timestampMs}`)) : new Set<string>();
  for (const c of pending) {
    if (tables.has(c.table) && withinHorizon(c.timestampMs, since) && !seen.has(`${c.table}|${c.timestampMs}`))
      out.writes.push(c);
  }
  const ends = await runEndMs;
  const heldTimes = new Map<string, number[]>();
  for (const w of out.writes)
    if (dueByCadence.has(w.table))
      (heldTimes.get(w.table) ?? heldTimes.set(w.table, []).get(w.table)!).push(w.timestampMs);
  const due = (table: string): boolean => {
    if (!dueByCadence.has(table)) return (ends.get(table) ?? -Infinity) >= readAt.get(table)!;
    const next = nextDueMs((heldTimes.get(table) ?? []).sort((a, b) => a - b));
    return next === null || next <= nowMs;
  };
  const toRead = [...tables].filter(([table]) => !cachedOnly.has(table) && (!held.has(table) || due(table)));
  const readOne = async ([table, subjectId]: [string, string]) => {
    const known = held.get(table);
    const commits: Array<readonly SqlValue[]> = [];
    const writes: FlowCommit[] = [];
    let reads = 0;
    try {
      // History comes newest first: read more until it reaches the newest version already held,
      // or, for a table never read, the start of the baseline (a busy table has thousands of
      // commits in it; stopping short would judge it against a shorter baseline than the cache).
      const reached = (oldest: HistoryEntry) =>
        known !== undefined ? oldest.version <= known : oldest.timestampMs < since.sinceMs;
      let limit = known === undefined ? 1000 : 20;
      let entries = await wh.describeHistory(table, limit);
      reads++;
      while (entries.length === limit && !reached(entries[entries.length - 1]!)) {
        limit *= 4;
        entries = await wh.describeHistory(table, limit);
        reads++;
      }
      for (const e of entries) {
        if (known !== undefined && e.version <= known) continue;
        const n = rowsWritten(e.operation, e.operationMetrics);
        commits.push([table, e.version, e.timestampMs, e.operation, n, e.jobId, e.runId, nowMs, null, null, null]);
        // As from the cache: run ids only where flow metrics are read (see table_writes.sql).
        if (withinHorizon(e.timestampMs, since))
          writes.push({
            ...commitWrite(table, subjectId, e.timestampMs, n, e.timestampMs >= metricsSinceMs ? e.runId : null),
            metrics: null,
          });
      }
      return { commits, writes, reads, error: null };
    } catch (err) {
      return {
        commits: [],
        writes: [],
        reads,
        error: {
          kind: 'writes',
          subject: `table:${table}`,
          message: `DESCRIBE HISTORY ${table} failed: ${(err as Error).message}`,
        } satisfies MeasurementError,
      };
    }
  };
  // A few tables at a time: each DESCRIBE HISTORY is a round trip of its own on a workspace.
  for (let i = 0; i < toRead.length; i += HISTORY_READS_AT_ONCE) {
    for (const r of await Promise.all(toRead.slice(i, i + HISTORY_READS_AT_ONCE).map(readOne))) {
      fresh.push(...r.commits);
      out.writes.push(...r.writes);
      out.reads += r.reads;
      if (r.error) out.errors.push(r.error);
    }
    // A first tick reads the whole baseline of every table: what it has read is kept as it goes,
    // so a tick stopped by the job's timeout leaves the next one less to read, not the same.
    if (fresh.length >= FLUSH_COMMITS) {
      await wh.execute('tick/merge_table_commits', {}, { columns: TABLE_COMMIT_COLUMNS, rows: fresh });
      fresh.length = 0;
    }
  }
  if (fresh.length) {
    await wh.execute('tick/merge_table_commits', {}, { columns: TABLE_COMMIT_COLUMNS, rows: fresh });
  }
  return out;
}

/** History rows held before they are written to the cache; a steady tick reads far fewer. */
export const FLUSH_COMMITS = 20_000;
/** DESCRIBE HISTORY statements in flight at once. */
const HISTORY_READS_AT_ONCE = 4;

const TABLE_COMMIT_COLUMNS: RowBatch['columns'] = [
  { name: 'table_name', type: 'STRING' },
  { name: 'version', type: 'BIGINT' },
  { name: 'commit_time', type: 'TIMESTAMP' },
  { name: 'operation', type: 'STRING' },
  { name: 'rows_written', type: 'BIGINT' },
  { name: 'job_id', type: 'STRING' },
  { name: 'run_id', type: 'STRING' },
  { name: 'read_at', type: 'TIMESTAMP' },
  { name: 'expectations', type: 'STRING' },
  { name: 'backlog_records', type: 'BIGINT' },
  { name: 'backlog_seconds', type: 'DOUBLE' },
];

export function commitRows(writes: readonly FlowCommit[], operation: string, nowMs: number): RowBatch {
  return {
    columns: TABLE_COMMIT_COLUMNS,
    // The event log carries no Delta version; the event time orders a flow's writes just as well.
    rows: writes.map((w) => [
      w.table,
      w.timestampMs,
      w.timestampMs,
      operation,
      w.rows,
      w.subjectId,
      w.runId,
      nowMs,
      w.metrics?.expectationsJson ?? null,
      w.metrics?.backlogRecords ?? null,
      w.metrics?.backlogSeconds ?? null,
    ]),
  };
}

/** Rows a commit wrote; maintenance operations (OPTIMIZE, VACUUM) write none and are not writes. */
export function rowsWritten(operation: string, metrics: Readonly<Record<string, string>>): number | null {
  if (/^(OPTIMIZE|VACUUM|RESTORE|FSCK|SET TBLPROPERTIES|CHANGE COLUMN|ADD COLUMNS)/i.test(operation)) return null;
  const pick = metrics.numOutputRows ?? metrics.numTargetRowsInserted;
  if (pick === undefined) return null;
  const n = Number(pick);
  return Number.isFinite(n) ? n : null;
}

/** rows is null for maintenance commits (rowsWritten decided that when the commit was read). */
function commitWrite(
  table: string,
  subjectId: string,
  ts: number,
  rows: number | null,
  runId: string | null,
): TableWrite {
  return { table, subjectId, runId, timestampMs: ts, rows, plane: 'fast' };
}

export function subjectOf(ref: { type: 'job' | 'pipeline'; id: string; key: string }, lineage: LineageIndex): Subject {
  return {
    type: ref.type,
    id: ref.id,
    name: ref.key,
    targetTables: [...(lineage.targets.get(ref.id) ?? [])].sort(),
    sourceTables: [...(lineage.sources.get(ref.id) ?? [])].sort(),
  };
}
