// Table lineage of the judged resources (which tables each reads and writes), read in one
// statement, and the subjects the checks judge, named with the tables lineage gives them.

import { lineageRowReason } from '../evidence/validate-context.js';
import { malformedRow } from '../evidence/validate-values.js';
import type { MeasurementError, Subject } from '../types.js';
import { idRows } from '../warehouse/id-rows.js';
import type { Row, Warehouse } from '../warehouse/port.js';

/** How far back lineage is read: a resource's tables as its recent runs read and wrote them. */
export const LINEAGE_LOOKBACK_MS = 7 * 86_400_000;

export interface LineageIndex {
  readonly sources: Map<string, Set<string>>;
  readonly targets: Map<string, Set<string>>;
  readonly types: Map<string, 'job' | 'pipeline'>;
}

export async function readLineage(wh: Warehouse, ids: readonly string[], sinceMs: number): Promise<LineageIndex> {
  return lineageIndex(await readLineageRows(wh, ids, sinceMs));
}

/** The rows of tick/lineage for the given resources: read for more resources than judged, then narrowed. */
export async function readLineageRows(wh: Warehouse, ids: readonly string[], sinceMs: number): Promise<Row[]> {
  return ids.length === 0 ? [] : wh.query('tick/lineage', { since_ms: sinceMs }, idRows(ids));
}

/**
 * The lineage of `rows`; given `ids`, only the rows tick/lineage returns for those ids: theirs and
 * those of other resources reading a table they read. Rows read for a wider set of resources narrow
 * to exactly what a read for `ids` alone returns.
 */
export function lineageIndex(rows: readonly Row[], ids?: readonly string[]): LineageIndex {
  const idx: LineageIndex = { sources: new Map(), targets: new Map(), types: new Map() };
  let kept = rows;
  if (ids) {
    const own = new Set(ids);
    const mine = new Set(rows.filter((r) => own.has(String(r.entity_id)) && r.source).map((r) => String(r.source)));
    kept = rows.filter((r) => own.has(String(r.entity_id)) || (r.source && mine.has(String(r.source))));
  }
  for (const r of kept) {
    // A malformed row is reported by malformedLineage and adds nothing: no table is guessed at.
    if (lineageRowReason(r) !== null) continue;
    const id = String(r.entity_id);
    idx.types.set(id, r.entity_type === 'PIPELINE' ? 'pipeline' : 'job');
    if (r.source) (idx.sources.get(id) ?? idx.sources.set(id, new Set()).get(id)!).add(String(r.source));
    if (r.target) (idx.targets.get(id) ?? idx.targets.set(id, new Set()).get(id)!).add(String(r.target));
  }
  return idx;
}

/**
 * The rows of `rows` that break table_lineage's schema, as errors: of the judged resource the row
 * is of (its tables are then not known for sure, so its table checks are ERROR), else of lineage
 * at large (another resource's row, read for the control group).
 */
export function malformedLineage(
  rows: readonly Row[],
  typeOf: ReadonlyMap<string, 'job' | 'pipeline'>,
): MeasurementError[] {
  const out = new Map<string, MeasurementError>();
  for (const r of rows) {
    const reason = lineageRowReason(r);
    if (reason === null) continue;
    const id = r.entity_id === null || r.entity_id === undefined ? null : String(r.entity_id);
    const type = id === null ? undefined : typeOf.get(id);
    const key = `${String(r.entity_type)} ${String(id)}: ${String(r.source ?? 'NULL')} -> ${String(r.target ?? 'NULL')}`;
    const e = malformedRow('lineage', type ? `${type}:${id}` : 'lineage', 'table_lineage', key, reason);
    out.set(e.message, e);
  }
  return [...out.values()];
}

export function subjectOf(ref: { type: 'job' | 'pipeline'; id: string; key: string }, lineage: LineageIndex): Subject {
  return {
    type: ref.type,
    id: ref.id,
    name: ref.key,
    targetTables: [...(lineage.targets.get(ref.id) ?? [])].sort(),
    sourceTables: [...(lineage.sources.get(ref.id) ?? [])].sort(),
  };
}

/** Lineage that could not be read: every subject's tables are unknown this tick. */
export function lineageError(e: Error): MeasurementError {
  return { kind: 'lineage', subject: 'lineage', message: `table lineage unavailable: ${e.message}` };
}
