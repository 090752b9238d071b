// The audit log's hash chain. Each row's hash is an HMAC-SHA256, under the key it names, over the
// previous row's hash and the canonical JSON of the row itself (its seq included), so changing,
// deleting, inserting or reordering a row breaks the chain at that row, and a chain recomputed
// without the key does not verify. Rows written before the chain was keyed carry a plain sha256:
// they verify as a legacy prefix, and an unkeyed row after a keyed one is a rewrite. Pure: rows
// in, rows or findings out.

import { createHash } from 'node:crypto';
import { canonicalJson } from '../ci/record.js';
import { type AuditKey, type AuditKeyring, EMPTY_KEYRING, macHash, parseStoredHash } from './audit-key.js';

/** The hash the first row links to. */
export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEntry {
  readonly atMs: number;
  readonly actor: string;
  readonly action: string;
  readonly subject: string;
  readonly payload: Readonly<Record<string, unknown>>;
  /** What the entry records, once: an entry whose key is already in the log is not appended again. */
  readonly eventKey: string;
}

/** A row as stored: the payload is kept as the canonical JSON text that was hashed. */
export interface AuditRow {
  readonly seq: number;
  readonly atMs: number;
  readonly actor: string;
  readonly action: string;
  readonly subject: string;
  readonly payload: string;
  readonly eventKey: string;
  readonly prevHash: string;
  readonly hash: string;
}

export interface ChainTail {
  readonly seq: number;
  readonly hash: string;
}

/** The row's hash under `key`; without one, the plain sha256 of rows written before keys. */
export function rowHash(prevHash: string, row: Omit<AuditRow, 'prevHash' | 'hash'>, key?: AuditKey): string {
  const body = canonicalJson({
    seq: row.seq,
    at: row.atMs,
    actor: row.actor,
    action: row.action,
    subject: row.subject,
    payload: row.payload,
    event_key: row.eventKey,
  });
  if (key) return macHash(key, prevHash, body);
  return createHash('sha256').update(prevHash).update('\n').update(body).digest('hex');
}

/** Links new entries after the tail (null for an empty log), under `key` (the writer's always passes one). */
export function chainEntries(tail: ChainTail | null, entries: readonly AuditEntry[], key?: AuditKey): AuditRow[] {
  let seq = tail?.seq ?? 0;
  let prev = tail?.hash ?? GENESIS_HASH;
  return entries.map((e) => {
    seq += 1;
    const base = {
      seq,
      atMs: e.atMs,
      actor: e.actor,
      action: e.action,
      subject: e.subject,
      payload: canonicalJson(e.payload),
      eventKey: e.eventKey,
    };
    const hash = rowHash(prev, base, key);
    const row: AuditRow = { ...base, prevHash: prev, hash };
    prev = hash;
    return row;
  });
}

export interface ChainFinding {
  readonly seq: number;
  readonly problem:
    | 'changed'
    | 'missing'
    | 'out_of_order'
    | 'head_missing'
    | 'head_mismatch'
    | 'anchor_mismatch'
    | 'anchor_unvouched'
    | 'conflict'
    | 'unknown_key'
    | 'unkeyed'
    | 'head_unrecorded'
    | 'wiped'
    | 'truncated'
    | 'tick_anchor_mismatch';
  readonly message: string;
}

/**
 * Checks rows (any order) against the chain and, when given, the separately kept head.
 * Rows appended after the head are accepted when they chain on: a tick that stopped between
 * writing the log and moving the head leaves exactly that. With an anchor (the seq and hash of
 * the newest row removed from the archive) the chain starts after it instead of at seq 1.
 */
export function verifyChain(
  rows: readonly AuditRow[],
  head: ChainTail | null,
  anchor: ChainTail | null = null,
  keys: AuditKeyring = EMPTY_KEYRING,
): ChainFinding[] {
  const sorted = [...rows].sort((a, b) => a.seq - b.seq);
  const macs = new MacCheck(keys);
  const findings = anchor
    ? [
        ...verifyUpToAnchor(
          sorted.filter((r) => r.seq <= anchor.seq),
          anchor,
          macs,
        ),
        ...walk(
          sorted.filter((r) => r.seq > anchor.seq),
          anchor.seq + 1,
          anchor.hash,
          anchor,
          macs,
        ),
      ]
    : walk(sorted, 1, GENESIS_HASH, null, macs);
  findings.push(...macs.unknownKeyFindings());
  if (head) {
    const atHead = sorted.find((r) => r.seq === head.seq);
    if (!atHead)
      findings.push({
        seq: head.seq,
        problem: 'head_missing',
        message: `the log ends before its recorded head (seq ${head.seq}): rows were deleted from the end`,
      });
    else if (atHead.hash !== head.hash)
      findings.push({
        seq: head.seq,
        problem: 'head_mismatch',
        message: `row ${head.seq} differs from the recorded head`,
      });
  }
  return findings;
}

/** Walks sorted rows from `firstSeq`, each linking to the one before it (the first to `firstPrev`). */
function walk(
  sorted: readonly AuditRow[],
  firstSeq: number,
  firstPrev: string,
  anchor: ChainTail | null,
  macs: MacCheck,
): ChainFinding[] {
  const findings: ChainFinding[] = [];
  let expectedSeq = firstSeq;
  let prev = firstPrev;
  for (const r of sorted) {
    if (r.seq > expectedSeq) {
      findings.push({
        seq: expectedSeq,
        problem: 'missing',
        message: `rows ${expectedSeq}..${r.seq - 1} are missing (deleted)`,
      });
    } else if (r.seq < expectedSeq) {
      findings.push({ seq: r.seq, problem: 'out_of_order', message: `seq ${r.seq} appears more than once` });
      continue;
    }
    const mac = macs.check(r);
    if (mac) findings.push(mac);
    if (r.prevHash !== prev) {
      findings.push({
        seq: r.seq,
        problem: 'out_of_order',
        message:
          anchor && r.seq === anchor.seq + 1
            ? `row ${r.seq} does not link to the recorded anchor (seq ${anchor.seq}): the anchor or the row was changed`
            : `row ${r.seq} does not link to the row before it: a row was changed, deleted, inserted or moved`,
      });
    }
    prev = r.hash;
    expectedSeq = r.seq + 1;
  }
  return findings;
}

/**
 * Rows at or before the anchor are what a removal that stopped between recording the anchor and
 * deleting the rows leaves: they must run on without a gap and end in the anchor's own row.
 */
function verifyUpToAnchor(before: readonly AuditRow[], anchor: ChainTail, macs: MacCheck): ChainFinding[] {
  const first = before[0];
  if (!first) return [];
  const findings = walk(before, first.seq, first.seq === 1 ? GENESIS_HASH : first.prevHash, null, macs);
  const last = before[before.length - 1]!;
  if (last.seq < anchor.seq)
    findings.push({
      seq: last.seq + 1,
      problem: 'missing',
      message: `rows ${last.seq + 1}..${anchor.seq} are missing (deleted) before the recorded anchor`,
    });
  else if (last.hash !== anchor.hash)
    findings.push({
      seq: anchor.seq,
      problem: 'anchor_mismatch',
      message: `row ${anchor.seq} differs from the recorded anchor: the anchor or the row was changed`,
    });
  return findings;
}

/**
 * Checks each row's hash under the key it names, in seq order. A row naming a key the keyring
 * lacks is told once per key (a wrong key or a rewrite with another one, never "intact"); an
 * unkeyed row after a keyed one was recomputed without the key.
 */
class MacCheck {
  readonly #keys: AuditKeyring;
  readonly #unknown = new Map<string, { first: number; rows: number }>();
  #firstKeyed: number | null = null;

  constructor(keys: AuditKeyring) {
    this.#keys = keys;
  }

  check(r: AuditRow): ChainFinding | null {
    const stored = parseStoredHash(r.hash);
    if (stored.keyId === null) {
      if (this.#firstKeyed !== null && r.seq > this.#firstKeyed)
        return {
          seq: r.seq,
          problem: 'unkeyed',
          message: `row ${r.seq} carries a plain sha256 after keyed rows (from seq ${this.#firstKeyed}): the chain was recomputed without the key`,
        };
      return rowHash(r.prevHash, r) === r.hash ? null : changed(r);
    }
    this.#firstKeyed ??= r.seq;
    const key = this.#keys.byId.get(stored.keyId);
    if (!key) {
      const u = this.#unknown.get(stored.keyId) ?? { first: r.seq, rows: 0 };
      this.#unknown.set(stored.keyId, { first: u.first, rows: u.rows + 1 });
      return null;
    }
    return rowHash(r.prevHash, r, key) === r.hash ? null : changed(r);
  }

  unknownKeyFindings(): ChainFinding[] {
    const given = [...this.#keys.byId.keys()];
    return [...this.#unknown].map(([id, u]) => ({
      seq: u.first,
      problem: 'unknown_key' as const,
      message: `${u.rows} row(s) from seq ${u.first} name audit key ${id}, which is not among the keys given (${
        given.length ? given.join(', ') : 'none'
      }): a wrong key, or rows rewritten with another one; they cannot be verified`,
    }));
  }
}

function changed(r: AuditRow): ChainFinding {
  return {
    seq: r.seq,
    problem: 'changed',
    message: `row ${r.seq} (${r.action} ${r.subject}) no longer matches its hash: it was changed, or recomputed with another key`,
  };
}
