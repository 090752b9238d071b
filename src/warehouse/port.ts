// The SQL port. Everything the verifier reads or writes through a SQL warehouse goes through
// this interface; the two adapters (databricks, duckdb) are the only code that knows an engine.

export type SqlValue = string | number | boolean | null;
export type SqlParams = Readonly<Record<string, SqlValue>>;

/** Column types a staged row batch may carry. TIMESTAMP values are epoch milliseconds. */
export type StagedType = 'STRING' | 'BIGINT' | 'DOUBLE' | 'BOOLEAN' | 'TIMESTAMP';

export interface RowBatch {
  readonly columns: ReadonlyArray<{ readonly name: string; readonly type: StagedType }>;
  readonly rows: ReadonlyArray<ReadonlyArray<SqlValue>>;
}

/** A row as the core sees it: timestamps are epoch ms, BIGINTs are numbers, maps are objects. */
export type Row = Record<string, unknown>;

/** One commit of a Delta table, as `DESCRIBE HISTORY` reports it. */
export interface HistoryEntry {
  readonly version: number;
  readonly timestampMs: number;
  readonly operation: string;
  readonly operationMetrics: Readonly<Record<string, string>>;
  /** What the operation was asked to do, e.g. a RESTORE's {"version": "12"}; absent where not read. */
  readonly operationParameters?: Readonly<Record<string, string>>;
  readonly jobId: string | null;
  readonly runId: string | null;
}

export interface WarehouseStats {
  statements: number;
  historyReads: number;
}

export interface Warehouse {
  readonly dialect: 'databricks' | 'duckdb';
  /** Where the tables the SQL files name by placeholder live. */
  readonly locations: Locations;
  /** Runs the named file of `sql/` and returns its rows; `{{rows}}` reads the staged batch. */
  query(name: string, params?: SqlParams, rows?: RowBatch): Promise<Row[]>;
  /**
   * Runs the named statement with `{{rows}}` bound to the staged batch (for MERGE sources) and
   * returns the rows it inserted, updated or deleted, or null where the warehouse does not say.
   */
  execute(name: string, params?: SqlParams, rows?: RowBatch): Promise<number | null>;
  /** `DESCRIBE HISTORY <table> LIMIT n`: newest first. One statement per table on Databricks. */
  describeHistory(table: string, limit: number): Promise<HistoryEntry[]>;
  /**
   * `RESTORE TABLE <table> TO VERSION AS OF <version>`: a new commit whose content is that version's.
   * Only `postflight restore apply` calls it, on a plan a person approved; never the tick.
   */
  restoreTable(table: string, version: number): Promise<void>;
  /** Creates the tables of a DDL file of `sql/` that do not exist yet. */
  applyDdl(name: string): Promise<void>;
  readonly stats: WarehouseStats;
  close(): Promise<void>;
}

export interface Locations {
  /** Where postflight's own tables live, e.g. `ops.postflight`. */
  readonly ops: string;
  /** The pipeline event log, e.g. `system.lakeflow_pipeline_events_preview.pipeline_events`. */
  readonly eventLog: string;
  /**
   * The schema the Elementary dbt package uploads dbt results to, e.g. `analytics.elementary`;
   * without it the tick reads no dbt test results.
   */
  readonly dbtArtifacts?: string;
  /**
   * The workspace whose rows postflight reads from the system tables, which hold every workspace
   * of the region (a job id is unique only within one workspace). Bound as :workspace_id.
   */
  readonly workspaceId?: string;
}
