// The limits the deployed jobs state (timeouts, duration health rules), read once for every
// deployment due: from each deployment's settings snapshot, else from the system tables as they
// stood at the deploy. Pipelines are not asked: they state no run timeout.

import { type StatedSlas, slasFromJobSettings, slasFromSystemRows, statesAny } from '../checks/stated-slas.js';
import { statedRowReason } from '../evidence/validate-context.js';
import { malformedRow } from '../evidence/validate-values.js';
import type { MeasurementError } from '../types.js';
import type { RowBatch, Warehouse } from '../warehouse/port.js';
import type { ActiveDeployment } from './open.js';

/** Stated SLAs by deployment id, then job id. */
export type StatedSlasIndex = ReadonlyMap<string, ReadonlyMap<string, StatedSlas>>;

export interface Wanted {
  readonly deploymentId: string;
  readonly jobId: string;
}

/** The statement's row batch: one row per deployed job. */
export function wantedRows(wanted: readonly Wanted[], finishedOf: ReadonlyMap<string, number>): RowBatch {
  return {
    columns: [
      { name: 'idx', type: 'BIGINT' },
      { name: 'deployment_id', type: 'STRING' },
      { name: 'job_id', type: 'STRING' },
      { name: 'finished_ms', type: 'BIGINT' },
    ],
    rows: wanted.map((w, i) => [i, w.deploymentId, w.jobId, finishedOf.get(w.deploymentId)!]),
  };
}

const SOURCE_OF: Readonly<Record<string, string>> = {
  snapshot: 'resource_snapshots',
  job: 'system.lakeflow.jobs',
  task: 'system.lakeflow.job_tasks',
};

/**
 * Builds the index from the statement's rows (exported for the tests of the shapes it reads). A
 * row that breaks its schema goes to `onMalformed` and states nothing: the job's duration is then
 * unmeasured rather than judged against a limit that was never stated, or without one that was.
 */
export function statedSlasOf(
  wanted: readonly Wanted[],
  rows: ReadonlyArray<Record<string, unknown>>,
  onMalformed?: (e: MeasurementError) => void,
): StatedSlasIndex {
  const byIdx = new Map<
    number,
    { snapshot?: unknown; job?: Record<string, unknown>; tasks: Record<string, unknown>[] }
  >();
  for (const r of rows) {
    const idx = Number(r.idx);
    const reason = statedRowReason(r);
    if (reason !== null) {
      const w = wanted[idx];
      if (!w) continue;
      const what = r.kind === 'task' ? `task ${String(r.task_key)} of job ${w.jobId}` : `job ${w.jobId}`;
      const source = SOURCE_OF[String(r.kind)] ?? 'tick/stated_slas';
      onMalformed?.(malformedRow('sla', `job:${w.jobId}`, source, `${what} in deployment ${w.deploymentId}`, reason));
      continue;
    }
    const at = byIdx.get(idx) ?? byIdx.set(idx, { tasks: [] }).get(idx)!;
    if (r.kind === 'snapshot') at.snapshot = r.settings;
    else if (r.kind === 'job') at.job = r;
    else if (r.kind === 'task') at.tasks.push(r);
  }
  const out = new Map<string, Map<string, StatedSlas>>();
  byIdx.forEach((at, idx) => {
    const w = wanted[idx];
    if (!w) return;
    let stated: StatedSlas;
    if (at.snapshot !== undefined) {
      let settings: unknown = null;
      try {
        settings = typeof at.snapshot === 'string' ? JSON.parse(at.snapshot) : at.snapshot;
      } catch {
        settings = null;
      }
      stated = slasFromJobSettings(settings);
    } else {
      stated = slasFromSystemRows({
        job: at.job ? { timeoutSeconds: at.job.timeout_seconds, healthRules: at.job.health_rules } : null,
        tasks: at.tasks.map((t) => ({
          taskKey: String(t.task_key),
          timeoutSeconds: t.timeout_seconds,
          healthRules: t.health_rules,
        })),
      });
    }
    const of = out.get(w.deploymentId) ?? out.set(w.deploymentId, new Map()).get(w.deploymentId)!;
    of.set(w.jobId, stated);
  });
  return out;
}

export interface StatedSlasRead {
  readonly index: StatedSlasIndex;
  readonly error: MeasurementError | null;
  /** Rows that broke their schema, as errors of their jobs (absent: none). */
  readonly malformed?: readonly MeasurementError[];
}

/** "deployment id/job id" of every deployed job that states a limit of its own. */
export function statedJobIds(read: StatedSlasRead): Set<string> {
  const out = new Set<string>();
  read.index.forEach((jobs, deploymentId) => {
    jobs.forEach((s, jobId) => {
      if (statesAny(s)) out.add(`${deploymentId}/${jobId}`);
    });
  });
  return out;
}

export async function readStatedSlas(wh: Warehouse, active: readonly ActiveDeployment[]): Promise<StatedSlasRead> {
  const wanted: Wanted[] = [];
  const finishedOf = new Map<string, number>();
  for (const a of active) {
    finishedOf.set(a.deployment.deploymentId, a.deployment.finishedMs);
    for (const r of a.deployment.resources)
      if (r.type === 'job') wanted.push({ deploymentId: a.deployment.deploymentId, jobId: r.id });
  }
  if (wanted.length === 0) return { index: new Map(), error: null };
  try {
    const rows = await wh.query('tick/stated_slas', {}, wantedRows(wanted, finishedOf));
    const malformed: MeasurementError[] = [];
    const index = statedSlasOf(wanted, rows, (e) => malformed.push(e));
    return malformed.length ? { index, error: null, malformed } : { index, error: null };
  } catch (e) {
    return {
      index: new Map(),
      error: {
        kind: 'settings',
        subject: 'settings',
        message: `the jobs' stated timeouts and health rules could not be read, so only the policy's SLAs apply: ${(e as Error).message}`,
      },
    };
  }
}
