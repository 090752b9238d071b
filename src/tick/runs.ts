// Runs: one paged jobs/runs/list from the last watermark (fast plane), the system tables merged
// with the run cache (slow plane), and the once-a-quarter-hour ask for runs the fast plane missed.

import type { Horizon } from '../checks/baseline-window.js';
import { failureCause, normalizeResult, runFromApi } from '../evidence/normalize.js';
import type { RunRecord } from '../types.js';
import { indexedRows } from '../warehouse/id-rows.js';
import type { RowBatch, Warehouse } from '../warehouse/port.js';
import type { Workspace } from '../workspace/port.js';

/** Lists runs started since the watermark (all pages) and returns them with the next watermark. */
export async function listNewRuns(
  ws: Workspace,
  fromMs: number,
  nowMs: number,
): Promise<{ runs: RunRecord[]; nextWatermarkMs: number }> {
  const runs: RunRecord[] = [];
  let token: string | undefined;
  do {
    const page = await ws.listRuns(
      token === undefined ? { startTimeFrom: fromMs } : { startTimeFrom: fromMs, pageToken: token },
    );
    for (const r of page.runs) runs.push(runFromApi(r));
    token = page.has_more ? page.next_page_token : undefined;
  } while (token !== undefined);
  // Keep still-running runs in the next listing so their outcome is seen; otherwise a small
  // overlap guards against runs registered a moment late.
  const oldestRunning = runs.filter((r) => r.result === 'RUNNING').reduce((m, r) => Math.min(m, r.startMs), Infinity);
  return { runs, nextWatermarkMs: Math.min(oldestRunning, nowMs - 2 * 60_000) };
}

export function observedRunRows(runs: readonly RunRecord[], nowMs: number): RowBatch {
  return {
    columns: [
      { name: 'run_id', type: 'STRING' },
      { name: 'subject_id', type: 'STRING' },
      { name: 'start_time', type: 'TIMESTAMP' },
      { name: 'end_time', type: 'TIMESTAMP' },
      { name: 'result', type: 'STRING' },
      { name: 'raw_result', type: 'STRING' },
      { name: 'cause', type: 'STRING' },
      { name: 'failed_tasks', type: 'STRING' },
      { name: 'plane', type: 'STRING' },
      { name: 'observed_at', type: 'TIMESTAMP' },
    ],
    rows: runs.map((r) => [
      r.runId,
      r.subjectId,
      r.startMs,
      r.endMs,
      r.result,
      r.rawResult,
      r.cause,
      JSON.stringify(r.failedTasks),
      r.plane,
      nowMs,
    ]),
  };
}

type Deployed = { readonly finishedMs: number; readonly resources: ReadonlyArray<{ readonly id: string }> };

/** One row per deployed job or pipeline: the deployment's position, the id, its deploy time. */
export function slowPendingRows(deployments: readonly Deployed[]): RowBatch {
  const rows: Array<[number, string, number]> = [];
  deployments.forEach((d, i) => {
    for (const id of new Set(d.resources.map((r) => r.id))) rows.push([i, id, d.finishedMs]);
  });
  return {
    columns: [
      { name: 'idx', type: 'BIGINT' },
      { name: 'id', type: 'STRING' },
      { name: 'since_ms', type: 'BIGINT' },
    ],
    rows,
  };
}

/**
 * Positions (in `deployments`) of the deployments whose jobs or pipelines have a finished
 * post-deploy run in the system tables that the fast plane never recorded as finished.
 */
export async function readSlowPending(wh: Warehouse, deployments: readonly Deployed[]): Promise<Set<number>> {
  const batch = slowPendingRows(deployments);
  if (batch.rows.length === 0) return new Set();
  const found = await wh.query('tick/slow_pending', {}, batch);
  return new Set(found.map((r) => Number(r.idx)));
}

/** Runs of the given subjects from the system tables and the run cache; a cached or fast record wins. */
export async function readRuns(wh: Warehouse, ids: readonly string[], since: Horizon): Promise<RunRecord[]> {
  if (ids.length === 0) return [];
  const subjects = [...new Set(ids)];
  const rows = await wh.query(
    'tick/runs',
    { since_ms: since.sinceMs, weekday_since_ms: since.weekdaySinceMs },
    indexedRows(subjects, 'id'),
  );
  const byId = new Map<string, RunRecord>();
  for (const r of rows) {
    const endMs = r.end_ms === null || r.end_ms === undefined ? null : Number(r.end_ms);
    const subjectId = subjects[Number(r.idx)]!;
    const runId = String(r.run_id);
    const startMs = Number(r.start_ms);
    // Records are built field by field: an object spread with fields after it took a slow path
    // that cost more than the statement on baselines of thousands of runs.
    let rec: RunRecord;
    if (r.cached === true) {
      rec = {
        subjectId,
        runId,
        startMs,
        endMs,
        result: (r.result as RunRecord['result'] | null) ?? (endMs === null ? 'RUNNING' : 'UNKNOWN'),
        rawResult: (r.raw_result as string | null) ?? null,
        cause: (r.cause as RunRecord['cause'] | null) ?? 'unknown',
        failedTasks: r.failed_tasks ? (JSON.parse(String(r.failed_tasks)) as string[]) : [],
        plane: r.plane === 'slow' ? 'slow' : 'fast',
      };
    } else {
      // The slow plane always has a result state; NULL means the run simply succeeded.
      const raw = (r.raw_result as string | null) ?? 'SUCCEEDED';
      const code = (r.termination_code as string | null) ?? null;
      const result = normalizeResult(raw);
      rec = {
        subjectId,
        runId,
        startMs,
        endMs,
        result,
        rawResult: code && code !== 'SUCCESS' ? code : raw,
        cause: failureCause(result, r.termination_type as string | null, code),
        failedTasks: [],
        plane: 'slow',
      };
    }
    const prev = byId.get(runId);
    if (!prev || (prev.plane === 'slow' && r.cached === true)) byId.set(runId, rec);
  }
  return [...byId.values()];
}
