// The only file that loads @duckdb/node-api (column-reader.ts reads result vectors through the
// bindings below it). It exposes the small surface the embedded warehouse needs, with rows
// converted to the core's plain values: TIMESTAMP -> epoch ms, BIGINT -> number, MAP -> object.

import type * as NodeApi from '@duckdb/node-api';
import type {
  DuckDBConnection,
  DuckDBInstance,
  DuckDBMaterializedResult,
  DuckDBPreparedStatement,
  DuckDBTypeId,
  DuckDBValueConverter,
} from '@duckdb/node-api';
import { ConfigError, CouldNotVerifyError } from '../../errors.js';
import type { Row, SqlValue, StagedType } from '../port.js';
import { columnReader, type ReadColumn } from './column-reader.js';
import { connectTo } from './scalar-functions.js';

type Plain = unknown;
type Api = typeof NodeApi;

/**
 * DuckDB's bundled allocator (jemalloc) hands freed pages back to the system after a second. The
 * verifier and the simulator run tens of thousands of small statements, each allocating and
 * freeing its buffers, so most of those pages were handed back and faulted in again: measured on
 * the demo, system time was 15 to 20 s of the process's 100 to 125 s of CPU. Keeping them for ten
 * seconds (jemalloc's own default) halved that and shortened the replay by about a sixth, for
 * about a fifth more resident memory at the peak. The allocator reads its settings once, when the
 * library loads, which is why the library is loaded here and not imported; a setting the user
 * gave in the environment is kept.
 */
export const ALLOCATOR_CONF = 'dirty_decay_ms:10000,muzzy_decay_ms:10000';

interface Loaded {
  readonly api: Api;
  readonly converter: DuckDBValueConverter<Plain>;
  readonly readColumn: ReadColumn;
}

let loading: Promise<Loaded> | undefined;

function loadDuckDb(): Promise<Loaded> {
  loading ??= (async () => {
    process.env.DUCKDB_JE_MALLOC_CONF ??= ALLOCATOR_CONF;
    const api = await import('@duckdb/node-api');
    const bindings = (await import('@duckdb/node-bindings')).default;
    return { api, converter: buildConverter(api), readColumn: columnReader(bindings) };
  })();
  return loading;
}

function buildConverter(api: Api): DuckDBValueConverter<Plain> {
  const { DuckDBTypeId: T } = api;
  let self: DuckDBValueConverter<Plain>;
  const base = api.JSDuckDBValueConverter as DuckDBValueConverter<Plain>;
  const overrides: Partial<Record<DuckDBTypeId, DuckDBValueConverter<Plain>>> = {
    [T.BIGINT]: (v, t, c) => toNumber(base(v, t, c)),
    [T.HUGEINT]: (v, t, c) => toNumber(base(v, t, c)),
    [T.UBIGINT]: (v, t, c) => toNumber(base(v, t, c)),
    [T.TIMESTAMP]: (v, t, c) => (base(v, t, c) as Date).getTime(),
    [T.TIMESTAMP_TZ]: (v, t, c) => (base(v, t, c) as Date).getTime(),
    [T.TIMESTAMP_MS]: (v, t, c) => (base(v, t, c) as Date).getTime(),
    [T.DATE]: (v, t, c) => (base(v, t, c) as Date).getTime(),
    // Through the exact decimal text: DuckDB's own DECIMAL -> DOUBLE (the client's default here,
    // and CAST ... AS DOUBLE) is not correctly rounded, one value in twelve of DECIMAL(38,18) one
    // ulp off; Spark's, and JavaScript's parse of the text a Databricks warehouse sends, are.
    [T.DECIMAL]: (v, t, c) => (v instanceof api.DuckDBDecimalValue ? Number(v.toString()) : base(v, t, c)),
    [T.MAP]: (v, t) => {
      const entries = base(v, t, self) as Array<{ key: unknown; value: unknown }>;
      return Object.fromEntries(entries.map((e) => [String(e.key), e.value]));
    },
  };
  const table = {} as Record<DuckDBTypeId, DuckDBValueConverter<Plain> | undefined>;
  for (const id of Object.values(T)) {
    if (typeof id !== 'number') continue;
    table[id as DuckDBTypeId] = overrides[id as DuckDBTypeId] ?? ((v, t) => base(v, t, self));
  }
  self = api.createDuckDBValueConverter(table);
  return self;
}

function toNumber(v: unknown): number {
  return typeof v === 'bigint' ? Number(v) : (v as number);
}

/**
 * Rows of a materialised result, read a column at a time: the scalar types straight from the
 * vectors (see column-reader.ts), anything else (MAP, LIST, DATE...) through the converter.
 */
function readRows({ converter, readColumn }: Loaded, result: DuckDBMaterializedResult): Row[] {
  const names = result.columnNames();
  const types = names.map((_, j) => result.columnType(j));
  const out: Row[] = [];
  for (let k = 0; k < result.chunkCount; k++) {
    const chunk = result.getChunk(k);
    const n = chunk.rowCount;
    const base = out.length;
    for (let r = 0; r < n; r++) out.push({});
    for (let j = 0; j < names.length; j++) {
      const name = names[j]!;
      const type = types[j]!;
      const values = readColumn(chunk.chunk, j, type.typeId, n);
      if (values) {
        for (let r = 0; r < n; r++) out[base + r]![name] = values[r];
        continue;
      }
      const vector = chunk.getColumnVector(j);
      for (let r = 0; r < n; r++) {
        const item = vector.getItem(r);
        out[base + r]![name] = item === null ? null : converter(item, type, converter);
      }
    }
  }
  return out;
}

export interface DuckDbSession {
  all(sql: string, params?: Readonly<Record<string, SqlValue>>): Promise<Row[]>;
  /** Runs a statement; the rows it inserted, updated or deleted. */
  run(sql: string, params?: Readonly<Record<string, SqlValue>>): Promise<number>;
  append(table: string, types: readonly StagedType[], rows: ReadonlyArray<ReadonlyArray<SqlValue>>): Promise<void>;
  /** Runs SQL text that may hold several statements, unprepared (administration: attach, copy a database). */
  exec(sql: string): Promise<void>;
  /** Another connection to the same database: its own transactions and temp tables. */
  connect(): Promise<DuckDbSession>;
  close(): void;
}

/** Prepared statements kept per connection; the verifier and the simulator use a few dozen. */
const MAX_PREPARED = 256;

/**
 * Optimisers that plan with the table statistics of the moment a statement is prepared (constant
 * folding of filters against min/max, integer packing of materialised columns): a statement
 * prepared while a table was empty would return wrong rows once it fills, so with them on a
 * statement could not be reused.
 */
const STATISTICS_OPTIMISERS = 'statistics_propagation,compressed_materialization';

/**
 * Extensions are never fetched or loaded behind postflight's back: a file of another format would
 * otherwise make DuckDB download a reader for it. Everything the statements need is built in.
 */
const INSTANCE_SETTINGS = {
  disabled_optimizers: STATISTICS_OPTIMISERS,
  autoinstall_known_extensions: 'false',
  autoload_known_extensions: 'false',
} as const;

/** How often a file held by another process is tried again while waiting for it. */
const LOCK_RETRY_MS = 250;

export interface OpenDuckDbOptions {
  /** How long to wait for a file another process holds; 0 (the default) fails at once. */
  readonly lockWaitMs?: number;
  /** The file is opened for reading only, and one that does not exist is an error. */
  readonly readOnly?: boolean;
}

export async function openDuckDb(path: string, o: OpenDuckDbOptions = {}): Promise<DuckDbSession> {
  const loaded = await loadDuckDb();
  const waitUntil = Date.now() + (o.lockWaitMs ?? 0);
  for (;;) {
    try {
      const instance = await loaded.api.DuckDBInstance.create(path, {
        ...INSTANCE_SETTINGS,
        ...(o.readOnly ? { access_mode: 'READ_ONLY' } : {}),
      });
      return sessionOf(loaded, instance, await connectTo(loaded.api, instance), () => instance.closeSync());
    } catch (e) {
      const why = openFailure(path, e as Error, o.lockWaitMs ?? 0);
      if (!(why instanceof LockHeld && Date.now() < waitUntil)) throw why;
      await new Promise((r) => setTimeout(r, LOCK_RETRY_MS));
    }
  }
}

/** The file is held by another process: worth trying again while the wait lasts. */
class LockHeld extends CouldNotVerifyError {}

/**
 * DuckDB's open errors carry no code, only text: the two a user can act on are told apart here, at
 * the one place that knows the library, and become postflight's own classes.
 */
function openFailure(path: string, e: Error, waitedMs: number): Error {
  const lock = /Could not set lock on file .*?Conflicting lock is held in (.*?) \(PID (\d+)\)/s.exec(e.message);
  if (lock || /Could not set lock on file/.test(e.message)) {
    const holder = lock ? ` by process ${lock[2]} (${lock[1]})` : ' by another process';
    const waited = waitedMs > 0 ? `; waited ${Math.round(waitedMs / 1000)} s` : '';
    return new LockHeld(
      `${path} is held${holder}, another verifier or simulation on the same file${waited}; let it finish, or wait longer with --lock-wait SECONDS`,
      { cause: e },
    );
  }
  if (/not a valid DuckDB database file|Extension .* not found|is not a DuckDB database/.test(e.message))
    return new ConfigError(
      `${path} is not a DuckDB database; --warehouse duckdb:PATH takes the file 'postflight simulate' made`,
      { cause: e },
    );
  if (/Permission denied|Read-only file system|Cannot open file/.test(e.message))
    return new CouldNotVerifyError(
      `${path} cannot be opened for writing (${e.message.split('\n')[0]}); check its permissions`,
      {
        cause: e,
      },
    );
  return e;
}

function sessionOf(
  loaded: Loaded,
  instance: DuckDBInstance,
  conn: DuckDBConnection,
  closeInstance: () => void,
): DuckDbSession {
  // Statements are prepared once per connection and reused, which saves the parse. DuckDB keeps
  // the plan only of a statement without parameters (one with parameters that reads a table is
  // planned again on each run); keeping it is sound only because the instance is opened with the
  // optimisers that fold table statistics into a plan switched off (see openDuckDb).
  const prepared = new Map<string, DuckDBPreparedStatement>();
  // A statement's bindings live on the prepared statement: one bound while the same text is still
  // in flight on this connection would change what the first one reads. Such a call prepares a
  // statement of its own.
  const inFlight = new Set<DuckDBPreparedStatement>();
  const execute = async (sql: string, params: Readonly<Record<string, SqlValue>> | undefined) => {
    let ps = prepared.get(sql);
    if (ps === undefined || inFlight.has(ps)) {
      const cached = ps === undefined;
      ps = await conn.prepare(sql);
      if (cached) {
        if (prepared.size >= MAX_PREPARED) prepared.clear();
        prepared.set(sql, ps);
      }
    }
    ps.clearBindings();
    if (params && Object.keys(params).length > 0) ps.bind(params as Record<string, SqlValue>);
    inFlight.add(ps);
    try {
      return await ps.run();
    } finally {
      inFlight.delete(ps);
    }
  };
  return {
    async all(sql, params) {
      return readRows(loaded, await execute(sql, params));
    },
    async run(sql, params) {
      return (await execute(sql, params)).rowsChanged;
    },
    async append(table, types, rows) {
      const dot = table.indexOf('.');
      const appender =
        dot < 0
          ? await conn.createAppender(table)
          : await conn.createAppender(table.slice(dot + 1), table.slice(0, dot));
      for (const row of rows) {
        for (const [i, value] of row.entries()) appendOne(loaded.api, appender, types[i]!, value);
        appender.endRow();
      }
      appender.closeSync();
    },
    async exec(sql) {
      await conn.run(sql);
    },
    async connect() {
      return sessionOf(loaded, instance, await connectTo(loaded.api, instance), () => undefined);
    },
    close() {
      conn.closeSync();
      closeInstance();
    },
  };
}

type Appender = Awaited<ReturnType<DuckDBConnection['createAppender']>>;

function appendOne(api: Api, a: Appender, type: StagedType, value: SqlValue): void {
  if (value === null || (typeof value === 'number' && !Number.isFinite(value))) {
    a.appendNull();
    return;
  }
  switch (type) {
    case 'STRING':
      a.appendVarchar(String(value));
      break;
    case 'BIGINT':
      a.appendBigInt(BigInt(Math.round(Number(value))));
      break;
    case 'DOUBLE':
      a.appendDouble(Number(value));
      break;
    case 'BOOLEAN':
      a.appendBoolean(Boolean(value));
      break;
    case 'TIMESTAMP':
      a.appendTimestamp(new api.DuckDBTimestampValue(BigInt(Math.round(Number(value))) * 1000n));
      break;
  }
}
