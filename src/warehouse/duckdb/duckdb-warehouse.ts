// The embedded warehouse: the same sql/ files, compiled for DuckDB, against a local file.

import { mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseCreateTable } from '../ddl-parse.js';
import { withLocationParams } from '../location-params.js';
import { mergeSource } from '../merge-source.js';
import type {
  HistoryEntry,
  Locations,
  Row,
  RowBatch,
  SqlParams,
  SqlValue,
  Warehouse,
  WarehouseStats,
} from '../port.js';
import { loadSql, splitStatements } from '../sql-files.js';
import { compileSql } from '../sql-template.js';
import { checkDatabaseFile } from './database-file.js';
import { duckdbDialect } from './duckdb-dialect.js';
import { type DuckDbSession, type OpenDuckDbOptions, openDuckDb } from './duckdb-driver.js';
import { toDuckDbType } from './duckdb-types.js';
import { DATABRICKS_FUNCTIONS, STALE_MACROS_SQL } from './functions.js';
import { inlineRowsJson, inlineRowsSelect, ROWS_PARAM } from './inline-rows.js';

export const DUCKDB_DEFAULT_LOCATIONS: Locations = {
  ops: 'postflight',
  eventLog: 'pipelines.event_log',
  dbtArtifacts: 'elementary',
  // The simulated platform's workspace (sql/embedded/sim_flush_runs.sql writes its rows as 4242).
  workspaceId: '4242',
};

export class DuckDbWarehouse implements Warehouse {
  readonly dialect = 'duckdb' as const;
  readonly stats: WarehouseStats = { statements: 0, historyReads: 0 };
  readonly #session: DuckDbSession;
  readonly #loc: Locations;
  readonly #compiled = new Map<string, string>();
  /** Statements in flight on the main connection. */
  #busy = 0;
  /** Idle extra connections for statements issued while the main one is busy. */
  readonly #spares: DuckDbSession[] = [];
  readonly #opened: DuckDbSession[] = [];

  private constructor(session: DuckDbSession, loc: Locations) {
    this.#session = counted(session, (d) => (this.#busy += d));
    this.#loc = loc;
  }

  static async open(
    path: string,
    loc: Locations = DUCKDB_DEFAULT_LOCATIONS,
    o: OpenDuckDbOptions = {},
  ): Promise<DuckDbWarehouse> {
    if (path !== ':memory:') {
      checkDatabaseFile(path);
      mkdirSync(dirname(path), { recursive: true });
    }
    return DuckDbWarehouse.#ready(await openDuckDb(path, o), loc);
  }

  static async #ready(session: DuckDbSession, loc: Locations, temp = false): Promise<DuckDbWarehouse> {
    // The verifier's statements are small; one thread avoids scheduling more than it saves.
    await session.run('SET threads = 1');
    for (const fn of DATABRICKS_FUNCTIONS)
      await session.run(temp ? fn.replace(/^CREATE OR REPLACE MACRO /, 'CREATE OR REPLACE TEMP MACRO ') : fn);
    // A file opened read-only keeps what it holds.
    if (!temp)
      for (const r of await session.all(STALE_MACROS_SQL))
        await session.run(`DROP MACRO "${String(r.database_name)}"."${String(r.schema_name)}".xxhash64`);
    return new DuckDbWarehouse(session, loc);
  }

  /**
   * The file at `path`, which must exist, opened read-only: nothing in it can change and no file is
   * created. The Databricks function macros are made in the session's temporary catalog instead.
   */
  static async openReadOnly(path: string, loc: Locations = DUCKDB_DEFAULT_LOCATIONS): Promise<DuckDbWarehouse> {
    checkDatabaseFile(path);
    return DuckDbWarehouse.#ready(await openDuckDb(path, { readOnly: true }), loc, true);
  }

  /**
   * A database held in memory, starting as a copy of the file at `path`: for a replay of many
   * minutes whose result is saved once at the end (see saveTo), with no file written per statement.
   */
  static async openCopyInMemory(path: string, loc: Locations = DUCKDB_DEFAULT_LOCATIONS): Promise<DuckDbWarehouse> {
    // The copy brings the file's own Databricks function macros; they are then replaced by the current ones.
    const session = await openDuckDb(':memory:');
    await session.exec(
      `ATTACH ${quoted(path)} AS copy_source (READ_ONLY); COPY FROM DATABASE copy_source TO memory; DETACH copy_source;`,
    );
    return DuckDbWarehouse.#ready(session, loc);
  }

  /** Writes this database, whole, to a new file at `path` (replacing what is there). */
  async saveTo(path: string): Promise<void> {
    mkdirSync(dirname(path), { recursive: true });
    rmSync(path, { force: true });
    rmSync(`${path}.wal`, { force: true });
    await this.#session.exec(
      `ATTACH ${quoted(path)} AS copy_target; COPY FROM DATABASE memory TO copy_target; DETACH copy_target;`,
    );
  }

  /** A second warehouse on the same database over its own connection (concurrent work, tests). */
  async connect(): Promise<DuckDbWarehouse> {
    return new DuckDbWarehouse(await this.#session.connect(), this.#loc);
  }

  get locations(): Locations {
    return this.#loc;
  }

  /** Direct access for the embedded world and setup code; the verifier uses query/execute. */
  get session(): DuckDbSession {
    return this.#session;
  }

  compile(name: string): string {
    let sql = this.#compiled.get(name);
    if (sql === undefined) {
      sql = compileSql(loadSql(name), duckdbDialect, this.#loc);
      this.#compiled.set(name, sql);
    }
    return sql;
  }

  /**
   * A statement runs on the main connection when it is free, else on a spare one: statements a
   * tick issues together then use both cores. Statements issued one after another (each awaited)
   * all find the main connection free, so they keep their order and any open transaction.
   */
  async query(name: string, params: SqlParams = {}, rows?: RowBatch): Promise<Row[]> {
    const p = withLocationParams(params, this.locations);
    return this.#onFree((s) => this.#withStaged(name, rows, (sql, bound) => s.all(sql, bound), p));
  }

  async execute(name: string, params: SqlParams = {}, rows?: RowBatch): Promise<number> {
    if (rows && rows.rows.length === 0) return 0;
    const source = rows && mergeSource(name, rows);
    const p = withLocationParams(params, this.locations);
    return this.#onFree((s) => this.#withStaged(name, source, (sql, bound) => s.run(sql, bound), p));
  }

  async #onFree<T>(work: (s: DuckDbSession) => Promise<T>): Promise<T> {
    if (this.#busy === 0) return work(this.#session);
    const spare = this.#spares.pop() ?? (await this.#openSpare());
    try {
      return await work(spare);
    } finally {
      this.#spares.push(spare);
    }
  }

  async #openSpare(): Promise<DuckDbSession> {
    const spare = await this.#session.connect();
    this.#opened.push(spare);
    return spare;
  }

  /** Points `{{rows}}` at the row batch, sent as one JSON parameter of the same statement. */
  async #withStaged<T>(
    name: string,
    rows: RowBatch | undefined,
    run: (sql: string, params: SqlParams) => Promise<T>,
    params: SqlParams,
  ): Promise<T> {
    const sql = this.compile(name);
    this.stats.statements++;
    const bound = pick(sql, params, name);
    if (!sql.includes('{{rows}}')) return run(sql, bound);
    if (!rows) throw new Error(`sql: statement '${name}' needs a row batch for {{rows}}`);
    return run(sql.split('{{rows}}').join(inlineRowsSelect(rows.columns)), {
      ...bound,
      [ROWS_PARAM]: inlineRowsJson(rows),
    });
  }

  async applyDdl(name: string): Promise<void> {
    // A file made by an older postflight gets the columns added since, which CREATE TABLE IF NOT
    // EXISTS leaves out; a workspace gets them from the README's upgrade notes.
    const existing = new Set(
      (
        await this.#session.all(
          "SELECT table_schema || '.' || table_name || '.' || column_name AS c FROM information_schema.columns",
        )
      ).map((r) => String(r.c)),
    );
    for (const stmt of splitStatements(compileSql(loadSql(name), duckdbDialect, this.#loc))) {
      const table = parseCreateTable(stmt);
      if (!table) {
        await this.#session.run(stmt);
        continue;
      }
      const parts = table.name.split('.');
      if (parts.length > 1) await this.#session.run(`CREATE SCHEMA IF NOT EXISTS ${parts.slice(0, -1).join('.')}`);
      const cols = table.columns.map((c) => `"${c.name}" ${toDuckDbType(c.type)}${c.notNull ? ' NOT NULL' : ''}`);
      if (table.primaryKey.length) cols.push(`PRIMARY KEY (${table.primaryKey.map((c) => `"${c}"`).join(', ')})`);
      await this.#session.run(`CREATE TABLE IF NOT EXISTS ${table.name} (${cols.join(', ')})`);
      const plain = table.name.replaceAll('"', '');
      const known = table.columns.some((c) => existing.has(`${plain}.${c.name}`));
      for (const c of table.columns)
        if (known && !existing.has(`${plain}.${c.name}`))
          await this.#session.run(`ALTER TABLE ${table.name} ADD COLUMN "${c.name}" ${toDuckDbType(c.type)}`);
    }
  }

  async describeHistory(table: string, limit: number): Promise<HistoryEntry[]> {
    this.stats.historyReads++;
    this.stats.statements++;
    const rows = await this.#onFree((s) =>
      s.all(this.compile('embedded/describe_history'), { table_name: table, max_rows: limit }),
    );
    return rows.map((r) => ({
      // A NULL stays visible as NaN: the tick's validator reports the row, nothing here drops it.
      version: r.version === null || r.version === undefined ? Number.NaN : Number(r.version),
      timestampMs: typeof r.timestamp === 'number' ? r.timestamp : Number.NaN,
      operation: String(r.operation),
      operationMetrics: (r.operationMetrics ?? {}) as Record<string, string>,
      operationParameters: (r.operationParameters ?? {}) as Record<string, string>,
      jobId: (r.job_id as string | null) ?? null,
      runId: (r.run_id as string | null) ?? null,
    }));
  }

  /** The simulated Delta log gains a RESTORE commit; a table or version it does not hold is an error. */
  async restoreTable(table: string, version: number): Promise<void> {
    if (!Number.isSafeInteger(version) || version < 0)
      throw new Error(`RESTORE TABLE ${table.slice(0, 120)}: version ${version} must be a whole number from 0`);
    const n = await this.execute('embedded/restore_table', { table_name: table, to_version: version });
    if (n === 0) throw new Error(`RESTORE TABLE ${table}: the embedded world holds no version ${version} of it`);
    await this.execute('embedded/restore_table_after', { table_name: table });
  }

  async close(): Promise<void> {
    for (const r of this.#opened) r.close();
    this.#session.close();
  }
}

/** The session, reporting each statement's start (+1) and end (-1). */
function counted(s: DuckDbSession, track: (delta: number) => void): DuckDbSession {
  const wrap =
    <A extends unknown[], R>(f: (...a: A) => Promise<R>) =>
    async (...a: A): Promise<R> => {
      track(1);
      try {
        return await f(...a);
      } finally {
        track(-1);
      }
    };
  return {
    all: wrap(s.all),
    run: wrap(s.run),
    append: wrap(s.append),
    exec: wrap(s.exec),
    connect: () => s.connect(),
    close: () => s.close(),
  };
}

/** Binds exactly the parameters the statement names, and says which one is missing. */
function pick(sql: string, params: SqlParams, name: string): SqlParams {
  const out: Record<string, SqlValue> = {};
  for (const p of dollarNames(sql)) {
    if (!(p in params)) throw new Error(`sql: statement '${name}' needs parameter :${p}`);
    out[p] = params[p]!;
  }
  return out;
}

function dollarNames(sql: string): string[] {
  const names = new Set<string>();
  for (const m of sql.replace(/'(?:[^']|'')*'/g, "''").matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)/g)) names.add(m[1]!);
  return [...names];
}

/** A file path as a SQL string literal. */
function quoted(path: string): string {
  return `'${path.replace(/'/g, "''")}'`;
}
