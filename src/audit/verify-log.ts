// Verifies the audit log as read: the chain under its keys across the hot log and its archive,
// and the log's end against what is kept outside it. The recorded head is in the audit tables,
// so whoever deletes the log's last rows can move it back; the heads the ticks anchored in their
// own rows, and a head printed in a job run's output, tell a log cut short or wiped from one that
// never went further. Pure.

import { anchorFindings } from './anchor.js';
import { type AuditKeyring, parseStoredHash } from './audit-key.js';
import { type AuditRow, type ChainFinding, type ChainTail, verifyChain } from './hash-chain.js';

export interface TickAnchor extends ChainTail {
  readonly tickId: string;
  /** How many ticks anchored this head. */
  readonly ticks: number;
}

export interface TickAnchors {
  /** The highest head any tick anchored (null: no tick has anchored one). */
  readonly highest: TickAnchor | null;
  /** Anchored heads no row of the log matches in seq and hash (at most 20, highest first). */
  readonly unmatched: readonly TickAnchor[];
}

export interface AuditLog {
  /** The rows of the hot log and its archive, one copy of each. */
  readonly rows: AuditRow[];
  readonly head: ChainTail | null;
  /** Where the chain starts once its oldest rows have been removed (null: at seq 1). */
  readonly anchor: ChainTail | null;
  readonly hotRows: number;
  readonly archivedRows: number;
  /** Rows whose hot and archived copies differ. */
  readonly conflicts: readonly ChainFinding[];
  readonly tickAnchors: TickAnchors;
}

export interface AuditVerification {
  readonly ok: boolean;
  /** Rows verified: the hot log and its archive, one copy of each. */
  readonly rows: number;
  readonly hotRows: number;
  readonly archivedRows: number;
  readonly head: ChainTail | null;
  readonly anchor: ChainTail | null;
  /** The highest head a tick anchored outside the audit tables. */
  readonly tickAnchor: ChainTail | null;
  /** Rows written before the chain was keyed (plain sha256), all at its start. */
  readonly legacyRows: number;
  /** The keys the rows name, and which of them were given. */
  readonly keyIds: readonly string[];
  readonly findings: readonly ChainFinding[];
}

export function verifyLog(log: AuditLog, keys: AuditKeyring, expectedHead: ChainTail | null = null): AuditVerification {
  const findings = [
    ...log.conflicts,
    ...verifyChain(log.rows, log.head, log.anchor, keys),
    ...anchorFindings(log.rows, log.anchor),
    ...endFindings(log, expectedHead),
  ];
  const ids = new Set<string>();
  let legacyRows = 0;
  for (const r of log.rows) {
    const h = parseStoredHash(r.hash);
    if (h.keyId === null) legacyRows++;
    else ids.add(h.keyId);
  }
  return {
    ok: findings.length === 0,
    rows: log.rows.length,
    hotRows: log.hotRows,
    archivedRows: log.archivedRows,
    head: log.head,
    anchor: log.anchor,
    tickAnchor: log.tickAnchors.highest
      ? { seq: log.tickAnchors.highest.seq, hash: log.tickAnchors.highest.hash }
      : null,
    legacyRows,
    keyIds: [...ids].sort(),
    findings,
  };
}

/** The log's end against the heads kept outside it: a missing head, a wiped log, a cut tail, a rewrite. */
function endFindings(log: AuditLog, expected: ChainTail | null): ChainFinding[] {
  const { highest, unmatched } = log.tickAnchors;
  const lastSeq = log.rows.reduce((m, r) => Math.max(m, r.seq), 0);
  const outside: Array<{ at: ChainTail; by: string }> = [
    ...(expected ? [{ at: expected, by: 'the expected head (--expect-head)' }] : []),
    ...unmatched.map((a) => ({
      at: a as ChainTail,
      by: `tick ${a.tickId}${a.ticks > 1 ? ` and ${a.ticks - 1} more` : ''}`,
    })),
  ];
  if (log.rows.length === 0) {
    const known = expected ?? log.head ?? highest;
    if (!known) return [];
    return [
      {
        seq: known.seq,
        problem: 'wiped',
        message: `the audit log holds no rows, but ${
          expected ? 'the expected head' : log.head ? 'its recorded head' : `tick ${highest!.tickId}`
        } names seq ${known.seq}: the log was wiped`,
      },
    ];
  }
  const findings: ChainFinding[] = [];
  if (!log.head && highest)
    findings.push({
      seq: highest.seq,
      problem: 'head_unrecorded',
      message: `the log's recorded head is missing, though tick ${highest.tickId} anchored seq ${highest.seq}: it was deleted`,
    });
  const expectedMatches = !expected || log.rows.some((r) => r.seq === expected.seq && r.hash === expected.hash);
  for (const { at, by } of outside) {
    if (at === expected && expectedMatches) continue;
    findings.push(
      at.seq > lastSeq
        ? {
            seq: at.seq,
            problem: 'truncated',
            message: `${by} anchored the head at seq ${at.seq}, but the log ends at seq ${lastSeq}: rows ${lastSeq + 1}..${at.seq} were deleted from its end`,
          }
        : {
            seq: at.seq,
            problem: 'tick_anchor_mismatch',
            message: `${by} anchored seq ${at.seq} as ${at.hash}, and no row of the log has that seq and hash: the chain was rewritten, or the row deleted`,
          },
    );
  }
  return findings;
}
