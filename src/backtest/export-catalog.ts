// Which files an export may hold, the table each fills in the replay world, the columns a row
// must carry, and when each row became visible on the workspace it came from. Pure: the table
// definitions (read from sql/ddl) and the lags come in, the catalog goes out.

import type { ColumnDef, TableDef } from '../warehouse/ddl-parse.js';

/** How long after the fact a source shows it, by source (system tables are hours late). */
export interface Lags {
  readonly lakeflowMs: number;
  readonly lineageMs: number;
  readonly auditMs: number;
  /** system.billing.usage: "typically available within 12 hours". */
  readonly billingMs: number;
  /** system.compute.clusters: "typically available within one hour". */
  readonly clustersMs: number;
}

const MINUTE = 60_000;

/** The lags the simulated world models (src/simulator/row-batches.ts) and a backtest assumes by default. */
export const DEFAULT_LAGS: Lags = {
  lakeflowMs: 90 * MINUTE,
  lineageMs: 60 * MINUTE,
  auditMs: 60 * MINUTE,
  billingMs: 12 * 60 * MINUTE,
  clustersMs: 60 * MINUTE,
};

/** When a row became visible: a time column of the row plus a lag, or from the start. */
export type Visibility = { readonly column: string; readonly lagMs: number } | { readonly always: true };

export interface ExportTable {
  /** The file name without its extension, e.g. `system.lakeflow.job_run_timeline`. */
  readonly name: string;
  /** Where the rows go in the replay world. */
  readonly target: string;
  /** `world`: a base table behind a view that hides rows until `_visible_at`; `ops`: postflight's own table. */
  readonly kind: 'world' | 'ops';
  readonly columns: readonly ColumnDef[];
  /** Columns, or struct fields as `origin.pipeline_id`, a row must not leave out or set to null. */
  readonly required: readonly string[];
  readonly visibility: Visibility;
  /** The column that names the workspace a row belongs to, when the table has one. */
  readonly workspaceColumn: string | null;
}

export interface CatalogInput {
  /** sql/ddl/system.sql */
  readonly system: readonly TableDef[];
  /** sql/ddl/event_log.sql */
  readonly eventLog: TableDef;
  /** sql/ddl/elementary.sql, with the schema written `elementary`. */
  readonly elementary: readonly TableDef[];
  /** sql/ddl/ops.sql, with the schema written `ops`. */
  readonly ops: readonly TableDef[];
  readonly lags: Lags;
}

/** Delta's DESCRIBE HISTORY columns postflight reads, plus the table they are the history of. */
export const DELTA_HISTORY_COLUMNS: readonly ColumnDef[] = [
  ['table_name', 'STRING'],
  ['version', 'BIGINT'],
  ['timestamp', 'TIMESTAMP'],
  ['userId', 'STRING'],
  ['userName', 'STRING'],
  ['operation', 'STRING'],
  ['operationParameters', 'MAP<STRING, STRING>'],
  ['job', 'STRUCT<jobId: STRING, jobName: STRING, runId: STRING>'],
  ['readVersion', 'BIGINT'],
  ['isBlindAppend', 'BOOLEAN'],
  ['operationMetrics', 'MAP<STRING, STRING>'],
  ['engineInfo', 'STRING'],
].map(([name, type]) => ({ name: name!, type: type!, notNull: false }));

/** What each system table needs to be of use, and the time that makes a row visible. */
/** A lag of null: the row is written when it happens (a monitor's result, at its scan). */
const SYSTEM_RULES: Readonly<
  Record<string, { required: readonly string[]; time: string | null; lag: keyof Lags | null }>
> = {
  'system.lakeflow.jobs': {
    required: ['workspace_id', 'job_id', 'change_time'],
    time: 'change_time',
    lag: 'lakeflowMs',
  },
  'system.lakeflow.job_tasks': {
    required: ['workspace_id', 'job_id', 'task_key', 'change_time'],
    time: 'change_time',
    lag: 'lakeflowMs',
  },
  'system.lakeflow.job_run_timeline': {
    required: ['workspace_id', 'job_id', 'run_id', 'period_start_time', 'period_end_time'],
    time: 'period_end_time',
    lag: 'lakeflowMs',
  },
  'system.lakeflow.job_task_run_timeline': {
    required: ['workspace_id', 'job_id', 'run_id', 'job_run_id', 'task_key', 'period_start_time', 'period_end_time'],
    time: 'period_end_time',
    lag: 'lakeflowMs',
  },
  'system.lakeflow.pipelines': {
    required: ['workspace_id', 'pipeline_id', 'change_time'],
    time: 'change_time',
    lag: 'lakeflowMs',
  },
  'system.lakeflow.pipeline_update_timeline': {
    required: ['workspace_id', 'pipeline_id', 'update_id', 'period_start_time', 'period_end_time'],
    time: 'period_end_time',
    lag: 'lakeflowMs',
  },
  'system.access.audit': {
    required: ['workspace_id', 'event_time', 'service_name', 'action_name'],
    time: 'event_time',
    lag: 'auditMs',
  },
  'system.access.table_lineage': {
    required: ['workspace_id', 'entity_type', 'entity_id', 'event_time'],
    time: 'event_time',
    lag: 'lineageMs',
  },
  'system.data_quality_monitoring.table_results': {
    required: ['event_time', 'catalog_name', 'schema_name', 'table_name', 'status'],
    time: 'event_time',
    lag: null,
  },
  'system.billing.usage': {
    required: [
      'workspace_id',
      'sku_name',
      'usage_start_time',
      'usage_end_time',
      'usage_unit',
      'usage_quantity',
      'usage_metadata',
    ],
    time: 'usage_end_time',
    lag: 'billingMs',
  },
  'system.billing.list_prices': {
    required: ['price_start_time', 'sku_name', 'currency_code', 'usage_unit', 'pricing'],
    time: null,
    lag: null,
  },
  'system.compute.clusters': {
    required: ['workspace_id', 'cluster_id', 'change_time'],
    time: 'change_time',
    lag: 'clustersMs',
  },
  'system.information_schema.columns': {
    required: ['table_catalog', 'table_schema', 'table_name', 'column_name'],
    time: null,
    lag: 'lakeflowMs',
  },
};

/** postflight's tables an export may bring, and what a row of each needs. */
const OPS_RULES: Readonly<Record<string, readonly string[]>> = {
  'ops.deployments': ['deployment_id', 'bundle', 'target', 'version', 'status', 'finished_at', 'resources'],
  'ops.deployment_events': ['deployment_id', 'stage', 'attempt'],
  'ops.resource_snapshots': ['deployment_id', 'resource_type', 'resource_id', 'settings'],
};

const ELEMENTARY_RULES: Readonly<Record<string, { required: readonly string[]; time: string | null }>> = {
  'elementary.dbt_invocations': {
    required: ['invocation_id', 'job_id', 'job_run_id', 'created_at'],
    time: 'created_at',
  },
  'elementary.dbt_run_results': {
    required: ['invocation_id', 'unique_id', 'status', 'created_at'],
    time: 'created_at',
  },
  'elementary.dbt_tests': { required: ['unique_id'], time: null },
};

/** Every file name an export may use, with what it fills. */
export function exportCatalog(input: CatalogInput): ExportTable[] {
  const out: ExportTable[] = [];
  for (const def of input.system) {
    const [, schema, table] = def.name.split('.') as [string, string, string];
    const rule = SYSTEM_RULES[def.name];
    out.push({
      name: def.name,
      target: `sim_world.system_${schema}__${table}`,
      kind: 'world',
      columns: def.columns,
      required: rule?.required ?? [],
      // A system table added to the DDL without a rule here shows its rows from the start.
      visibility: rule?.time
        ? { column: rule.time, lagMs: rule.lag === null ? 0 : input.lags[rule.lag] }
        : { always: true },
      workspaceColumn: def.columns.some((c) => c.name === 'workspace_id') ? 'workspace_id' : null,
    });
  }
  out.push({
    name: 'event_log',
    target: 'sim_world.event_log',
    kind: 'world',
    columns: input.eventLog.columns,
    required: ['timestamp', 'event_type', 'origin.pipeline_id'],
    visibility: { column: 'timestamp', lagMs: 0 },
    workspaceColumn: null,
  });
  out.push({
    name: 'delta_history',
    target: 'sim_world.delta_commits',
    kind: 'world',
    columns: DELTA_HISTORY_COLUMNS,
    required: ['table_name', 'version', 'timestamp', 'operation'],
    visibility: { column: 'timestamp', lagMs: 0 },
    workspaceColumn: null,
  });
  for (const def of input.elementary) {
    const rule = ELEMENTARY_RULES[def.name];
    if (!rule) continue;
    out.push({
      name: def.name,
      target: `sim_world.elementary__${def.name.split('.')[1]}`,
      kind: 'world',
      columns: def.columns,
      required: rule.required,
      visibility: rule.time ? { column: rule.time, lagMs: 0 } : { always: true },
      workspaceColumn: null,
    });
  }
  for (const def of input.ops) {
    const required = OPS_RULES[def.name];
    if (!required) continue;
    out.push({
      name: def.name,
      target: `postflight.${def.name.split('.')[1]}`,
      kind: 'ops',
      columns: def.columns,
      required,
      // The verifier reads a deployment once it has finished (tick/open.sql), and the rest by its id.
      visibility: { always: true },
      workspaceColumn: null,
    });
  }
  return out;
}

export const EXTENSIONS = { ndjson: 'ndjson', jsonl: 'ndjson', json: 'ndjson', parquet: 'parquet' } as const;
export type ExportFormat = (typeof EXTENSIONS)[keyof typeof EXTENSIONS];

/** The table and format a file of the export is named for; null when the name is not one of them. */
export function tableOfFile(
  catalog: readonly ExportTable[],
  fileName: string,
): { table: ExportTable; format: ExportFormat } | null {
  const m = /^(.+)\.(ndjson|jsonl|json|parquet)$/i.exec(fileName);
  if (!m) return null;
  const table = catalog.find((t) => t.name === m[1]);
  return table ? { table, format: EXTENSIONS[m[2]!.toLowerCase() as keyof typeof EXTENSIONS] } : null;
}

/** The known name closest to a file name that is none of them, to suggest in the error. */
export function closestName(catalog: readonly ExportTable[], fileName: string): string | null {
  const stem = fileName.replace(/\.(ndjson|jsonl|json|parquet)$/i, '');
  let best: { name: string; d: number } | null = null;
  for (const t of catalog) {
    const d = editDistance(stem.toLowerCase(), t.name.toLowerCase());
    if (best === null || d < best.d) best = { name: t.name, d };
  }
  return best && best.d <= Math.max(3, Math.floor(best.name.length / 4)) ? best.name : null;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}
