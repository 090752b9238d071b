// Bad input at the edge: a statement Spark rejects. The dbt results table is moved away, as a
// workspace whose Elementary schema was dropped would have it; the statement that reads it fails
// on Spark, the Databricks warehouse raises its SqlStatementError naming the statement, and a
// tick goes on, recording the data-quality check it could not measure as ERROR.

import { runTick } from '../../src/tick/run-tick.js';
import type { TickDeps } from '../../src/tick/types.js';
import { readDbtTests } from '../../src/tick/dbt-tests.js';
import { SqlStatementError } from '../../src/warehouse/databricks/statement-error.js';
import type { Warehouse } from '../../src/warehouse/port.js';
import type { Workspace } from '../../src/workspace/port.js';
import { sparkName } from './endpoint/catalog-names.js';
import type { SparkWorker } from './endpoint/spark-worker.js';

export interface ProbeResult {
  readonly ok: boolean;
  readonly report: Record<string, unknown>;
  /** Statement texts expected to fail (the probe's own), left out of statements_failed. */
  readonly expected: ReadonlySet<string>;
}

export async function probeBadInput(
  spark: SparkWorker,
  wh: Warehouse,
  ws: Workspace,
  deps: (wh: Warehouse, ws: Workspace) => TickDeps,
  nowMs: number,
  failedSince: () => readonly string[],
): Promise<ProbeResult> {
  const [catalog, schema] = wh.locations.dbtArtifacts!.split('.') as [string, string];
  const table = `\`${sparkName(catalog, schema)}\`.\`dbt_run_results\``;
  const away = `\`${sparkName(catalog, schema)}\`.\`dbt_run_results_moved\``;
  await spark.run(`ALTER TABLE ${table} RENAME TO ${away}`, []);
  try {
    const err = await readDbtTests(wh, ['100000'], 0).then(
      () => null,
      (e: unknown) => e,
    );
    const tick = await runTick(deps(wh, ws), nowMs);
    const dbtErrors = tick.errors.filter((e) => /sql tick\/dbt_tests/.test(e.message));
    const rows = await spark.run(
      `SELECT count(*) FROM \`${sparkName('ops', 'postflight')}\`.\`check_results\` WHERE tick_id = :tick AND status = 'ERROR' AND explanation LIKE '%tick/dbt_tests%'`,
      [{ name: 'tick', type: 'STRING', value: tick.tickId }],
    );
    const errorResults = Number(rows.rows[0]![0]);
    const e = err instanceof SqlStatementError ? err : null;
    const report = {
      error_type: err instanceof Error ? err.name : String(err),
      statement: e?.statement ?? null,
      error_class: e?.errorClass ?? null,
      sql_state: e?.sqlState ?? null,
      message: e?.message.slice(0, 200) ?? null,
      tick_measurement_errors: dbtErrors.length,
      tick_error_results: errorResults,
    };
    const ok =
      e !== null && e.statement === 'tick/dbt_tests' && e.errorClass === 'TABLE_OR_VIEW_NOT_FOUND' && dbtErrors.length > 0;
    return { ok, report, expected: new Set(failedSince()) };
  } finally {
    await spark.run(`ALTER TABLE ${away} RENAME TO ${table}`, []);
  }
}
