// The Databricks SQL warehouse: the same sql/ files, compiled for Databricks, run through one
// session. Statements and history reads are counted exactly as the embedded warehouse counts them,
// so the cost figures of the two compare.

import { DEFAULT_RETRY_LIMITS, type RetryLimits, withTransientRetry } from '../../retry/transient-retry.js';
import { withLocationParams } from '../location-params.js';
import { mergeSource } from '../merge-source.js';
import type { HistoryEntry, Locations, Row, RowBatch, SqlParams, Warehouse, WarehouseStats } from '../port.js';
import { loadSql, splitStatements } from '../sql-files.js';
import { compileSql } from '../sql-template.js';
import { type BoundParam, bindStatement, DEFAULT_MAX_BATCH_BYTES } from './bind-statement.js';
import { databricksDialect } from './databricks-dialect.js';
import type { SqlSession } from './databricks-driver.js';
import { describeHistorySql, historyEntryFromRow, restoreTableSql } from './history.js';
import { plainRows } from './result-values.js';
import { SqlStatementError } from './statement-error.js';
import { classifySqlFailure } from './transient.js';

export const DATABRICKS_DEFAULT_LOCATIONS: Locations = {
  ops: 'ops.postflight',
  eventLog: 'ops.postflight.pipeline_event_log',
};

export interface DatabricksWarehouseOptions {
  readonly locations?: Locations;
  readonly retry?: Partial<RetryLimits>;
  readonly maxBatchBytes?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Values that must never appear in an error message (tokens, client secrets). */
  readonly secrets?: readonly string[];
}

// A view is replaced rather than kept: its definition is postflight's, and applying the file again
// must bring an older definition up to date.
const IDEMPOTENT_DDL =
  /^CREATE\s+(?:OR\s+REPLACE\s+VIEW|(?:SCHEMA|DATABASE|TABLE|VIEW)\s+IF\s+NOT\s+EXISTS)\s+([^\s(]+)/i;

/**
 * The statements applyDdl sends for a DDL file of `sql/`, compiled for Databricks: each must be
 * safe to apply twice; system tables are Databricks' own and read-only, so their DDL is skipped.
 */
export function databricksDdlStatements(name: string, loc: Locations): string[] {
  return splitStatements(compileSql(loadSql(name), databricksDialect, loc)).filter(
    (stmt) => !idempotentTarget(`sql/${name}.sql`, stmt).toLowerCase().startsWith('system.'),
  );
}

function idempotentTarget(what: string, stmt: string): string {
  const m = IDEMPOTENT_DDL.exec(stmt);
  if (!m)
    throw new Error(
      `ddl: ${what} holds a statement that is not CREATE ... IF NOT EXISTS or CREATE OR REPLACE VIEW: '${stmt.slice(0, 60)}'; DDL must be safe to apply twice`,
    );
  return m[1]!;
}

export class DatabricksWarehouse implements Warehouse {
  readonly dialect = 'databricks' as const;
  readonly stats: WarehouseStats = { statements: 0, historyReads: 0 };
  readonly #open: () => Promise<SqlSession>;
  readonly #loc: Locations;
  readonly #limits: RetryLimits;
  readonly #opts: DatabricksWarehouseOptions;
  readonly #compiled = new Map<string, string>();
  #session: Promise<SqlSession> | null = null;
  /** Statements running on each session: a session given up on is closed once its last one ends. */
  readonly #running = new Map<Promise<SqlSession>, number>();
  readonly #retired = new Set<Promise<SqlSession>>();

  /** `open` starts a session; it is called on first use and again after a broken connection. */
  constructor(open: () => Promise<SqlSession>, opts: DatabricksWarehouseOptions = {}) {
    this.#open = open;
    this.#opts = opts;
    this.#loc = opts.locations ?? DATABRICKS_DEFAULT_LOCATIONS;
    this.#limits = { ...DEFAULT_RETRY_LIMITS, ...opts.retry };
  }

  get locations(): Locations {
    return this.#loc;
  }

  compile(name: string): string {
    let sql = this.#compiled.get(name);
    if (sql === undefined) {
      sql = compileSql(loadSql(name), databricksDialect, this.#loc);
      this.#compiled.set(name, sql);
    }
    return sql;
  }

  async query(name: string, params: SqlParams = {}, rows?: RowBatch): Promise<Row[]> {
    const [stmt] = bindStatement(
      name,
      this.compile(name),
      withLocationParams(params, this.locations),
      rows,
      'query',
      this.#opts.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES,
    );
    this.stats.statements++;
    return this.#run(name, stmt!.sql, stmt!.params);
  }

  async execute(name: string, params: SqlParams = {}, rows?: RowBatch): Promise<number | null> {
    if (rows && rows.rows.length === 0) return 0;
    let affected: number | null = 0;
    for (const stmt of bindStatement(
      name,
      this.compile(name),
      withLocationParams(params, this.locations),
      rows && mergeSource(name, rows),
      'execute',
      this.#opts.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES,
    )) {
      this.stats.statements++;
      const n = affectedRows(await this.#run(name, stmt.sql, stmt.params));
      affected = affected === null || n === null ? null : affected + n;
    }
    return affected;
  }

  async describeHistory(table: string, limit: number): Promise<HistoryEntry[]> {
    const sql = describeHistorySql(table, limit);
    this.stats.historyReads++;
    this.stats.statements++;
    const rows = await this.#run(`DESCRIBE HISTORY ${table}`, sql, []);
    return rows.map((r) => historyEntryFromRow(r, table));
  }

  async restoreTable(table: string, version: number): Promise<void> {
    const sql = restoreTableSql(table, version);
    this.stats.statements++;
    await this.#run(`RESTORE TABLE ${table}`, sql, []);
  }

  /** Runs each `CREATE ... IF NOT EXISTS` (or `CREATE OR REPLACE VIEW`) of the file. */
  async applyDdl(name: string): Promise<void> {
    for (const stmt of databricksDdlStatements(name, this.#loc)) await this.#run(name, stmt, []);
  }

  /** Runs one compiled DDL statement built from `sql/` files (setup's event-log view), as safe to repeat. */
  async applyStatement(what: string, sql: string): Promise<void> {
    idempotentTarget(what, sql);
    await this.#run(what, sql, []);
  }

  async close(): Promise<void> {
    const s = this.#session;
    this.#session = null;
    if (s) await (await s.catch(() => null))?.close();
  }

  async #run(what: string, sql: string, params: readonly BoundParam[]): Promise<Row[]> {
    let used: Promise<SqlSession> | null = null;
    try {
      const result = await withTransientRetry(
        async () => {
          const session = this.#sessionNow();
          used = session;
          this.#running.set(session, (this.#running.get(session) ?? 0) + 1);
          try {
            return await (await session).run(sql, params);
          } finally {
            await this.#ended(session);
          }
        },
        {
          limits: this.#limits,
          classify: classifySqlFailure,
          what: `sql ${what}`,
          ...(this.#opts.sleep ? { sleep: this.#opts.sleep } : {}),
          // A dropped connection may leave the session unusable: the retry, and every statement
          // after it, start a fresh one. Statements still running on the old session (the tick
          // sends several at once) finish there: closing it under them would fail them too.
          onRetry: async () => {
            if (used) await this.#retire(used);
          },
        },
      );
      return plainRows(result.columns, result.rows);
    } catch (err) {
      throw scrubbed(err, what, this.#opts.secrets ?? []);
    }
  }

  async #retire(session: Promise<SqlSession>): Promise<void> {
    if (this.#session === session) this.#session = null;
    this.#retired.add(session);
    if (!this.#running.get(session)) await this.#closeRetired(session);
  }

  async #ended(session: Promise<SqlSession>): Promise<void> {
    const n = (this.#running.get(session) ?? 1) - 1;
    if (n > 0) this.#running.set(session, n);
    else {
      this.#running.delete(session);
      if (this.#retired.has(session)) await this.#closeRetired(session);
    }
  }

  async #closeRetired(session: Promise<SqlSession>): Promise<void> {
    this.#retired.delete(session);
    await (await session.catch(() => null))?.close();
  }

  #sessionNow(): Promise<SqlSession> {
    if (!this.#session) {
      const opening = this.#open();
      // A failed open is not cached: the next attempt opens again.
      opening.catch(() => {
        if (this.#session === opening) this.#session = null;
      });
      this.#session = opening;
    }
    return this.#session;
  }
}

/** Names the statement in the message and strips credentials from it. */
function scrubbed(err: unknown, what: string, secrets: readonly string[]): SqlStatementError {
  const e = err instanceof Error ? err : new Error(String(err));
  const message = e.message.startsWith('sql ') ? e.message : `sql ${what}: ${e.message}`;
  const hide = (t: string) => secrets.reduce((acc, s) => (s.length >= 4 ? acc.split(s).join('[redacted]') : acc), t);
  e.message = hide(e.message);
  if (e.cause instanceof Error) e.cause.message = hide(e.cause.message);
  return new SqlStatementError(what, hide(message), e);
}

/** DML on Databricks answers with one row of counts (num_affected_rows, num_inserted_rows, ...). */
function affectedRows(rows: readonly Row[]): number | null {
  const n = rows[0]?.num_affected_rows;
  return n === undefined || n === null ? null : Number(n);
}
