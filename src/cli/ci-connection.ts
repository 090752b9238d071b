// The flags every CI-side command takes to reach postflight's tables, and the connection they make.

import type { Logger } from '../log.js';
import { parseWarehouse, parseWorkspace } from './args.js';
import { type Connection, connect } from './connect.js';

export const CONNECTION_OPTIONS = {
  warehouse: { type: 'string' },
  workspace: { type: 'string' },
  ops: { type: 'string' },
} as const;

export const CONNECTION_HELP = `Where postflight's tables are:
  --warehouse databricks    a SQL warehouse (DATABRICKS_HOST, DATABRICKS_WAREHOUSE_ID, credentials in the environment)
  --warehouse duckdb:PATH   the embedded warehouse (default .postflight/workspace.duckdb)
  --ops CATALOG.SCHEMA      postflight's schema on Databricks (default ops.postflight)
`;

export function connectFromFlags(
  values: { warehouse?: string | undefined; workspace?: string | undefined; ops?: string | undefined },
  log: Logger,
  /** For a command that writes the audit log (retention): on Databricks, no key is bad configuration. */
  o: { readonly requireAuditKey?: boolean } = {},
): Promise<Connection> {
  const target = parseWarehouse(values.warehouse, '.postflight');
  return connect({
    warehouse: target,
    workspace: parseWorkspace(values.workspace, target),
    ops: values.ops,
    env: process.env,
    log,
    ...o,
  });
}
