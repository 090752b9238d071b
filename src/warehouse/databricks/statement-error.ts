// A statement the SQL warehouse did not run: the one error type the Databricks warehouse raises,
// naming the statement of sql/ (or the DESCRIBE HISTORY) and, where the warehouse says them, its
// error class and SQLSTATE. The driver's own error stays as the cause.

export class SqlStatementError extends Error {
  /** The statement's name in sql/, e.g. `tick/runs`, or `DESCRIBE HISTORY <table>`. */
  readonly statement: string;
  /** Five-character SQLSTATE, e.g. 42703 for an unresolved column; null when not given. */
  readonly sqlState: string | null;
  /** Spark's error class, e.g. UNRESOLVED_COLUMN.WITH_SUGGESTION; null when not given. */
  readonly errorClass: string | null;

  constructor(statement: string, message: string, cause: Error) {
    super(message, { cause });
    this.name = 'SqlStatementError';
    this.statement = statement;
    const state = sqlStateOf(cause) ?? /SQLSTATE: (\w{5})/.exec(message)?.[1];
    this.sqlState = state ?? null;
    this.errorClass = /\[([A-Z][A-Z0-9_.]*)\]/.exec(message)?.[1] ?? null;
  }
}

/** The driver keeps the warehouse's answer on its error (`response.sqlState`), maybe one cause down. */
function sqlStateOf(e: unknown): string | undefined {
  for (let k = 0, x = e; k < 3 && x && typeof x === 'object'; k++, x = (x as { cause?: unknown }).cause) {
    const s = (x as { response?: { sqlState?: unknown } }).response?.sqlState;
    if (typeof s === 'string' && s !== '') return s;
  }
  return undefined;
}
