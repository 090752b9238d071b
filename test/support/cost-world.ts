// A month of billing for three bundles and postflight itself, in an empty embedded world: prices
// that change mid-month, corrections, rows of another workspace and of resources no bundle owns,
// and billing landing 12 hours late. The figures the tests expect are worked out by hand beside it.

import { recordDeployments } from '../../src/ci/record.js';
import type { ResourceRef } from '../../src/types.js';
import type { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { DAY, HOUR, insertPrices, insertUsage, type UsageRow } from './billing-rows.js';
import { emptyWorldAt } from './empty-world.js';

export const DEC = Date.UTC(2026, 11, 1);
/** 20 December, noon: billing has landed up to midnight. */
export const NOW = DEC + 19 * DAY + 12 * HOUR;
export const POLICY = { byBundle: { orders: { prod: 3000 }, billing: { prod: 500 } }, default: { prod: 400 } };

export async function deploy(
  wh: DuckDbWarehouse,
  id: string,
  bundle: string,
  atMs: number,
  resources: ReadonlyArray<Pick<ResourceRef, 'type' | 'id'> & { key?: string }>,
  target = 'prod',
): Promise<void> {
  const refs = resources.map((r) => ({ type: r.type, id: r.id, key: r.key ?? `${r.type}_${r.id}` }));
  await recordDeployments(
    wh,
    {
      deployments: [
        {
          deploymentId: id,
          bundle,
          target,
          version: `v-${id}`,
          previousVersion: null,
          actor: 'sp-ci',
          ciRunUrl: null,
          startedMs: atMs - 60_000,
          finishedMs: atMs,
          status: 'SUCCEEDED',
          resources: refs,
          expectedChanges: [],
          traceId: id.padEnd(32, '0'),
        },
      ],
      snapshots: refs.map((r) => ({ deploymentId: id, snapshot: { resource: r, settings: { name: r.id } } })),
      events: [],
    },
    atMs,
  );
}

/** Daily usage at 01:00 from `fromDay` to `toDay` (days after 1 December, inclusive). */
function daily(fromDay: number, toDay: number, row: (day: number) => Omit<UsageRow, 'startMs'>): UsageRow[] {
  const out: UsageRow[] = [];
  for (let d = fromDay; d <= toDay; d++) out.push({ startMs: DEC + d * DAY + HOUR, ...row(d) });
  return out;
}

export async function costWorld(): Promise<DuckDbWarehouse> {
  const wh = await emptyWorldAt(NOW);
  await deploy(wh, 'd-legacy', 'legacy', DEC - 30 * DAY, [{ type: 'job', id: '101' }]);
  await deploy(wh, 'd-orders', 'orders', DEC - 15 * DAY, [
    { type: 'job', id: '101' },
    { type: 'pipeline', id: 'p-1' },
  ]);
  await deploy(wh, 'd-billing', 'billing', DEC - 15 * DAY, [{ type: 'job', id: '201' }]);
  await deploy(wh, 'd-reports', 'reports', DEC - 15 * DAY, [{ type: 'job', id: '301' }]);
  await deploy(wh, 'd-quiet', 'quiet', DEC - 15 * DAY, [{ type: 'job', id: '401' }], 'dev');
  await insertPrices(wh, [
    { sku: 'JOBS', usd: 0.3, fromMs: DEC - 365 * DAY, untilMs: DEC + 9 * DAY },
    { sku: 'JOBS', usd: 0.4, fromMs: DEC + 9 * DAY },
    { sku: 'DLT', usd: 0.36, fromMs: DEC - 365 * DAY },
    { sku: 'SQL', usd: 0.7, fromMs: DEC - 365 * DAY },
    { sku: 'JOBS_SERVERLESS', usd: 0.37, fromMs: DEC - 365 * DAY },
  ]);
  const hourly: UsageRow[] = [];
  for (let h = -8 * 24; h < 20 * 24; h++)
    hourly.push({ startMs: DEC + h * HOUR, dbus: 4, sku: 'SQL', warehouseId: 'wh1' });
  await insertUsage(wh, [
    ...daily(-8, 19, () => ({ dbus: 10, sku: 'JOBS', jobId: '101' })),
    ...daily(-8, 19, () => ({ dbus: 50, sku: 'DLT', pipelineId: 'p-1' })),
    ...daily(-8, 19, () => ({ dbus: 100, sku: 'JOBS', jobId: '201' })),
    ...daily(-8, 19, (d) => ({ dbus: d >= 12 ? 60 : 10, sku: 'JOBS', jobId: '301' })),
    ...daily(-8, 19, () => ({ dbus: 2, sku: 'JOBS_SERVERLESS', jobId: '999' })),
    ...hourly,
    // A correction of 5 December's hour of job 101: 10 DBUs retracted, 12 restated.
    { startMs: DEC + 4 * DAY + HOUR, dbus: -10, sku: 'JOBS', jobId: '101', recordType: 'RETRACTION' },
    { startMs: DEC + 4 * DAY + HOUR, dbus: 12, sku: 'JOBS', jobId: '101', recordType: 'RESTATEMENT' },
    // Not the bundles' spend: another workspace, a job no bundle deployed, bytes not DBUs.
    { startMs: DEC + 5 * DAY, dbus: 1000, sku: 'JOBS', jobId: '101', workspaceId: '999' },
    { startMs: DEC + 5 * DAY, dbus: 1000, sku: 'JOBS', jobId: '777' },
    { startMs: DEC + 5 * DAY, dbus: 1000, sku: 'JOBS', jobId: '101', unit: 'GB' },
    // A SKU with no list price: counted apart, not in dollars.
    { startMs: DEC + 14 * DAY, dbus: 5, sku: 'UNKNOWN_SKU', jobId: '201' },
  ]);
  return wh;
}
