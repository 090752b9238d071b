// The only file that touches @databricks/sql. It opens one session on a SQL warehouse and runs
// statements with natively bound named parameters, returning rows with their column types.
// Errors come out as Error instances with the driver's fields (name, statusCode, errorCode) kept.

import { DBSQLClient, DBSQLParameter, DBSQLParameterType, type LogLevel, thrift } from '@databricks/sql';
import { asError } from '../../retry/transient-retry.js';
import type { BoundParam, ParamType } from './bind-statement.js';
import type { ResultColumn } from './result-values.js';

export type SqlAuth =
  | { readonly kind: 'token'; readonly token: string }
  | { readonly kind: 'oauth-m2m'; readonly clientId: string; readonly clientSecret: string };

export interface SqlConnection {
  /** Workspace host name, no scheme. */
  readonly host: string;
  readonly port: number;
  /** The warehouse's HTTP path, e.g. `/sql/1.0/warehouses/abc123`. */
  readonly httpPath: string;
  readonly auth: SqlAuth;
  /** Server-side limit per statement (the warehouse's STATEMENT_TIMEOUT). */
  readonly statementTimeoutS: number;
  readonly onLog?: (level: 'error' | 'warn' | 'info' | 'debug', message: string) => void;
}

export interface SqlResult {
  readonly columns: readonly ResultColumn[];
  readonly rows: readonly object[];
}

export interface SqlSession {
  run(sql: string, params: readonly BoundParam[]): Promise<SqlResult>;
  close(): Promise<void>;
}

const PARAM_TYPES: Record<ParamType, DBSQLParameterType> = {
  STRING: DBSQLParameterType.STRING,
  BIGINT: DBSQLParameterType.BIGINT,
  DOUBLE: DBSQLParameterType.DOUBLE,
  BOOLEAN: DBSQLParameterType.BOOLEAN,
  VOID: DBSQLParameterType.VOID,
};

export async function openDatabricksSql(c: SqlConnection): Promise<SqlSession> {
  const logger = {
    log: (level: LogLevel, message: string) => c.onLog?.(level as 'error' | 'warn' | 'info' | 'debug', message),
  };
  const client = new DBSQLClient({ logger });
  const auth =
    c.auth.kind === 'token'
      ? { token: c.auth.token }
      : {
          authType: 'databricks-oauth' as const,
          oauthClientId: c.auth.clientId,
          oauthClientSecret: c.auth.clientSecret,
        };
  try {
    await client.connect({
      host: c.host,
      port: c.port,
      path: c.httpPath,
      ...auth,
      userAgentEntry: 'postflight',
      telemetryEnabled: false,
      // The driver retries only idempotent calls (status polls, closes); postflight retries the
      // statement. Keep the driver's own waits well inside one tick.
      retryMaxAttempts: 3,
      retriesTimeout: 30_000,
      socketTimeout: (c.statementTimeoutS + 60) * 1000,
    });
    const session = await client.openSession({
      configuration: { STATEMENT_TIMEOUT: String(c.statementTimeoutS), TIMEZONE: 'UTC' },
      queryTags: { app: 'postflight' },
    });
    return {
      async run(sql, params) {
        try {
          const named = Object.fromEntries(
            params.map((p) => [p.name, new DBSQLParameter({ type: PARAM_TYPES[p.type], value: p.value })]),
          );
          const op = await session.executeStatement(sql, {
            ...(params.length > 0 ? { namedParameters: named } : {}),
            queryTimeout: c.statementTimeoutS,
          });
          try {
            const rows = await op.fetchAll();
            const schema = await op.getSchema();
            return {
              columns: (schema?.columns ?? [])
                .slice()
                .sort((a, b) => a.position - b.position)
                .map(columnOf),
              rows,
            };
          } finally {
            await op.close().catch(() => undefined);
          }
        } catch (err) {
          throw asError(err);
        }
      },
      async close() {
        await session.close().catch(() => undefined);
        await client.close().catch(() => undefined);
      },
    };
  } catch (err) {
    await client.close().catch(() => undefined);
    throw asError(err);
  }
}

/** The part of Thrift's TColumnDesc read here. */
interface ColumnDesc {
  readonly columnName: string;
  readonly position: number;
  readonly typeDesc: {
    readonly types: ReadonlyArray<{
      primitiveEntry?: { type: number };
      mapEntry?: unknown;
      structEntry?: unknown;
      arrayEntry?: unknown;
    }>;
  };
}

function columnOf(col: ColumnDesc): ResultColumn {
  const entry = col.typeDesc.types[0];
  let type = 'UNKNOWN';
  if (entry?.primitiveEntry)
    type = String(thrift.TCLIService_types.TTypeId[entry.primitiveEntry.type] ?? 'UNKNOWN').replace(/_TYPE$/, '');
  else if (entry?.mapEntry) type = 'MAP';
  else if (entry?.structEntry) type = 'STRUCT';
  else if (entry?.arrayEntry) type = 'ARRAY';
  return { name: col.columnName, type };
}
