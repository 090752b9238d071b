// The anchor the audit chain is verified from once its oldest rows have left the archive: the
// seq and hash of the newest row removed. Retention chains an entry vouching for each anchor
// before recording it, so an anchor moved by hand (to hide rows deleted from the start of the
// log) is told from one retention set. Pure.

import type { AuditEntry, AuditRow, ChainFinding, ChainTail } from './hash-chain.js';

export const ANCHOR_ACTION = 'audit.anchored';

/** The entry vouching for an anchor, appended to the chain before the anchor is recorded. */
export function anchorEntry(anchor: ChainTail, removedBeforeMs: number, atMs: number): AuditEntry {
  return {
    atMs,
    actor: 'postflight-retention',
    action: ANCHOR_ACTION,
    subject: 'audit_log',
    payload: { seq: anchor.seq, hash: anchor.hash, removed_before_ms: removedBeforeMs },
    eventKey: `audit-anchor:${anchor.seq}`,
  };
}

/** Whether a chained row after the anchor vouches for exactly this anchor. */
export function vouches(row: AuditRow, anchor: ChainTail): boolean {
  if (row.action !== ANCHOR_ACTION || row.seq <= anchor.seq) return false;
  try {
    const p = JSON.parse(row.payload) as { seq?: unknown; hash?: unknown };
    return p.seq === anchor.seq && p.hash === anchor.hash;
  } catch {
    return false;
  }
}

/** A recorded anchor no chained entry vouches for was not set by retention. */
export function anchorFindings(rows: readonly AuditRow[], anchor: ChainTail | null): ChainFinding[] {
  if (!anchor || rows.some((r) => vouches(r, anchor))) return [];
  return [
    {
      seq: anchor.seq,
      problem: 'anchor_unvouched',
      message: `the recorded anchor (seq ${anchor.seq}) is vouched for by no audit entry: it was not set by retention, and rows before it may have been removed by hand`,
    },
  ];
}
