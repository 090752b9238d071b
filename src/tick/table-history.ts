// Table writes: the cached Delta commits, topped up with DESCRIBE HISTORY only for a table a run has
// written since it was last read (or never read), a few tables at a time.

import { type Horizon, withinHorizon } from '../checks/baseline-window.js';
import { nextDueMs } from '../checks/slots.js';
import { MalformedRowError } from '../evidence/malformed-error.js';
import { malformedHistory } from '../evidence/validate-history.js';
import { malformedRow } from '../evidence/validate-values.js';
import type { MeasurementError, TableWrite } from '../types.js';
import { indexedRows } from '../warehouse/id-rows.js';
import type { HistoryEntry, RowBatch, SqlValue, Warehouse } from '../warehouse/port.js';
import { type FlowCommit, flowMetricsOf } from './flow-metrics.js';

export interface HistoryOutcome {
  readonly writes: FlowCommit[];
  readonly errors: MeasurementError[];
  reads: number;
}

export interface HistoryReadOptions {
  /** Tables whose commits come from elsewhere (pipeline event log): never DESCRIBE'd. */
  readonly cachedOnly?: ReadonlySet<string>;
  /** Flow commits read this tick and not merged yet: merged with the new history, one statement. */
  readonly pending?: readonly FlowCommit[];
  /** Flow metrics (expectations, backlog) are read only from here on; by default not at all. */
  readonly metricsSinceMs?: number;
  /**
   * Tables with no run to go by (upstream tables written outside the workspace's jobs): read
   * again once their next commit is due by their own cadence, the newest held plus the median gap.
   */
  readonly dueByCadence?: ReadonlySet<string>;
  /**
   * Given, the writes of what was read to the commit cache are handed to it, in order, rather than
   * awaited: the writes read are returned as soon as they are read, and the caller sees the cache
   * written before anything reads it again.
   */
  readonly holdCacheWrites?: (write: () => Promise<unknown>) => void;
  /**
   * First pages of history (DESCRIBE HISTORY .. LIMIT PREFETCH_LIMIT) read before the cache said
   * which tables need one (see prefetchHistory): a table due a read starts from its page instead
   * of waiting for a read of its own; a page nobody needs is dropped.
   */
  readonly prefetched?: ReadonlyMap<string, Promise<HistoryEntry[] | null>>;
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
  opts: HistoryReadOptions = {},
): Promise<HistoryOutcome> {
  const { cachedOnly = new Set(), pending = [], metricsSinceMs = nowMs + 1, dueByCadence = new Set() } = opts;
  const { holdCacheWrites, prefetched } = opts;
  const out: HistoryOutcome = { writes: [], errors: [], reads: 0 };
  const writeCache = async (rows: RowBatch['rows']) => {
    const write = () => wh.execute('tick/merge_table_commits', {}, { columns: TABLE_COMMIT_COLUMNS, rows });
    if (holdCacheWrites) holdCacheWrites(write);
    else await write();
  };
  if (tables.size === 0) {
    if (pending.length) await writeCache(commitRows(pending, 'STREAMING UPDATE', nowMs).rows);
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
      let limit = known === undefined ? 1000 : PREFETCH_LIMIT;
      // A table read before starts from its prefetched page, when there is one.
      let entries = (known === undefined ? null : await prefetched?.get(table)) ?? null;
      if (entries === null) entries = await wh.describeHistory(table, limit);
      reads++;
      while (entries.length === limit && !reached(entries[entries.length - 1]!)) {
        limit *= 4;
        entries = await wh.describeHistory(table, limit);
        reads++;
      }
      // A malformed commit makes the table unmeasured, and nothing of this read is cached: the
      // next tick reads the same rows again and reports them again, rather than losing them.
      const malformed = malformedHistory(table, entries, known, since.sinceMs);
      if (malformed) return { commits: [], writes: [], reads, error: malformed };
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
      if (err instanceof MalformedRowError) {
        const error = malformedRow('writes', `table:${table}`, 'DESCRIBE HISTORY', table, err.message);
        return { commits: [], writes: [], reads, error };
      }
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
    if (fresh.length >= FLUSH_COMMITS) await writeCache(fresh.splice(0));
  }
  if (fresh.length) await writeCache(fresh.splice(0));
  return out;
}

/** The first page of history of a table read before: a steady tick's new commits fit in it. */
export const PREFETCH_LIMIT = 20;
/** Pages prefetched at most (see prefetchHistory); a tick with more tables to read reads them as usual. */
const PREFETCH_AT_MOST = 8;

/**
 * First pages of the history of tables that will probably be due a read (a run writing them ended
 * since the last tick), read before the cached commits say which are: on a workspace the read then
 * costs no round trip of its own. A page that fails is null: the table is read as usual.
 */
export function prefetchHistory(wh: Warehouse, tables: Iterable<string>): Map<string, Promise<HistoryEntry[] | null>> {
  const out = new Map<string, Promise<HistoryEntry[] | null>>();
  for (const t of tables) {
    if (out.size >= PREFETCH_AT_MOST) break;
    if (!out.has(t))
      out.set(
        t,
        wh.describeHistory(t, PREFETCH_LIMIT).catch(() => null),
      );
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
