// Which tables the judged resources write, as lineage says, and how their history is kept: a job's
// tables through DESCRIBE HISTORY when a run has ended since, a pipeline's through its event log,
// which a pipeline seen for the first time is followed by from then on.

import type { Horizon } from '../checks/baseline-window.js';
import type { MeasurementError, RunRecord } from '../types.js';
import type { Warehouse } from '../warehouse/port.js';
import type { LineageIndex } from './lineage.js';
import type { ActiveDeployment } from './open.js';
import { pipelineTargetRows, readPipelineEvents } from './pipeline-events.js';
import { observedRunRows } from './runs.js';
import { commitRows } from './table-history.js';

export interface EvidenceTables {
  readonly lineage: LineageIndex;
  /** The judged deployments' own jobs and pipelines. */
  readonly watched: ReadonlySet<string>;
  /**
   * Any resource reading a source of a judged deployment can be a peer of it, including one under
   * verification for a deploy of its own; only the deployment's own resources are excluded.
   */
  readonly peerIds: readonly string[];
  readonly jobs: ReadonlySet<string>;
  /** Table to the judged job that writes it. */
  readonly jobTables: ReadonlyMap<string, string>;
  /** Pipelines (judged or peers) with the tables each writes. */
  readonly pipelineTargets: ReadonlyMap<string, readonly string[]>;
  /** Table to the judged pipeline that writes it. */
  readonly pipelineTables: ReadonlyMap<string, string>;
}

export function tablesOf(
  active: readonly ActiveDeployment[],
  ids: readonly string[],
  lineage: LineageIndex,
): EvidenceTables {
  const watched = new Set(ids);
  const peerIds = [...lineage.sources.keys()];
  const ownPipelines = new Set(
    active.flatMap((a) => a.deployment.resources.filter((r) => r.type === 'pipeline').map((r) => r.id)),
  );
  const pipelineTargets = new Map<string, string[]>();
  for (const id of [...ids, ...peerIds]) {
    if (lineage.types.get(id) === 'pipeline' || ownPipelines.has(id)) {
      pipelineTargets.set(id, [...(lineage.targets.get(id) ?? [])]);
    }
  }
  const jobTables = new Map<string, string>();
  const jobs = new Set<string>();
  for (const a of active) {
    for (const ref of a.deployment.resources) {
      if (ref.type !== 'job') continue;
      jobs.add(ref.id);
      for (const t of lineage.targets.get(ref.id) ?? []) jobTables.set(t, ref.id);
    }
  }
  const pipelineTables = new Map<string, string>();
  for (const [id, ts] of pipelineTargets) for (const t of ts) if (watched.has(id)) pipelineTables.set(t, id);
  return { lineage, watched, peerIds, jobs, jobTables, pipelineTargets, pipelineTables };
}

/** Per job-written table, when the newest run that writes it ended. */
export function lastRunEnds(runs: readonly RunRecord[], jobs: ReadonlySet<string>, lineage: LineageIndex) {
  const ends = new Map<string, number>();
  for (const r of runs) {
    if (r.endMs === null || !jobs.has(r.subjectId)) continue;
    for (const t of lineage.targets.get(r.subjectId) ?? []) ends.set(t, Math.max(r.endMs, ends.get(t) ?? -Infinity));
  }
  return ends;
}

/**
 * A pipeline seen for the first time is followed from now on: its targets are recorded and its
 * event log is read back to the baseline once; after that every tick reads it from the watermark.
 */
export async function followPipelines(
  wh: Warehouse,
  t: EvidenceTables,
  input: {
    readonly marks: ReadonlyMap<string, number>;
    readonly nowMs: number;
    readonly runsCached?: Promise<unknown>;
  },
  since: Horizon,
): Promise<{ rereadRuns: boolean; errors: MeasurementError[]; newMarks: Record<string, number> }> {
  const { marks, nowMs } = input;
  const out = { rereadRuns: false, errors: [] as MeasurementError[], newMarks: {} as Record<string, number> };
  const unfollowed = new Map(
    [...t.pipelineTargets].filter(([id, ts]) => !marks.has(`event_log:${id}`) && ts.length > 0),
  );
  if (unfollowed.size === 0) return out;
  try {
    await wh.execute('tick/merge_pipeline_targets', {}, pipelineTargetRows(unfollowed, nowMs));
    const pe = await readPipelineEvents(wh, unfollowed.keys(), since);
    out.errors.push(...pe.errors);
    if (pe.runs.length) {
      // One writer at a time on the run cache: two MERGEs into one table may conflict.
      await input.runsCached?.catch(() => undefined);
      await wh.execute('tick/merge_observed_runs', {}, observedRunRows(pe.runs, nowMs));
      out.rereadRuns = true;
    }
    if (pe.writes.length) {
      await wh.execute('tick/merge_table_commits', {}, commitRows(pe.writes, 'STREAMING UPDATE', nowMs));
    }
    for (const id of unfollowed.keys()) out.newMarks[`event_log:${id}`] = nowMs;
  } catch (e) {
    const message = `pipeline event log unavailable: ${(e as Error).message}`;
    for (const id of unfollowed.keys()) out.errors.push({ kind: 'runs', subject: `pipeline:${id}`, message });
  }
  return out;
}
