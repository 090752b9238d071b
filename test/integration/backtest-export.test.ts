// The export queries of sql/export (docs/embedded-layout.md), run against a warehouse holding a
// workspace's rows, give an export that loads into the same replay world: the columns they select
// are the columns the loader reads. They run here on the embedded warehouse, over the replay world
// of the hand-written export with every row visible, and their results are written as NDJSON the
// way a notebook writes them (DuckDB's JSON writer standing in for Spark's); DESCRIBE HISTORY is
// the embedded Delta history, per table the export lists.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { DEFAULT_LAGS } from '../../src/backtest/export-catalog.js';
import { loadExport } from '../../src/backtest/load-export.js';
import type { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { listSql, loadSql } from '../../src/warehouse/sql-files.js';
import { parameterNames } from '../../src/warehouse/sql-template.js';

const FIXTURE = join(import.meta.dirname, '../fixtures/backtest/export');
const out = mkdtempSync(join(tmpdir(), 'pf-backtest-export-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const PARAMS = { workspace_id: '1234567890123456', since: '2026-01-01T00:00:00Z', until: '2026-04-01T00:00:00Z' };
const TABLES = [
  'sim_world.system_lakeflow__jobs',
  'sim_world.system_lakeflow__job_tasks',
  'sim_world.system_lakeflow__job_run_timeline',
  'sim_world.system_lakeflow__job_task_run_timeline',
  'sim_world.system_lakeflow__pipelines',
  'sim_world.system_lakeflow__pipeline_update_timeline',
  'sim_world.system_access__table_lineage',
  'sim_world.system_access__audit',
  'sim_world.event_log',
  'sim_world.delta_commits',
  'sim_world.api_runs',
  'sim_world.api_settings_history',
  'postflight.deployments',
  'postflight.resource_snapshots',
  'postflight.deployment_events',
];

async function contents(wh: DuckDbWarehouse): Promise<Record<string, unknown>> {
  const got: Record<string, unknown> = {};
  for (const t of TABLES) got[t] = await wh.session.all(`SELECT * FROM ${t} ORDER BY ALL`);
  return got;
}

/** The parameters a statement takes, as a notebook binds them. */
const paramsOf = (name: string) =>
  Object.fromEntries(parameterNames(loadSql(name)).map((p) => [p, PARAMS[p as keyof typeof PARAMS]]));
const file = (name: string) => join(out, name).replace(/'/g, "''");

it('exports, with the documented queries, what loads back as the same replay world', async () => {
  const { wh } = await loadExport({ dir: FIXTURE, lags: DEFAULT_LAGS });
  let before: Record<string, unknown>;
  try {
    before = await contents(wh);
    // The workspace as it is when the export is taken: every row visible.
    await wh.session.run('UPDATE sim_world.clock SET now_ms = $now', { now: Date.parse(PARAMS.until) });
    const queries = listSql('export').filter((n) => n !== 'export/delta_history_tables');
    expect(queries.length).toBeGreaterThanOrEqual(15);
    for (const name of queries) {
      await wh.session.run(`CREATE OR REPLACE TEMP TABLE exported AS ${wh.compile(name)}`, paramsOf(name));
      const [n] = await wh.session.all('SELECT count(*) AS n FROM exported');
      if (Number(n!.n) === 0) continue;
      await wh.session.exec(`COPY exported TO '${file(`${name.slice('export/'.length)}.ndjson`)}' (FORMAT JSON)`);
    }
    const tables = await wh.session.all(
      wh.compile('export/delta_history_tables'),
      paramsOf('export/delta_history_tables'),
    );
    expect(tables.map((t) => t.table_name).sort()).toEqual([
      'main.raw.crm_accounts',
      'main.raw.order_events',
      'main.raw.web_events',
      'main.sales.customers',
      'main.sales.orders',
      'main.web.sessions',
    ]);
    await wh.session.run('CREATE OR REPLACE TEMP TABLE history AS SELECT * FROM delta_history.commits LIMIT 0');
    for (const t of tables)
      await wh.session.run('INSERT INTO history SELECT * FROM delta_history.commits WHERE table_name = $t', {
        t: String(t.table_name),
      });
    await wh.session.exec(`COPY history TO '${file('delta_history.ndjson')}' (FORMAT JSON)`);
  } finally {
    await wh.close();
  }
  const again = await loadExport({ dir: out, lags: DEFAULT_LAGS });
  try {
    expect(again.world.info.files.map((f) => f.table).sort()).toContain('ops.deployments');
    expect(await contents(again.wh)).toEqual(before);
    expect(again.world.info.startMs).toBe(Date.parse('2026-03-02T10:00:00Z'));
  } finally {
    await again.wh.close();
  }
});
