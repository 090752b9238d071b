// Builds the Warehouse and the Workspace a command runs against: the embedded pair (a DuckDB file
// holding a simulated world) or a real workspace (a SQL warehouse and the REST API), configured
// from flags and the environment.

import { existsSync } from 'node:fs';
import { AuditKeyError, type AuditKeyring } from '../audit/audit-key.js';
import { bindAuditKeys } from '../audit/key-binding.js';
import { readAuditKeys } from '../audit/key-sources.js';
import type { Logger } from '../log.js';
import { SimWorld } from '../simulator/world.js';
import { DATABRICKS_DEFAULT_LOCATIONS } from '../warehouse/databricks/databricks-warehouse.js';
import { checkWritable } from '../warehouse/duckdb/database-file.js';
import { DuckDbWarehouse } from '../warehouse/duckdb/duckdb-warehouse.js';
import type { Locations, Warehouse } from '../warehouse/port.js';
import { validateIdentifier } from '../warehouse/sql-template.js';
import type { DatabricksWorkspace } from '../workspace/databricks/databricks-workspace.js';
import { exchangeGithubToken } from '../workspace/databricks/federation.js';
import { EmbeddedWorkspace } from '../workspace/embedded/embedded-workspace.js';
import type { Workspace } from '../workspace/port.js';
import { ConfigError, type WarehouseTarget, type WorkspaceTarget } from './args.js';
import { type DatabricksEnv, EnvError, readDatabricksEnv } from './databricks-env.js';

export interface ConnectOptions {
  readonly warehouse: WarehouseTarget;
  readonly workspace: WorkspaceTarget;
  /** `--ops`, else POSTFLIGHT_OPS: catalog.schema of postflight's tables (Databricks only). */
  readonly ops?: string | undefined;
  /** `--event-log`, else POSTFLIGHT_EVENT_LOG: the pipeline event log table or view (Databricks only). */
  readonly eventLog?: string | undefined;
  /** `--dbt-artifacts`, else POSTFLIGHT_DBT_ARTIFACTS: catalog.schema of Elementary's dbt tables (Databricks only; unset reads no dbt results). */
  readonly dbtArtifacts?: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly log?: Logger;
  /** How long to wait for an embedded file another process holds (--lock-wait); 0 fails at once. */
  readonly lockWaitMs?: number;
  /** False for commands that read no system table (setup): the workspace id is then not asked for. */
  readonly requireWorkspaceId?: boolean;
  /** `--audit-key-file`, else POSTFLIGHT_AUDIT_KEY_FILE; POSTFLIGHT_AUDIT_KEY is read from env as well. */
  readonly auditKeyFile?: string | undefined;
  /** True for the commands that write or verify the audit log on Databricks: no key is then bad configuration. */
  readonly requireAuditKey?: boolean;
}

export interface Connection {
  readonly wh: Warehouse;
  readonly ws: Workspace;
  /** The simulated world behind an embedded warehouse; null on a real workspace. */
  readonly world: SimWorld | null;
  /** The time a tick judges at: the simulated clock, or the wall clock on a real workspace. */
  nowMs(): number;
  close(): Promise<void>;
}

export async function connect(o: ConnectOptions): Promise<Connection> {
  const keys = auditKeysOf(o);
  if (o.warehouse.kind === 'duckdb') {
    const conn = await connectEmbedded(o.warehouse.path, o);
    bindAuditKeys(conn.wh, keys);
    return conn;
  }
  if (o.requireAuditKey && !keys.signing)
    throw new ConfigError(
      "no audit key: the audit chain is keyed; put a key in the secret scope as POSTFLIGHT_AUDIT_KEY and pass --secret POSTFLIGHT_AUDIT_KEY to run_node.py (job.yml), or set POSTFLIGHT_AUDIT_KEY or --audit-key-file FILE; make one with 'openssl rand -base64 32'",
    );
  let env: DatabricksEnv;
  try {
    env = readDatabricksEnv(o.env, true);
  } catch (e) {
    throw e instanceof EnvError ? new ConfigError(e.message) : e;
  }
  const loc = databricksLocations(o);
  const log = o.log;
  // A federated identity is exchanged for a short-lived token once, before anything connects.
  const auth =
    env.auth.kind === 'github-oidc'
      ? { kind: 'token' as const, token: await exchangeGithubToken(env.baseUrl, env.auth) }
      : env.auth;
  // Loaded only when asked for: the SQL driver is large, and the embedded commands never need it.
  const [{ openDatabricksWarehouse }, { openDatabricksWorkspace }] = await Promise.all([
    import('../warehouse/databricks/open-warehouse.js'),
    import('../workspace/databricks/open-workspace.js'),
  ]);
  const wh = openDatabricksWarehouse(
    {
      host: env.host,
      port: env.port,
      httpPath: env.httpPath!,
      auth,
      statementTimeoutS: env.statementTimeoutS,
      ...(log
        ? {
            onLog: (level, message) =>
              level === 'error' || level === 'warn'
                ? log[level]({ source: 'databricks-sql' }, message)
                : log.debug({ source: 'databricks-sql' }, message),
          }
        : {}),
    },
    { locations: loc },
  );
  const ws = openDatabricksWorkspace({ baseUrl: env.baseUrl, auth });
  bindAuditKeys(wh, keys);
  return { wh, ws, world: null, nowMs: () => Date.now(), close: () => wh.close() };
}

/** The audit keys given by flag or environment; a malformed one is bad configuration (exit 2). */
export function auditKeysOf(o: Pick<ConnectOptions, 'auditKeyFile' | 'env'>): AuditKeyring {
  try {
    return readAuditKeys({ file: o.auditKeyFile, env: o.env });
  } catch (e) {
    throw e instanceof AuditKeyError ? new ConfigError(e.message) : e;
  }
}

/** The REST API alone, for a command that reads the control plane without a SQL warehouse (setup's dry run). */
export async function connectRestWorkspace(
  env: Readonly<Record<string, string | undefined>>,
): Promise<DatabricksWorkspace> {
  let e: DatabricksEnv;
  try {
    e = readDatabricksEnv(env, false);
  } catch (err) {
    throw err instanceof EnvError ? new ConfigError(err.message) : err;
  }
  const auth =
    e.auth.kind === 'github-oidc'
      ? { kind: 'token' as const, token: await exchangeGithubToken(e.baseUrl, e.auth) }
      : e.auth;
  const { openDatabricksWorkspace } = await import('../workspace/databricks/open-workspace.js');
  return openDatabricksWorkspace({ baseUrl: e.baseUrl, auth });
}

async function connectEmbedded(path: string, o: ConnectOptions): Promise<Connection> {
  if (o.ops !== undefined || o.eventLog !== undefined || o.dbtArtifacts !== undefined) {
    throw new ConfigError(
      '--ops, --event-log and --dbt-artifacts name tables of a Databricks workspace; the embedded warehouse keeps its own (postflight, pipelines.event_log, elementary)',
    );
  }
  // Opening a file that is not there would create an empty one; say what to run instead.
  if (!existsSync(path))
    throw new ConfigError(`${path} does not exist; run 'postflight simulate --warehouse duckdb:${path}' first`);
  checkWritable(path);
  const wh = await DuckDbWarehouse.open(path, undefined, { lockWaitMs: o.lockWaitMs ?? 0 });
  const world = await SimWorld.open(wh);
  if (!world) {
    await wh.close();
    throw new ConfigError(`${path} has no simulated world; run 'postflight simulate --warehouse duckdb:${path}' first`);
  }
  return { wh, ws: new EmbeddedWorkspace(wh), world, nowMs: () => world.nowMs, close: () => wh.close() };
}

export function databricksLocations(
  o: Pick<ConnectOptions, 'ops' | 'eventLog' | 'dbtArtifacts' | 'env' | 'requireWorkspaceId'>,
): Locations {
  const ops = o.ops ?? o.env.POSTFLIGHT_OPS ?? DATABRICKS_DEFAULT_LOCATIONS.ops;
  const eventLog = o.eventLog ?? o.env.POSTFLIGHT_EVENT_LOG ?? `${ops}.pipeline_event_log`;
  const dbtArtifacts = o.dbtArtifacts ?? o.env.POSTFLIGHT_DBT_ARTIFACTS;
  try {
    if (validateIdentifier(ops, '--ops (POSTFLIGHT_OPS)').length !== 2)
      throw new Error(`--ops (POSTFLIGHT_OPS): '${ops}' must be catalog.schema, e.g. ops.postflight`);
    if (validateIdentifier(eventLog, '--event-log (POSTFLIGHT_EVENT_LOG)').length !== 3)
      throw new Error(
        `--event-log (POSTFLIGHT_EVENT_LOG): '${eventLog}' must be catalog.schema.table, e.g. ops.postflight.pipeline_event_log`,
      );
    if (
      dbtArtifacts !== undefined &&
      validateIdentifier(dbtArtifacts, '--dbt-artifacts (POSTFLIGHT_DBT_ARTIFACTS)').length !== 2
    ) {
      throw new Error(
        `--dbt-artifacts (POSTFLIGHT_DBT_ARTIFACTS): '${dbtArtifacts}' must be catalog.schema, the schema the Elementary dbt package writes to, e.g. analytics.elementary`,
      );
    }
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
  return {
    ops,
    eventLog,
    ...(o.requireWorkspaceId === false ? {} : { workspaceId: workspaceIdOf(o.env) }),
    ...(dbtArtifacts === undefined ? {} : { dbtArtifacts }),
  };
}

/**
 * The workspace id system-table reads are filtered on: POSTFLIGHT_WORKSPACE_ID, else the one an
 * Azure host (adb-<id>.<n>.azuredatabricks.net) or the warehouse HTTP path (?o=<id>) carries.
 */
export function workspaceIdOf(env: Readonly<Record<string, string | undefined>>): string {
  const given = env.POSTFLIGHT_WORKSPACE_ID?.trim();
  if (given) {
    if (!/^\d{1,19}$/.test(given)) {
      throw new ConfigError(
        `POSTFLIGHT_WORKSPACE_ID '${given}' must be the workspace id, a number such as 1234567890123456`,
      );
    }
    return given;
  }
  const fromHost = /^(?:https?:\/\/)?adb-(\d+)\./.exec(env.DATABRICKS_HOST ?? '');
  if (fromHost) return fromHost[1]!;
  const fromPath = /[?&]o=(\d+)/.exec(env.DATABRICKS_HTTP_PATH ?? '');
  if (fromPath) return fromPath[1]!;
  throw new ConfigError(
    "POSTFLIGHT_WORKSPACE_ID is not set; set it to the workspace id (the number after 'o=' in the workspace URL): system tables hold every workspace of the region, and a job id is unique only within one",
  );
}
