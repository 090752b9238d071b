// `postflight restore apply`'s one statement that no other command sends, run for real: RESTORE
// TABLE on a Delta table through the driver, as on a workspace. The table gets a data file per
// write, so the restore has files to remove and to add back; DESCRIBE HISTORY must then show the
// RESTORE commit with the version it went back to, and the table must hold that version's rows.

import type { Warehouse } from '../../src/warehouse/port.js';
import type { SparkWorker } from './endpoint/spark-worker.js';
import { sparkTable } from './world/table-mirror.js';

export interface RestoreProbe {
  readonly ok: boolean;
  readonly report: Record<string, unknown>;
}

/** `table` is a three-part name in a catalog the endpoint maps, not one the world mirrors. */
export async function probeRestore(spark: SparkWorker, wh: Warehouse, table: string): Promise<RestoreProbe> {
  const t = sparkTable(table);
  await spark.run(`CREATE TABLE IF NOT EXISTS ${t} (id BIGINT, written_by STRING) USING delta`, []);
  for (const by of ['good', 'good', 'bad']) {
    await spark.run(`INSERT INTO ${t} SELECT id, :by FROM range(0, 100)`, [{ name: 'by', type: 'STRING', value: by }]);
  }
  const before = await wh.describeHistory(table, 10);
  const good = before.find((h) => h.version === Math.max(...before.map((x) => x.version)) - 1)!;
  await wh.restoreTable(table, good.version);
  const after = await wh.describeHistory(table, 10);
  const newest = after[0]!;
  const rows = await spark.run(`SELECT written_by, count(*) FROM ${t} GROUP BY written_by ORDER BY 1`, []);
  const held = Object.fromEntries(rows.rows.map((r) => [String(r[0]), Number(r[1])]));
  const report = {
    table,
    restored_to: good.version,
    newest_operation: newest.operation,
    newest_parameters: newest.operationParameters ?? null,
    rows_after: held,
  };
  const ok =
    newest.operation === 'RESTORE' &&
    newest.operationParameters?.version === String(good.version) &&
    held.good === 200 &&
    held.bad === undefined;
  return { ok, report };
}
