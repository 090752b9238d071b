// Table lineage of the judged resources (which tables each reads and writes), read in one
// statement, and the subjects the checks judge, named with the tables lineage gives them.

import type { Subject } from '../types.js';
import { idRows } from '../warehouse/id-rows.js';
import type { Warehouse } from '../warehouse/port.js';

/** How far back lineage is read: a resource's tables as its recent runs read and wrote them. */
export const LINEAGE_LOOKBACK_MS = 7 * 86_400_000;

export interface LineageIndex {
  readonly sources: Map<string, Set<string>>;
  readonly targets: Map<string, Set<string>>;
  readonly types: Map<string, 'job' | 'pipeline'>;
}

export async function readLineage(wh: Warehouse, ids: readonly string[], sinceMs: number): Promise<LineageIndex> {
  const idx: LineageIndex = { sources: new Map(), targets: new Map(), types: new Map() };
  if (ids.length === 0) return idx;
  const rows = await wh.query('tick/lineage', { since_ms: sinceMs }, idRows(ids));
  for (const r of rows) {
    const id = String(r.entity_id);
    idx.types.set(id, r.entity_type === 'PIPELINE' ? 'pipeline' : 'job');
    if (r.source) (idx.sources.get(id) ?? idx.sources.set(id, new Set()).get(id)!).add(String(r.source));
    if (r.target) (idx.targets.get(id) ?? idx.targets.set(id, new Set()).get(id)!).add(String(r.target));
  }
  return idx;
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
