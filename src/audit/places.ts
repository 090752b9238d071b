// The audit log is read from two places, the hot table and its archive. A row moves by being
// copied, then removed from the hot table, so a move that stopped half way leaves the same row in
// both: one copy counts. Two copies that differ mean one was changed. Pure.

import type { AuditRow, ChainFinding } from './hash-chain.js';

export type Place = 'hot' | 'archive';

export interface PlacedRow extends AuditRow {
  readonly place: Place;
}

export interface MergedLog {
  readonly rows: AuditRow[];
  readonly findings: ChainFinding[];
  readonly hot: number;
  readonly archived: number;
}

const same = (a: AuditRow, b: AuditRow) =>
  a.seq === b.seq &&
  a.atMs === b.atMs &&
  a.actor === b.actor &&
  a.action === b.action &&
  a.subject === b.subject &&
  a.payload === b.payload &&
  a.eventKey === b.eventKey &&
  a.prevHash === b.prevHash &&
  a.hash === b.hash;

export function mergePlaces(placed: readonly PlacedRow[]): MergedLog {
  const archivedBySeq = new Map<number, PlacedRow[]>();
  for (const r of placed) if (r.place === 'archive') archivedBySeq.set(r.seq, [...(archivedBySeq.get(r.seq) ?? []), r]);
  const findings: ChainFinding[] = [];
  const rows: AuditRow[] = [];
  const inHot = new Set<number>();
  for (const r of placed) {
    if (r.place !== 'hot') continue;
    inHot.add(r.seq);
    rows.push(strip(r));
    for (const a of archivedBySeq.get(r.seq) ?? [])
      if (!same(r, a))
        findings.push({
          seq: r.seq,
          problem: 'conflict',
          message: `row ${r.seq} differs between the hot log and its archive: one of the two copies was changed`,
        });
  }
  for (const [seq, copies] of archivedBySeq) if (!inHot.has(seq)) rows.push(...copies.map(strip));
  return {
    rows,
    findings,
    hot: placed.filter((r) => r.place === 'hot').length,
    archived: placed.filter((r) => r.place === 'archive').length,
  };
}

function strip(r: PlacedRow): AuditRow {
  const { place: _place, ...row } = r;
  return row;
}
