// Embedded worlds for the views, dashboard and alerts: an empty one (postflight just installed)
// and clock control, since an alert's window ends at the warehouse clock, which in the embedded
// world is the simulated now (sim_world.clock).

import { type DeploymentRecord, recordDeployments } from '../../src/ci/record.js';
import { createOpsTablesAndViews } from '../../src/simulator/world-schema.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import type { Row } from '../../src/warehouse/port.js';
import { loadSql, splitStatements } from '../../src/warehouse/sql-files.js';
import { type AlertState, bundleAlerts, evaluateAlert } from './alert-evaluation.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/** postflight's tables and views with nothing in them, the clock at `nowMs`. */
export async function openEmptyOpsWorld(nowMs: number): Promise<DuckDbWarehouse> {
  const wh = await DuckDbWarehouse.open(':memory:');
  for (const stmt of splitStatements(loadSql('embedded/sim_world'))) await wh.session.run(stmt);
  await wh.session.run('INSERT INTO sim_world.clock VALUES ($now)', { now: nowMs });
  await wh.applyDdl('ddl/ops');
  await createOpsTablesAndViews(wh);
  return wh;
}

export async function setClock(wh: DuckDbWarehouse, nowMs: number): Promise<void> {
  await wh.session.run('UPDATE sim_world.clock SET now_ms = $now', { now: nowMs });
}

export async function clockMs(wh: DuckDbWarehouse): Promise<number> {
  const [r] = await wh.session.all('SELECT now_ms FROM sim_world.clock');
  return Number(r!.now_ms);
}

const ALERTS = bundleAlerts();

/** Runs an alert's query (sql/alerts/<key>.sql, the text alerts.yml deploys) and judges it as the alert does. */
export async function runAlert(wh: DuckDbWarehouse, key: string): Promise<{ state: AlertState; rows: Row[] }> {
  const alert = ALERTS[key];
  if (!alert) throw new Error(`no alert ${key} in alerts.yml`);
  const rows = await wh.query(`alerts/${key}`);
  return { state: evaluateAlert(alert.evaluation, rows), rows };
}

/** Records a deployment the way CI does (`postflight record`). */
export async function recordDeployment(
  wh: DuckDbWarehouse,
  d: Pick<DeploymentRecord, 'deploymentId' | 'bundle' | 'target' | 'version' | 'finishedMs'>,
): Promise<void> {
  const rec: DeploymentRecord = {
    ...d,
    previousVersion: null,
    actor: 'sp-ci',
    ciRunUrl: null,
    startedMs: d.finishedMs! - MINUTE,
    status: 'SUCCEEDED',
    resources: [],
    expectedChanges: [],
    traceId: d.deploymentId.padEnd(32, '0'),
  };
  await recordDeployments(wh, { deployments: [rec], snapshots: [], events: [] }, d.finishedMs!);
}
