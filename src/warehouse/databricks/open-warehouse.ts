// Builds the Databricks warehouse from connection settings, with the vendor driver behind it.

import { openDatabricksSql, type SqlConnection } from './databricks-driver.js';
import type { DatabricksWarehouseOptions } from './databricks-warehouse.js';
import { DatabricksWarehouse } from './databricks-warehouse.js';

export function openDatabricksWarehouse(
  conn: SqlConnection,
  opts: DatabricksWarehouseOptions = {},
): DatabricksWarehouse {
  const secrets = conn.auth.kind === 'token' ? [conn.auth.token] : [conn.auth.clientSecret];
  return new DatabricksWarehouse(() => openDatabricksSql(conn), {
    ...opts,
    secrets: [...(opts.secrets ?? []), ...secrets],
  });
}
