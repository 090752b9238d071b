// Loads an export folder into a fresh embedded warehouse as a replay world: every file checked
// first (nothing is loaded from an export with a bad file), then the rows moved into the world's
// tables in one transaction, the control plane derived (runs as the Jobs API lists them, settings
// over time), and the replay's span worked out.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDeployment } from '../deployments/deployment-row.js';
import { createWorldSchema } from '../simulator/world-schema.js';
import { parseCreateTable, type TableDef } from '../warehouse/ddl-parse.js';
import { DUCKDB_DEFAULT_LOCATIONS, DuckDbWarehouse } from '../warehouse/duckdb/duckdb-warehouse.js';
import type { Row } from '../warehouse/port.js';
import { loadSql, splitStatements } from '../warehouse/sql-files.js';
import { type ExportTable, exportCatalog, type Lags } from './export-catalog.js';
import { type ExportFile, ExportInputError, normalizeNdjson, scanExport } from './export-files.js';
import { eventMinutesStatement, insertStatement, lastFactStatement } from './load-statements.js';
import { checkParquet } from './parquet-files.js';
import { type ReplayInfo, ReplayWorld } from './replay-world.js';
import { settingsHistory } from './settings-history.js';

const MINUTE = 60_000;

export interface LoadOptions {
  readonly dir: string;
  /** The workspace whose deployments these are; needed when the system tables hold several. */
  readonly workspaceId?: string | undefined;
  readonly lags: Lags;
  readonly onProgress?: (phase: string, done: number, total: number) => void;
}

function tableDefs(name: string, schema?: [string, string]): TableDef[] {
  return splitStatements(loadSql(name))
    .map(parseCreateTable)
    .filter((d): d is TableDef => d !== null)
    .map((d) => (schema ? { ...d, name: d.name.replace(schema[0], schema[1]) } : d));
}

/** The files an export may hold, from the DDL the embedded warehouse is built from. */
export function catalogFor(lags: Lags): ExportTable[] {
  return exportCatalog({
    system: tableDefs('ddl/system'),
    eventLog: tableDefs('ddl/event_log')[0]!,
    elementary: tableDefs('ddl/elementary', ['{{dbt_artifacts}}', 'elementary']),
    ops: tableDefs('ddl/ops', ['{{ops}}', 'ops']),
    lags,
  });
}

interface Checked {
  readonly file: ExportFile;
  readonly rows: number;
  readonly workspaceIds: ReadonlySet<string>;
  /** What the insert reads: the normalized NDJSON, or the Parquet parts with their columns. */
  readonly sources: ReadonlyArray<{
    readonly path: string;
    readonly present?: ReadonlySet<string>;
    readonly jobRunId?: boolean;
  }>;
}

export async function loadExport(o: LoadOptions): Promise<{ wh: DuckDbWarehouse; world: ReplayWorld }> {
  const catalog = catalogFor(o.lags);
  const files = scanExport(o.dir, catalog);
  const tmp = mkdtempSync(join(tmpdir(), 'postflight-backtest-'));
  let scratch: DuckDbWarehouse | null = null;
  let wh: DuckDbWarehouse | null = null;
  try {
    const checked: Checked[] = [];
    for (const [i, file] of files.entries()) {
      if (file.format === 'ndjson') {
        const out = join(tmp, `${i}.ndjson`);
        checked.push({ file, ...(await normalizeNdjson(file, out)), sources: [{ path: out }] });
      } else {
        scratch ??= await utcWarehouse(':memory:');
        const r = await checkParquet(scratch, file);
        checked.push({
          file,
          ...r,
          sources: file.paths.map((path) => ({ path, present: r.present.get(path)!, jobRunId: r.jobRunId.has(path) })),
        });
      }
      o.onProgress?.('checking the export', i + 1, files.length);
    }
    const workspaceId = chooseWorkspace(new Set(checked.flatMap((c) => [...c.workspaceIds])), o.workspaceId);
    wh = await utcWarehouse(':memory:', workspaceId);
    await createWorldSchema(wh);
    for (const stmt of splitStatements(loadSql('embedded/replay_world'))) await wh.session.run(stmt);
    const s = wh.session;
    await s.run('BEGIN TRANSACTION');
    for (const [i, c] of checked.entries()) {
      for (const src of c.sources) {
        await s
          .run(insertStatement(c.file.table, c.file.format, src.present, src.jobRunId), { path: src.path })
          .catch((e: unknown) => {
            throw new ExportInputError(
              `${join(o.dir, c.file.display)}: could not be loaded (${String((e as Error).message).split('\n')[0]}); see docs/embedded-layout.md`,
            );
          });
      }
      o.onProgress?.('loading', i + 1, checked.length);
    }
    await checkDeployments(wh, join(o.dir, files.find((f) => f.table.name === 'ops.deployments')!.display));
    await s.run(loadSql('embedded/replay_api_runs'), { workspace_id: workspaceId });
    await writeSettingsHistory(wh);
    const info = await spanOf(wh, catalog, {
      from: o.dir,
      workspaceId,
      files: checked.map((c) => ({ table: c.file.table.name, file: c.file.display, rows: c.rows })),
      lags: o.lags,
    });
    const world = await ReplayWorld.create(wh, info);
    await s.run('COMMIT');
    return { wh, world };
  } catch (e) {
    await wh?.close();
    throw e;
  } finally {
    await scratch?.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function utcWarehouse(path: string, workspaceId?: string): Promise<DuckDbWarehouse> {
  const wh = await DuckDbWarehouse.open(path, { ...DUCKDB_DEFAULT_LOCATIONS, ...(workspaceId ? { workspaceId } : {}) });
  // Parquet timestamps are instants; as Databricks does, the warehouse reads them in UTC.
  await wh.session.run("SET TimeZone = 'UTC'");
  return wh;
}

export function chooseWorkspace(ids: ReadonlySet<string>, given: string | undefined): string {
  const list = [...ids].sort().join(', ');
  if (given !== undefined) {
    if (ids.size > 0 && !ids.has(given))
      throw new ExportInputError(
        `--workspace-id ${given}: no row of the export belongs to that workspace; its rows name ${list}`,
      );
    return given;
  }
  if (ids.size > 1)
    throw new ExportInputError(
      `the export's system-table rows belong to ${ids.size} workspaces (${list}): system tables hold every workspace of the region; pass --workspace-id with the one whose deployments these are`,
    );
  // With no system table the id filters nothing.
  return [...ids][0] ?? '0';
}

/** Every deployment as the verifier will read it (a Parquet file is not checked line by line). */
async function checkDeployments(wh: DuckDbWarehouse, file: string): Promise<void> {
  const dup = await wh.session.all(
    'SELECT deployment_id, count(*) AS n FROM postflight.deployments GROUP BY deployment_id HAVING count(*) > 1 LIMIT 1',
  );
  if (dup[0])
    throw new ExportInputError(
      `${file}, column deployment_id: '${String(dup[0].deployment_id)}' is listed ${Number(dup[0].n)} times; keep one row per deployment`,
    );
  const rows = await wh.session.all(
    'SELECT *, epoch_ms(finished_at) AS finished_ms, epoch_ms(started_at) AS started_ms FROM postflight.deployments',
  );
  for (const r of rows) {
    try {
      parseDeployment(r);
    } catch (e) {
      throw new ExportInputError(`${file}, deployment ${String(r.deployment_id)}: ${(e as Error).message}`);
    }
  }
  if (!rows.some((r) => r.status === 'SUCCEEDED' || r.status === 'PARTIAL'))
    throw new ExportInputError(
      `${file}, column status: no deployment has status SUCCEEDED or PARTIAL, so there is nothing to verify; export the deployments that reached the workspace`,
    );
}

async function writeSettingsHistory(wh: DuckDbWarehouse): Promise<void> {
  const s = wh.session;
  const ms = (cols: string) => `SELECT * REPLACE (${cols}) FROM`;
  const history = settingsHistory({
    jobs: await s.all(
      `${ms('epoch_ms(change_time) AS change_time, epoch_ms(delete_time) AS delete_time')} sim_world.system_lakeflow__jobs WHERE workspace_id = $ws`,
      {
        ws: wh.locations.workspaceId!,
      },
    ),
    jobTasks: await s.all(
      `${ms('epoch_ms(change_time) AS change_time, epoch_ms(delete_time) AS delete_time')} sim_world.system_lakeflow__job_tasks WHERE workspace_id = $ws`,
      {
        ws: wh.locations.workspaceId!,
      },
    ),
    pipelines: await s.all(
      `${ms('epoch_ms(change_time) AS change_time, epoch_ms(delete_time) AS delete_time')} sim_world.system_lakeflow__pipelines WHERE workspace_id = $ws`,
      {
        ws: wh.locations.workspaceId!,
      },
    ),
    snapshots: (await s.all(
      `SELECT s.resource_type, s.resource_id, s.settings, d.bundle, d.version, epoch_ms(d.finished_at) AS finished_ms
       FROM postflight.resource_snapshots s JOIN postflight.deployments d ON d.deployment_id = s.deployment_id
       WHERE d.status IN ('SUCCEEDED', 'PARTIAL') AND d.finished_at IS NOT NULL`,
    )) as Row[],
  });
  if (history.length === 0) return;
  await s.append(
    'sim_world.api_settings_history',
    ['STRING', 'STRING', 'STRING', 'STRING', 'STRING', 'BIGINT', 'STRING'],
    history.map((h) => [h.resourceId, h.resourceType, h.bundle, h.version, h.settings, h.fromMs, h.source]),
  );
}

async function spanOf(
  wh: DuckDbWarehouse,
  catalog: readonly ExportTable[],
  base: Pick<ReplayInfo, 'from' | 'workspaceId' | 'files' | 'lags'>,
): Promise<ReplayInfo> {
  const s = wh.session;
  const [first] = await s.all(
    "SELECT min(epoch_ms(finished_at)) AS first_ms FROM postflight.deployments WHERE status IN ('SUCCEEDED', 'PARTIAL')",
  );
  const [last] = await s.all(lastFactStatement(catalog));
  const startMs = Math.floor(Number(first!.first_ms) / MINUTE) * MINUTE;
  const endMs = Math.max(startMs, Math.ceil(Number(last!.last_ms) / MINUTE) * MINUTE);
  const minutes = (await s.all(eventMinutesStatement(catalog))).map((r) => Number(r.minute_ms));
  const changes = await s.all('SELECT DISTINCT from_ms FROM sim_world.api_settings_history ORDER BY 1');
  return {
    ...base,
    startMs,
    endMs,
    eventMinutes: minutes.filter((m) => m > startMs && m <= endMs),
    settingsChanges: changes.map((r) => Number(r.from_ms)),
    warnings: await incompleteRuns(wh, endMs, base.lags.lakeflowMs),
  };
}

/**
 * The runs of a replay come from the system tables, which an export taken before they caught up
 * lacks for its last hours (Databricks shows them hours late): a replay past their end misses runs
 * the Jobs API showed, and judges their tables stale. Said, not guessed around: the fix is an
 * earlier --until or a later export.
 */
async function incompleteRuns(wh: DuckDbWarehouse, endMs: number, lagMs: number): Promise<string[]> {
  const [r] = await wh.session.all(
    `SELECT max(t) AS last_ms FROM (
       SELECT max(epoch_ms(period_end_time)) AS t FROM sim_world.system_lakeflow__job_run_timeline
       UNION ALL SELECT max(epoch_ms(period_end_time)) FROM sim_world.system_lakeflow__pipeline_update_timeline)`,
  );
  const lastMs = r?.last_ms === null || r?.last_ms === undefined ? null : Number(r.last_ms);
  if (lastMs === null || endMs - lastMs <= lagMs) return [];
  const at = new Date(lastMs).toISOString();
  return [
    `the exported run timelines end at ${at}, ${Math.round((endMs - lastMs) / 60_000)} min before the export's other rows: if jobs ran after that, the export was taken before the system tables showed their runs, and the replay judges their tables stale; pass --until ${at}, or export a period that ended at least a few hours before the export`,
  ];
}
