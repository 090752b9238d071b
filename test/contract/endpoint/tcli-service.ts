// The TCLIService calls @databricks/sql makes, answered the way a Databricks SQL warehouse answers
// them: sessions at protocol SPARK_CLI_SERVICE_PROTOCOL_V8 (named parameters), statements run to
// completion and returned as direct results when the driver asks for them, larger results paged
// by FetchResults, a rejected statement as an operation in ERROR_STATE with its SQLSTATE.

import { randomBytes, randomUUID } from 'node:crypto';
import { mapCatalogNames } from './catalog-names.js';
import { rowSet, tableSchema, ttypes } from './column-set.js';
import { type Engine, EngineError, type EngineResult, type WireParam } from './engine.js';

/** One statement the endpoint ran, as it arrived and as Spark ran it. */
export interface StatementRecord {
  readonly sent: string;
  readonly ran: string;
  readonly params: readonly WireParam[];
  readonly ok: boolean;
  readonly error: string | null;
  readonly ms: number;
}

interface Operation {
  readonly result: EngineResult | null;
  readonly error: EngineError | null;
  cursor: number;
}

interface Handle {
  guid: Buffer;
  secret: Buffer;
}

const MAX_PAGE = 10_000;
const SESSION_CONFIG = new Set(['STATEMENT_TIMEOUT', 'TIMEZONE', 'QUERY_TAGS', 'ANSI_MODE', 'USE_CACHED_RESULT']);

const ok = () => new ttypes.TStatus({ statusCode: ttypes.TStatusCode.SUCCESS_STATUS });
const failed = (message: string, sqlState?: string) =>
  new ttypes.TStatus({ statusCode: ttypes.TStatusCode.ERROR_STATUS, errorMessage: message, sqlState });

export class TcliService {
  readonly #engine: Engine;
  readonly #catalogs: ReadonlySet<string>;
  readonly #sessions = new Set<string>();
  readonly #ops = new Map<string, Operation>();
  readonly log: StatementRecord[] = [];
  #queue: Promise<unknown> = Promise.resolve();

  constructor(engine: Engine, catalogs: readonly string[]) {
    this.#engine = engine;
    this.#catalogs = new Set(catalogs);
  }

  async OpenSession(req: { client_protocol_i64?: unknown; configuration?: Record<string, string> }) {
    const unknown = Object.keys(req.configuration ?? {}).filter((k) => !SESSION_CONFIG.has(k));
    if (unknown.length) return new ttypes.TOpenSessionResp({ status: failed(`unknown session settings: ${unknown}`) });
    const tz = req.configuration?.TIMEZONE;
    // The one Spark session runs in UTC; a session asking for another zone would read other times.
    if (tz !== undefined && tz !== 'UTC')
      return new ttypes.TOpenSessionResp({ status: failed(`this endpoint runs in UTC, not ${tz}`) });
    const handle = newHandle();
    this.#sessions.add(key(handle));
    return new ttypes.TOpenSessionResp({
      status: ok(),
      serverProtocolVersion: ttypes.TProtocolVersion.SPARK_CLI_SERVICE_PROTOCOL_V8,
      sessionHandle: new ttypes.TSessionHandle({ sessionId: new ttypes.THandleIdentifier(handle) }),
      configuration: {},
    });
  }

  async CloseSession(req: { sessionHandle: { sessionId: Handle } }) {
    this.#sessions.delete(key(req.sessionHandle.sessionId));
    return new ttypes.TCloseSessionResp({ status: ok() });
  }

  async GetInfo() {
    return new ttypes.TGetInfoResp({ status: ok(), infoValue: new ttypes.TGetInfoValue({ stringValue: 'Spark SQL' }) });
  }

  async ExecuteStatement(req: {
    sessionHandle: { sessionId: Handle };
    statement: string;
    parameters?: Array<{ name?: string; type?: string; value?: { stringValue?: string } }> | null;
    getDirectResults?: { maxRows?: { toNumber(): number } } | null;
  }) {
    if (!this.#sessions.has(key(req.sessionHandle.sessionId)))
      return new ttypes.TExecuteStatementResp({ status: failed('Invalid SessionHandle', 'HY000') });
    const params: WireParam[] = (req.parameters ?? []).map((p) => ({
      name: String(p.name),
      type: p.type ?? null,
      value: p.value?.stringValue ?? null,
    }));
    const ran = mapCatalogNames(req.statement, this.#catalogs);
    const op = await this.#serially(() => this.#run(req.statement, ran, params));
    const handle = newHandle();
    this.#ops.set(key(handle), op);
    const operationHandle = new ttypes.TOperationHandle({
      operationId: new ttypes.THandleIdentifier(handle),
      operationType: ttypes.TOperationType.EXECUTE_STATEMENT,
      hasResultSet: hasResultSet(op),
    });
    if (!req.getDirectResults) return new ttypes.TExecuteStatementResp({ status: ok(), operationHandle });
    const directResults = new ttypes.TSparkDirectResults({ operationStatus: statusOf(op) });
    if (op.result && hasResultSet(op)) {
      const limit = Math.min(MAX_PAGE, req.getDirectResults.maxRows?.toNumber() ?? MAX_PAGE);
      directResults.resultSetMetadata = metadataOf(op.result);
      directResults.resultSet = this.#page(op, limit);
    }
    return new ttypes.TExecuteStatementResp({ status: ok(), operationHandle, directResults });
  }

  async GetOperationStatus(req: { operationHandle: { operationId: Handle } }) {
    const op = this.#ops.get(key(req.operationHandle.operationId));
    if (!op) return new ttypes.TGetOperationStatusResp({ status: failed('Invalid OperationHandle') });
    return statusOf(op);
  }

  async GetResultSetMetadata(req: { operationHandle: { operationId: Handle } }) {
    const op = this.#ops.get(key(req.operationHandle.operationId));
    if (!op?.result)
      return new ttypes.TGetResultSetMetadataResp({ status: failed('No result set for this operation') });
    return metadataOf(op.result);
  }

  async FetchResults(req: {
    operationHandle: { operationId: Handle };
    maxRows: { toNumber(): number };
    fetchType?: number;
  }) {
    const op = this.#ops.get(key(req.operationHandle.operationId));
    if (!op?.result) return new ttypes.TFetchResultsResp({ status: failed('No result set for this operation') });
    // fetchType 1 asks for the operation's log, which a warehouse does not keep.
    if (req.fetchType === 1) return new ttypes.TFetchResultsResp({ status: ok(), hasMoreRows: false });
    return this.#page(op, Math.min(MAX_PAGE, req.maxRows.toNumber()));
  }

  async CloseOperation(req: { operationHandle: { operationId: Handle } }) {
    this.#ops.delete(key(req.operationHandle.operationId));
    return new ttypes.TCloseOperationResp({ status: ok() });
  }

  async CancelOperation(req: { operationHandle: { operationId: Handle } }) {
    this.#ops.delete(key(req.operationHandle.operationId));
    return new ttypes.TCancelOperationResp({ status: ok() });
  }

  #page(op: Operation, limit: number) {
    const result = op.result!;
    const from = op.cursor;
    const to = Math.min(result.rows.length, from + Math.max(1, limit));
    op.cursor = to;
    return new ttypes.TFetchResultsResp({
      status: ok(),
      hasMoreRows: to < result.rows.length,
      results: rowSet(result, from, to),
    });
  }

  async #run(sent: string, ran: string, params: readonly WireParam[]): Promise<Operation> {
    const t0 = Date.now();
    if (process.env.POSTFLIGHT_CONTRACT_TRACE)
      process.stderr.write(`[endpoint] ${ran.slice(0, 120).replace(/\s+/g, ' ')}\n`);
    try {
      const result = await this.#engine.run(ran, params);
      this.log.push({ sent, ran, params, ok: true, error: null, ms: Date.now() - t0 });
      return { result, error: null, cursor: 0 };
    } catch (e) {
      const err = e instanceof EngineError ? e : new EngineError((e as Error).message, null, null);
      this.log.push({ sent, ran, params, ok: false, error: err.message, ms: Date.now() - t0 });
      return { result: null, error: err, cursor: 0 };
    }
  }

  /** One statement at a time: the engine is one session. */
  #serially<T>(f: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(f, f);
    this.#queue = next.catch(() => undefined);
    return next;
  }
}

/**
 * A statement that returns no columns (DDL) has no result set; the driver's column-set reader
 * would otherwise wait forever for rows it never takes. A failed statement keeps one, so the
 * driver waits on the operation and sees its failure.
 */
function hasResultSet(op: Operation): boolean {
  return op.error !== null || (op.result?.columns.length ?? 0) > 0;
}

function statusOf(op: Operation) {
  if (op.error)
    return new ttypes.TGetOperationStatusResp({
      status: ok(),
      operationState: ttypes.TOperationState.ERROR_STATE,
      sqlState: op.error.sqlState ?? undefined,
      errorMessage: op.error.message,
      displayMessage: op.error.message,
      hasResultSet: true,
    });
  return new ttypes.TGetOperationStatusResp({
    status: ok(),
    operationState: ttypes.TOperationState.FINISHED_STATE,
    hasResultSet: hasResultSet(op),
  });
}

function metadataOf(result: EngineResult) {
  return new ttypes.TGetResultSetMetadataResp({
    status: ok(),
    schema: tableSchema(result.columns),
    resultFormat: ttypes.TSparkRowSetType.COLUMN_BASED_SET,
    lz4Compressed: false,
  });
}

/** The driver prints handles as UUIDs, so a guid is a version 4 UUID's bytes. */
function newHandle(): Handle {
  return { guid: Buffer.from(randomUUID().replace(/-/g, ''), 'hex'), secret: randomBytes(16) };
}

function key(h: Handle): string {
  return Buffer.from(h.guid).toString('hex');
}
