// Runs: one paged jobs/runs/list from the last watermark (fast plane), the system tables merged
// with the run cache (slow plane), and the once-a-quarter-hour ask for runs the fast plane missed.

import { type Horizon, withinHorizon } from '../checks/baseline-window.js';
import { failureCause, normalizeResult, runFromApi } from '../evidence/normalize.js';
import { apiRunReason, systemRunReason } from '../evidence/validate-runs.js';
import { malformedRow } from '../evidence/validate-values.js';
import type { MeasurementError, RunRecord, TaskRunRecord } from '../types.js';
import { indexedRows } from '../warehouse/id-rows.js';
import type { RowBatch, Warehouse } from '../warehouse/port.js';
import type { Workspace } from '../workspace/port.js';

/**
 * A page of runs/list holds 25 runs and the next page can be asked for only once the last has come
 * back: the span since the watermark is listed in windows of about this length, all at once, each
 * paged on its own, so a span of many runs costs more calls, not more round trips one after another.
 */
export const LIST_WINDOW_MS = 5 * 60_000;
/** Windows listed at once at most; a longer span (a first tick's hours) gets longer windows. */
export const MAX_LIST_WINDOWS = 12;

/** The windows [from, to] (to undefined: up to now) the span is listed in, newest first. */
export function listWindows(fromMs: number, nowMs: number): Array<{ fromMs: number; toMs?: number }> {
  const n = Math.min(MAX_LIST_WINDOWS, Math.max(1, Math.ceil((nowMs - fromMs) / LIST_WINDOW_MS)));
  const bounds = Array.from({ length: n }, (_, i) => fromMs + Math.round((i * (nowMs - fromMs)) / n));
  return bounds.map((b, i) => (i + 1 < n ? { fromMs: b, toMs: bounds[i + 1]! - 1 } : { fromMs: b })).reverse();
}

async function listWindow(
  ws: Workspace,
  w: { fromMs: number; toMs?: number },
  malformed: MeasurementError[],
): Promise<RunRecord[]> {
  const runs: RunRecord[] = [];
  let token: string | undefined;
  do {
    const page = await ws.listRuns({
      startTimeFrom: w.fromMs,
      ...(w.toMs === undefined ? {} : { startTimeTo: w.toMs }),
      ...(token === undefined ? {} : { pageToken: token }),
    });
    for (const r of page.runs) {
      const reason = apiRunReason(r);
      if (reason === null) runs.push(runFromApi(r));
      else
        malformed.push(
          malformedRow('runs', `job:${String(r.job_id)}`, 'jobs/runs/list', `run_id ${String(r.run_id)}`, reason),
        );
    }
    // A run the adapter could not read as a run at all: its job's runs are unmeasured, the page's other runs stand.
    for (const m of page.malformed ?? [])
      malformed.push(
        malformedRow(
          'runs',
          m.job_id === null ? 'jobs/runs/list' : `job:${m.job_id}`,
          'jobs/runs/list',
          `run_id ${m.run_id ?? 'missing'}`,
          m.reason,
        ),
      );
    token = page.has_more ? page.next_page_token : undefined;
  } while (token !== undefined);
  return runs;
}

/** Lists runs started since the watermark (all pages) and returns them with the next watermark. */
export async function listNewRuns(
  ws: Workspace,
  fromMs: number,
  nowMs: number,
): Promise<{ runs: RunRecord[]; nextWatermarkMs: number; malformed: MeasurementError[] }> {
  const malformed: MeasurementError[] = [];
  const listed = await Promise.all(listWindows(fromMs, nowMs).map((w) => listWindow(ws, w, malformed)));
  const runs = [...new Map(listed.flat().map((r) => [r.runId, r])).values()];
  // Keep still-running runs in the next listing so their outcome is seen; otherwise a small
  // overlap guards against runs registered a moment late.
  const oldestRunning = runs.filter((r) => r.result === 'RUNNING').reduce((m, r) => Math.min(m, r.startMs), Infinity);
  return { runs, nextWatermarkMs: Math.min(oldestRunning, nowMs - 2 * 60_000), malformed };
}

/**
 * The run cache's task_runs column: the run's task runs with their times, [task_key, start_ms,
 * end_ms, result] each, where the source gives them (the Jobs API listing, job_task_run_timeline),
 * so a task's own SLA is still judged once the run has left the listing; NULL where it does not.
 */
export function taskRunsColumn(tasks: readonly TaskRunRecord[] | undefined): string | null {
  return tasks?.length ? JSON.stringify(tasks.map((t) => [t.taskKey, t.startMs, t.endMs, t.result])) : null;
}

export function fromTaskRunsColumn(text: unknown): TaskRunRecord[] | undefined {
  if (!text) return undefined;
  const v = JSON.parse(String(text)) as [string, number, number | null, string][];
  return v.map(([taskKey, startMs, endMs, result]) => ({
    taskKey,
    startMs,
    endMs,
    result: result as TaskRunRecord['result'],
  }));
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
      { name: 'task_runs', type: 'STRING' },
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
      taskRunsColumn(r.tasks),
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

/**
 * Runs of the given subjects from the system tables and the run cache; a cached or fast record wins.
 * `pending` are runs on their way into the cache (tick/merge_observed_runs, still in flight): they
 * are laid over what was read the way that MERGE lays them over the cached rows, so the read need
 * not wait for the write.
 */
export async function readRuns(
  wh: Warehouse,
  ids: readonly string[],
  since: Horizon,
  pending: readonly RunRecord[] = [],
  tasksSinceMs: number = since.sinceMs,
  /** Where a system-table row that breaks its schema is reported (subject id, row key, reason); it is never a run. */
  onMalformed?: (subjectId: string, key: string, reason: string) => void,
): Promise<RunRecord[]> {
  if (ids.length === 0) return [];
  const subjects = [...new Set(ids)];
  const rows = await wh.query(
    'tick/runs',
    { since_ms: since.sinceMs, weekday_since_ms: since.weekdaySinceMs, tasks_since_ms: tasksSinceMs },
    indexedRows(subjects, 'id'),
  );
  const byId = new Map<string, RunRecord>();
  /** Task runs from the system tables, by job run id: given to the runs that know none of their own. */
  const slowTasks = new Map<string, TaskRunRecord[]>();
  /** Runs whose record came from the run cache, where the pending runs merge into it. */
  const cached = new Set<string>();
  for (const r of rows) {
    const subjectId = subjects[Number(r.idx)]!;
    if (r.cached !== true) {
      const reason = systemRunReason(r);
      if (reason !== null) {
        const what = r.task_key === null || r.task_key === undefined ? 'run' : `task ${String(r.task_key)} of run`;
        onMalformed?.(subjectId, `${what} ${String(r.run_id)} of ${subjectId}`, reason);
        continue;
      }
    }
    const endMs = r.end_ms === null || r.end_ms === undefined ? null : Number(r.end_ms);
    const runId = String(r.run_id);
    const startMs = Number(r.start_ms);
    if (r.task_key !== null && r.task_key !== undefined) {
      const at = slowTasks.get(runId) ?? slowTasks.set(runId, []).get(runId)!;
      at.push({ taskKey: String(r.task_key), startMs, endMs, result: normalizeResult(r.raw_result as string | null) });
      continue;
    }
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
      const tasks = fromTaskRunsColumn(r.task_runs);
      if (tasks) rec = { ...rec, tasks };
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
    if (!prev || (prev.plane === 'slow' && r.cached === true)) {
      byId.set(runId, rec);
      if (r.cached === true) cached.add(runId);
    }
  }
  slowTasks.forEach((tasks, runId) => {
    const rec = byId.get(runId);
    if (rec && !rec.tasks) byId.set(runId, { ...rec, tasks: tasks.sort((a, b) => a.startMs - b.startMs) });
  });
  const wanted = new Set(subjects);
  for (const s of pending) {
    if (!wanted.has(s.subjectId)) continue;
    const merged = mergedRun(cached.has(s.runId) ? byId.get(s.runId)! : null, s);
    if (withinHorizon(merged.startMs, since)) {
      byId.set(s.runId, merged);
      cached.add(s.runId);
    }
  }
  return [...byId.values()];
}

/** A run as tick/merge_observed_runs leaves it in the cache, `t` the cached row (null: none), `s` the new one. */
export function mergedRun(t: RunRecord | null, s: RunRecord): RunRecord {
  if (t === null) return s;
  // A later sighting without an end never takes back an outcome already seen.
  const keep = s.endMs === null && t.endMs !== null ? t : s;
  return {
    subjectId: s.subjectId,
    runId: s.runId,
    startMs: Math.min(t.startMs, s.startMs),
    endMs: s.endMs ?? t.endMs,
    result: keep.result,
    rawResult: keep.rawResult,
    cause: keep.cause,
    failedTasks: s.failedTasks,
    plane: keep.plane,
    // As the MERGE keeps the task runs of the new sighting, else those cached.
    ...(s.tasks || t.tasks ? { tasks: s.tasks ?? t.tasks } : {}),
  };
}
