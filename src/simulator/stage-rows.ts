// The rows one flush writes to the staging tables: what the system tables, the event log, the
// Delta history and lineage get from the runs of a step and from the ingestion into the sources.
// Commits carry no Delta version: the flush numbers them per table (embedded/sim_flush_runs).

import { uniform } from './random.js';
import { LATENCY_MS } from './row-batches.js';
import type { SimRun } from './runs.js';
import type { SourceCommit } from './sources.js';

/** Rows for each staging table, in its columns' order (see embedded/sim_stage_runs). */
export interface StageRows {
  readonly stageRuns: (string | number | null)[][];
  readonly stageTasks: (string | number | null)[][];
  readonly stageCommits: (string | number | null)[][];
  readonly stageLineage: (string | number | null)[][];
  readonly stageEvents: (string | number | null)[][];
}

export function stageRowsOf(seed: number, runs: readonly SimRun[], ingested: readonly SourceCommit[]): StageRows {
  const stageRuns: (string | number | null)[][] = [];
  const stageTasks: (string | number | null)[][] = [];
  const stageCommits: (string | number | null)[][] = [];
  const stageLineage: (string | number | null)[][] = [];
  const stageEvents: (string | number | null)[][] = [];
  for (const r of runs) {
    const p = r.pipeline;
    const slow = r.endMs + LATENCY_MS.lakeflow;
    const resultState = r.succeeded ? 'SUCCEEDED' : r.timedOut ? 'TIMED_OUT' : 'FAILED';
    if (p.resourceType === 'job') {
      stageRuns.push([
        p.id,
        null,
        r.runId,
        p.name,
        r.startMs,
        r.endMs,
        resultState,
        r.succeeded ? 'SUCCESS' : r.timedOut ? 'TIMEDOUT' : 'FAILED',
        r.terminationCode,
        r.terminationType,
        JSON.stringify(r.tasks),
        slow,
      ]);
      for (const t of r.tasks)
        stageTasks.push([
          p.id,
          r.runId,
          t.runId,
          t.taskKey,
          t.startMs,
          t.endMs,
          t.result,
          t.result === 'SUCCEEDED' ? 'SUCCESS' : r.terminationCode,
          slow,
        ]);
      if (r.schemaChange)
        stageCommits.push([p.targets[0]!.name, r.startMs + 1000, r.schemaChange, null, p.id, p.name, r.runId]);
      r.rows.forEach((rows, i) => {
        if (rows === null) return;
        stageCommits.push([
          p.targets[i]!.name,
          r.endMs - (r.rows.length - i) * 1000,
          p.kind === 'dbt' ? 'CREATE OR REPLACE TABLE AS SELECT' : 'WRITE',
          rows,
          p.id,
          p.name,
          r.runId,
        ]);
      });
    } else {
      stageRuns.push([
        null,
        p.id,
        r.runId,
        p.name,
        r.startMs,
        r.endMs,
        resultState,
        null,
        r.terminationCode,
        r.terminationType,
        null,
        slow,
      ]);
      stageEvents.push([
        `${r.runId}-c`,
        p.id,
        p.name,
        r.runId,
        null,
        r.startMs,
        `Update ${r.runId.slice(-6)} started by SCHEDULE.`,
        'INFO',
        JSON.stringify({ create_update: { cause: 'JOB_TASK', full_refresh: false } }),
        'create_update',
        null,
      ]);
      r.rows.forEach((rows, i) => {
        if (rows === null) return;
        const flow = p.targets[i]!.name.split('.').pop()!;
        const expectations =
          i === 0
            ? r.expectations.map((e) => ({
                name: e.name,
                dataset: e.dataset,
                passed_records: e.passed,
                failed_records: e.failed,
              }))
            : [];
        stageEvents.push([
          `${r.runId}-f${i}`,
          p.id,
          p.name,
          r.runId,
          flow,
          r.endMs - 2000,
          `Flow '${flow}' has COMPLETED.`,
          'METRICS',
          JSON.stringify({
            flow_progress: {
              status: 'COMPLETED',
              metrics: { num_output_rows: rows, ...backlogAt(seed, r, i, rows) },
              data_quality: { dropped_records: 0, expectations },
            },
          }),
          'flow_progress',
          null,
        ]);
      });
      const state = r.succeeded ? 'COMPLETED' : 'FAILED';
      stageEvents.push([
        `${r.runId}-u`,
        p.id,
        p.name,
        r.runId,
        null,
        r.endMs,
        `Update ${r.runId.slice(-6)} is ${state}.`,
        r.succeeded ? 'INFO' : 'ERROR',
        JSON.stringify({ update_progress: { state } }),
        'update_progress',
        r.succeeded
          ? null
          : JSON.stringify({
              fatal: true,
              exceptions: [
                {
                  class_name: r.terminationType === 'CLOUD_FAILURE' ? 'CloudProviderException' : 'AnalysisException',
                  message: r.terminationCode,
                },
              ],
            }),
      ]);
    }
    for (const src of p.sources) {
      for (const [i, t] of p.targets.entries()) {
        if (r.rows[i] === null) continue;
        stageLineage.push([
          p.resourceType === 'job' ? 'JOB' : 'PIPELINE',
          p.id,
          r.runId,
          src,
          t.name,
          r.endMs,
          r.endMs + LATENCY_MS.lineage,
          `${r.runId}-${i}-${src}`,
        ]);
      }
    }
  }
  // Ingestion into the source tables runs outside any job the workspace knows of.
  for (const c of ingested) stageCommits.push([c.table, c.timestampMs, 'STREAMING UPDATE', c.rows, null, null, null]);
  return { stageRuns, stageTasks, stageCommits, stageLineage, stageEvents };
}

/** What a streaming flow still had to read when its update finished: a small, noisy share of its input. */
function backlogAt(
  seed: number,
  r: SimRun,
  flow: number,
  rows: number,
): { backlog_records: number; backlog_seconds: number; backlog_bytes: number } {
  const share = 0.02 * Math.exp(0.3 * (uniform(seed, 'backlog', r.runId, flow) - 0.5));
  const records = Math.round(rows * share);
  return { backlog_records: records, backlog_seconds: Math.round(5 + 60 * share * 10), backlog_bytes: records * 512 };
}
