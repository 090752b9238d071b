// Command-line options shared by the sub-commands, with errors that name the flag and the fix.

import { resolve } from 'node:path';
import { ConfigError } from '../errors.js';

export { ConfigError } from '../errors.js';

export type WarehouseTarget = { readonly kind: 'duckdb'; readonly path: string } | { readonly kind: 'databricks' };

export type WorkspaceTarget = 'embedded' | 'databricks';

export function parseWarehouse(value: string | undefined, defaultDir: string): WarehouseTarget {
  if (value === undefined) return { kind: 'duckdb', path: resolve(defaultDir, 'workspace.duckdb') };
  const m = /^duckdb:(.+)$/.exec(value);
  if (m) return { kind: 'duckdb', path: resolve(m[1]!) };
  if (value === 'databricks') return { kind: 'databricks' };
  if (value.startsWith('databricks')) {
    throw new ConfigError(
      `--warehouse ${value}: the Databricks warehouse is chosen with '--warehouse databricks' and configured with DATABRICKS_HOST, DATABRICKS_WAREHOUSE_ID and credentials in the environment`,
    );
  }
  throw new ConfigError(
    `--warehouse '${value}' is not understood; use duckdb:PATH (for example duckdb:.postflight/workspace.duckdb) or databricks`,
  );
}

/** The embedded workspace reads the simulated world, so it goes with the embedded warehouse. */
export function parseWorkspace(value: string | undefined, warehouse: WarehouseTarget): WorkspaceTarget {
  const chosen = value ?? (warehouse.kind === 'databricks' ? 'databricks' : 'embedded');
  if (chosen !== 'embedded' && chosen !== 'databricks')
    throw new ConfigError(`--workspace '${chosen}' is not understood; use embedded or databricks`);
  if (chosen === 'embedded' && warehouse.kind === 'databricks')
    throw new ConfigError(
      '--workspace embedded reads the simulated world of an embedded warehouse; with --warehouse databricks use --workspace databricks',
    );
  if (chosen === 'databricks' && warehouse.kind === 'duckdb')
    throw new ConfigError(
      "--workspace databricks needs --warehouse databricks: the embedded warehouse holds a simulated world, not the workspace's tables",
    );
  return chosen;
}

export function parseIntFlag(
  name: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  // Decimal digits only: Number() would take '1e3', '0x10', ' 12' and '' (as 0) too.
  const n = /^\d{1,16}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new ConfigError(`--${name} '${value}' must be a whole number from ${min} to ${max}`);
  return n;
}
