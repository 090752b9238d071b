// A verifier catching up. Its first tick (or one after a long outage) finds every deployment of
// the look-back window without a verdict, and the history of their tables and the event logs of
// their pipelines never read: at mission scale, reading all of it in one tick takes minutes. So
// when many deployments await a first verdict, a tick judges a slice of them, newest first, whose
// first reads stay within a budget, and leaves the rest to the next ticks (without a verdict they
// stay due). A read from the start of a baseline happens once per table or pipeline and is what
// costs; a deployment whose tables and pipelines are read already costs no more than in steady
// state, so it is always in the slice.

import type { MeasurementError } from '../types.js';
import type { Row, RowBatch, Warehouse } from '../warehouse/port.js';
import type { Discovery } from './discover.js';
import { LINEAGE_LOOKBACK_MS, type LineageIndex, lineageIndex, readLineageRows } from './lineage.js';
import type { ActiveDeployment } from './open.js';
import type { TickDeps } from './types.js';

/** Deployments awaiting a first verdict that a tick judges without counting what they cost. */
export const FIRST_VERDICTS_FREE = 20;
/**
 * First reads (a table's history from the start of its baseline, a pipeline's event log followed
 * for the first time) a catching-up tick makes at most, besides those of its first deployment.
 * At mission scale one costs about a second of warehouse time: a slice stays well within a minute.
 */
export const FIRST_READS_PER_TICK = 60;

export interface Slice {
  /** The deployments judged this tick, in the order given. */
  readonly due: readonly ActiveDeployment[];
  /** Deployments left for a later tick. */
  readonly deferred: number;
  /** The first reads the slice makes, as counted. */
  readonly firstReads: number;
}

/**
 * Takes deployments newest first while the first reads they add (named by `firstReadsOf`; a read
 * two deployments share counts once) stay within `limit`; the newest is always taken. Pure.
 */
export function sliceByFirstReads(
  candidates: readonly ActiveDeployment[],
  firstReadsOf: (a: ActiveDeployment) => readonly string[],
  limit: number,
): { taken: Set<ActiveDeployment>; firstReads: number } {
  const reads = new Set<string>();
  const taken = new Set<ActiveDeployment>();
  const newestFirst = [...candidates].sort(
    (a, b) =>
      b.deployment.finishedMs - a.deployment.finishedMs || cmp(b.deployment.deploymentId, a.deployment.deploymentId),
  );
  for (const a of newestFirst) {
    const added = firstReadsOf(a).filter((r) => !reads.has(r));
    if (taken.size > 0 && reads.size + new Set(added).size > limit) continue;
    taken.add(a);
    for (const r of added) reads.add(r);
  }
  return { taken, firstReads: reads.size };
}

/**
 * The discovery with only the slice due, and, when some are left for later, the baselines set to
 * start at the oldest open deployment's: a table's history is read from the start once, so it is
 * read back as far as any deployment of the window will want, whichever slice reads it first.
 */
export async function catchUp(
  deps: Pick<TickDeps, 'wh' | 'firstReadsPerTick'>,
  found: Discovery,
  nowMs: number,
): Promise<Discovery> {
  const slice = await catchUpSlice(deps.wh, found, nowMs, deps.firstReadsPerTick);
  if (slice.deferred === 0) return { ...found, firstReads: slice.firstReads };
  const horizonFromMs = Math.min(...found.active.map((a) => a.deployment.finishedMs));
  return { ...found, due: slice.due, deferred: slice.deferred, firstReads: slice.firstReads, horizonFromMs };
}

/** The slice of `found.due` this tick judges; every due deployment when few await a first verdict. */
export async function catchUpSlice(
  wh: Warehouse,
  found: Pick<Discovery, 'due' | 'marks' | 'errors'> & { readonly lineage?: Promise<Row[]> },
  nowMs: number,
  limit: number = FIRST_READS_PER_TICK,
): Promise<Slice> {
  const waiting = found.due.filter((a) => a.verdictState === null);
  if (waiting.length <= FIRST_VERDICTS_FREE || !Number.isFinite(limit))
    return { due: found.due, deferred: 0, firstReads: 0 };
  let firstReadsOf: (a: ActiveDeployment) => readonly string[];
  try {
    firstReadsOf = await firstReadsFrom(wh, waiting, found.marks, nowMs, found.lineage);
  } catch (e) {
    // Without lineage every job and pipeline of a deployment counts as one first read.
    found.errors.push(sliceError(e as Error));
    firstReadsOf = (a) => a.deployment.resources.map((r) => `${r.type}:${r.id}`);
  }
  const { taken, firstReads } = sliceByFirstReads(waiting, firstReadsOf, limit);
  return {
    due: found.due.filter((a) => a.verdictState !== null || taken.has(a)),
    deferred: waiting.length - taken.size,
    firstReads,
  };
}

/**
 * What judging a deployment would read for the first time: the history of its jobs' tables and of
 * its source tables (read for the control group when its volume fails), the event logs of its
 * pipelines, and the same of its peers (other jobs and pipelines reading its sources), the way
 * gathering and the control group read them. An upper bound: a control group is read only for
 * deployments whose volume fails.
 */
async function firstReadsFrom(
  wh: Warehouse,
  waiting: readonly ActiveDeployment[],
  marks: ReadonlyMap<string, number>,
  nowMs: number,
  rows?: Promise<Row[]>,
): Promise<(a: ActiveDeployment) => readonly string[]> {
  const ids = waiting.flatMap((a) => a.deployment.resources.map((r) => r.id));
  const lineage = lineageIndex(await (rows ?? readLineageRows(wh, ids, nowMs - LINEAGE_LOOKBACK_MS)), ids);
  const readers = readersOf(lineage);
  const touched = new Map<ActiveDeployment, { pipelines: Set<string>; histories: Set<string> }>();
  const tables = new Set<string>();
  for (const a of waiting) {
    const pipelines = new Set<string>();
    const histories = new Set<string>();
    const own = new Set(a.deployment.resources.map((r) => r.id));
    const add = (id: string, isPipeline: boolean) => {
      const targets = lineage.targets.get(id) ?? new Set<string>();
      if (isPipeline) {
        if (targets.size > 0) pipelines.add(id);
      } else for (const t of targets) histories.add(t);
    };
    for (const r of a.deployment.resources) add(r.id, r.type === 'pipeline' || lineage.types.get(r.id) === 'pipeline');
    for (const r of a.deployment.resources) {
      for (const s of lineage.sources.get(r.id) ?? []) {
        histories.add(s);
        for (const p of readers.get(s) ?? []) if (!own.has(p)) add(p, lineage.types.get(p) === 'pipeline');
      }
    }
    touched.set(a, { pipelines, histories });
    for (const t of histories) tables.add(t);
  }
  const held = await readHeld(wh, [...tables]);
  return (a) => {
    const t = touched.get(a)!;
    return [
      ...[...t.pipelines].filter((p) => !marks.has(`event_log:${p}`)).map((p) => `pipeline:${p}`),
      ...[...t.histories].filter((x) => !held.has(x)).map((x) => `table:${x}`),
    ];
  };
}

function readersOf(lineage: LineageIndex): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const [id, sources] of lineage.sources)
    for (const s of sources) (out.get(s) ?? out.set(s, new Set()).get(s)!).add(id);
  return out;
}

async function readHeld(wh: Warehouse, tables: readonly string[]): Promise<Set<string>> {
  if (tables.length === 0) return new Set();
  const rows = await wh.query('tick/tables_held', {}, heldRows(tables));
  return new Set(rows.map((r) => String(r.name)));
}

/** The batch tick/tables_held asks about: one table name a row. */
export function heldRows(tables: readonly string[]): RowBatch {
  return { columns: [{ name: 'name', type: 'STRING' }], rows: tables.map((t) => [t]) };
}

function sliceError(e: Error): MeasurementError {
  return {
    kind: 'lineage',
    subject: 'lineage',
    message: `table lineage unavailable while catching up; each job and pipeline counted as one first read: ${e.message}`,
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
