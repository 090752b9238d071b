// What the local endpoint runs statements on: a SQL engine that binds `:name` parameters itself
// and answers with typed columns. The Spark worker is the one the contract run uses.

/** A named parameter as the driver sends it: a type name and the value as text (absent for NULL). */
export interface WireParam {
  readonly name: string;
  readonly type: string | null;
  readonly value: string | null;
}

/**
 * A result column: `type` is the TTypeId name without `_TYPE` (BIGINT, TIMESTAMP, STRUCT, ...).
 * Values come as the Thrift column sets carry them: BIGINT and DECIMAL as decimal text, timestamps
 * as UTC text, complex values as JSON text.
 */
export interface EngineColumn {
  readonly name: string;
  readonly type: string;
}

export interface EngineResult {
  readonly columns: readonly EngineColumn[];
  readonly rows: ReadonlyArray<ReadonlyArray<string | number | boolean | null>>;
}

/** A statement the engine rejected, with the error class and SQLSTATE where it gives them. */
export class EngineError extends Error {
  constructor(
    message: string,
    readonly sqlState: string | null,
    readonly errorClass: string | null,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

export interface Engine {
  run(sql: string, params: readonly WireParam[]): Promise<EngineResult>;
  close(): Promise<void>;
}
