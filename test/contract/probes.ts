// Bad input at the edge: a statement Spark rejects. The job run timeline is moved away, as a
// workspace whose system schema is not enabled would have it; the statement that reads it fails
// on Spark, the Databricks warehouse raises its SqlStatementError naming the statement, and a
// tick goes on, recording the run-health checks it could not measure as ERROR.

import { runTick } from '../../src/tick/run-tick.js';
import { readRuns } from '../../src/tick/runs.js';
import type { TickDeps } from '../../src/tick/types.js';
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
  /** Moves the world on (a tick judges only deployments with new evidence or due a re-check). */
  advance: (toMs: number) => Promise<void>,
): Promise<ProbeResult> {
  const table = `\`${sparkName('system', 'lakeflow')}\`.\`job_run_timeline\``;
  const away = `\`${sparkName('system', 'lakeflow')}\`.\`job_run_timeline_moved\``;
  const moved = async <T>(f: () => Promise<T>): Promise<T> => {
    await spark.run(`ALTER TABLE ${table} RENAME TO ${away}`, []);
    try {
      return await f();
    } finally {
      await spark.run(`ALTER TABLE ${away} RENAME TO ${table}`, []);
    }
  };
  {
    const err = await moved(() =>
      readRuns(wh, ['100000'], { sinceMs: nowMs - 86_400_000, weekdaySinceMs: nowMs - 86_400_000 }).then(
        () => null,
        (e: unknown) => e,
      ),
    );
    // Ticks on until one judges a deployment: that tick cannot read any run. The world moves on
    // with the table in place, so what the platform publishes meanwhile still lands in it.
    let at = nowMs;
    let tickErrors: string[] = [];
    let errorResults = 0;
    let ticks = 0;
    while (errorResults === 0 && ticks < 12) {
      at += 5 * 60_000;
      await advance(at);
      const tick = await moved(() => runTick(deps(wh, ws), at));
      ticks++;
      tickErrors = tick.errors.filter((x) => /sql tick\/runs/.test(x.message)).map((x) => x.message);
      const rows = await spark.run(
        `SELECT count(*) FROM \`${sparkName('ops', 'postflight')}\`.\`check_results\` WHERE tick_id = :tick AND status = 'ERROR' AND explanation LIKE '%sql tick/runs%'`,
        [{ name: 'tick', type: 'STRING', value: tick.tickId }],
      );
      errorResults = Number(rows.rows[0]![0]);
    }
    const e = err instanceof SqlStatementError ? err : null;
    const report = {
      error_type: err instanceof Error ? err.name : String(err),
      statement: e?.statement ?? null,
      error_class: e?.errorClass ?? null,
      sql_state: e?.sqlState ?? null,
      message: e?.message.slice(0, 200) ?? null,
      ticks,
      tick_measurement_errors: tickErrors.length,
      tick_error_results: errorResults,
    };
    const ok =
      e !== null && e.statement === 'tick/runs' && e.errorClass === 'TABLE_OR_VIEW_NOT_FOUND' && errorResults > 0;
    return { ok, report, expected: new Set(failedSince()) };
  }
}
