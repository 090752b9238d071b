// Moving a step's runs into the world: rows go to per-connection staging tables first, and the
// statements of embedded/sim_flush_runs move them to the tables behind the views in bulk.

import type { DuckDbWarehouse } from '../warehouse/duckdb/duckdb-warehouse.js';
import type { StagedType } from '../warehouse/port.js';
import { loadSql, splitStatements } from '../warehouse/sql-files.js';
import { dbtRunRows } from './elementary.js';
import { writeElementary } from './row-batches.js';
import type { SimRun } from './runs.js';
import type { SourceCommit } from './sources.js';
import { stageRowsOf } from './stage-rows.js';

export type StageTable = 'stage_runs' | 'stage_tasks' | 'stage_commits' | 'stage_lineage' | 'stage_events';

/** A connection's staging tables: kept by the world, restored with it when a step is undone. */
export interface StagingState {
  /** Whether this connection's staging tables for runs exist yet. */
  staged: boolean;
  /** Staging tables holding rows from the previous flush. */
  filled: StageTable[];
}

export async function flushRuns(
  wh: DuckDbWarehouse,
  seed: number,
  staging: StagingState,
  runs: readonly SimRun[],
  ingested: readonly SourceCommit[],
): Promise<void> {
  if (runs.length === 0 && ingested.length === 0) return;
  const s = wh.session;
  if (!staging.staged) {
    for (const stmt of splitStatements(loadSql('embedded/sim_stage_runs'))) await s.run(stmt);
    staging.staged = true;
  }
  // Only the stages the previous flush filled need emptying.
  for (const t of staging.filled) await s.run(`DELETE FROM ${t}`);
  const { stageRuns, stageTasks, stageCommits, stageLineage, stageEvents } = stageRowsOf(seed, runs, ingested);
  const stages: Array<[StageTable, readonly StagedType[], typeof stageRuns]> = [
    [
      'stage_runs',
      [
        'STRING',
        'STRING',
        'STRING',
        'STRING',
        'BIGINT',
        'BIGINT',
        'STRING',
        'STRING',
        'STRING',
        'STRING',
        'STRING',
        'BIGINT',
      ],
      stageRuns,
    ],
    [
      'stage_tasks',
      ['STRING', 'STRING', 'STRING', 'STRING', 'BIGINT', 'BIGINT', 'STRING', 'STRING', 'BIGINT'],
      stageTasks,
    ],
    ['stage_commits', ['STRING', 'BIGINT', 'STRING', 'BIGINT', 'STRING', 'STRING', 'STRING'], stageCommits],
    ['stage_lineage', ['STRING', 'STRING', 'STRING', 'STRING', 'STRING', 'BIGINT', 'BIGINT', 'STRING'], stageLineage],
    [
      'stage_events',
      ['STRING', 'STRING', 'STRING', 'STRING', 'STRING', 'BIGINT', 'STRING', 'STRING', 'STRING', 'STRING', 'STRING'],
      stageEvents,
    ],
  ];
  staging.filled = stages.filter(([, , rows]) => rows.length > 0).map(([t]) => t);
  for (const [table, types, rows] of stages) if (rows.length) await s.append(table, types, rows);
  // Most minutes start runs of one kind only: statements moving an empty stage are skipped.
  const rowsIn: Record<string, number> = {
    stage_runs: stageRuns.length,
    'stage_runs:job_id': stageRuns.filter((r) => r[0] !== null).length,
    'stage_runs:pipeline_id': stageRuns.filter((r) => r[1] !== null).length,
    stage_tasks: stageTasks.length,
    stage_commits: stageCommits.length,
    // Made from stage_commits by the flush itself (the tables committed to, with their newest versions).
    stage_heads: stageCommits.length,
    stage_lineage: stageLineage.length,
    stage_events: stageEvents.length,
  };
  for (const stmt of flushStatementsOf()) if ((rowsIn[stmt.stage] ?? 1) > 0) await s.run(stmt.sql);
  const dbt = runs.filter((r) => r.pipeline.kind === 'dbt').map((r) => dbtRunRows(seed, r));
  await writeElementary(
    wh,
    'dbt_invocations',
    dbt.flatMap((d) => d.invocations),
  );
  await writeElementary(
    wh,
    'dbt_run_results',
    dbt.flatMap((d) => d.results),
  );
}

/** The flush statements, each with the stage it reads (and for runs, which kind of run): `stage_runs:job_id`. */
let flushStatements: Array<{ sql: string; stage: string }> | null = null;
function flushStatementsOf(): Array<{ sql: string; stage: string }> {
  flushStatements ??= splitStatements(loadSql('embedded/sim_flush_runs')).map((sql) => {
    const m = /FROM (stage_\w+)(?: WHERE (job_id|pipeline_id) IS NOT NULL)?/.exec(sql);
    return { sql, stage: m ? (m[2] ? `${m[1]}:${m[2]}` : m[1]!) : '' };
  });
  return flushStatements;
}
