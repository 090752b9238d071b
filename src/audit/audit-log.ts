// Appends to and reads the hash-chained audit log through the Warehouse port. Appends are all or
// nothing per batch and keyed by event, so a retried tick records nothing twice and two writers
// at once never interleave their rows (the loser re-reads the tail and chains after the winner).

import pRetry from 'p-retry';
import type { Row, RowBatch, Warehouse } from '../warehouse/port.js';
import { type AuditKeyring, mergeKeyrings } from './audit-key.js';
import { type AuditEntry, type AuditRow, type ChainTail, chainEntries } from './hash-chain.js';
import { noteHead, signingKey, verifyingKeys } from './key-binding.js';
import { mergePlaces } from './places.js';
import { type AuditLog, type AuditVerification, type TickAnchor, type TickAnchors, verifyLog } from './verify-log.js';

export type { AuditLog, AuditVerification } from './verify-log.js';

const ATTEMPTS = 8;

export const ROW_COLUMNS: RowBatch['columns'] = [
  { name: 'seq', type: 'BIGINT' },
  { name: 'logged_at', type: 'TIMESTAMP' },
  { name: 'actor', type: 'STRING' },
  { name: 'action', type: 'STRING' },
  { name: 'subject', type: 'STRING' },
  { name: 'payload', type: 'STRING' },
  { name: 'prev_hash', type: 'STRING' },
  { name: 'hash', type: 'STRING' },
  { name: 'event_key', type: 'STRING' },
];

export interface AppendOutcome {
  readonly appended: number;
  readonly alreadyRecorded: number;
  /** The log's last entry once this append is done, where known: the next append's hint. */
  readonly tail?: ChainTail | null;
}

/**
 * Appends the entries not yet recorded (by event key), chained after the current tail. A caller
 * that already read the tail (the tick reads the recorded head with its watermarks) passes it and
 * saves a statement; a stale tail costs a retry, never a wrong row.
 */
export async function appendAudit(
  wh: Warehouse,
  entries: readonly AuditEntry[],
  nowMs: number,
  knownTail?: ChainTail | null,
  /**
   * Given, the write of the recorded head is handed to it instead of awaited: the rows are what
   * records an entry, the head only saves the next writer a read (a stale one costs a retry).
   */
  holdHead?: (write: Promise<unknown>) => void,
): Promise<AppendOutcome> {
  const unique = [...new Map(entries.map((e) => [e.eventKey, e])).values()];
  if (unique.length === 0)
    return { appended: 0, alreadyRecorded: 0, ...(knownTail !== undefined ? { tail: knownTail } : {}) };
  const key = await signingKey(wh);
  let hint = knownTail;
  // A writer that loses the tail to another (nothing inserted, a key violation, or rows that are
  // not its own on read-back) tries again after the winner's rows.
  return pRetry(
    async () => {
      let tail: ChainTail | null;
      let fresh = unique;
      if (hint !== undefined) {
        tail = hint;
        hint = undefined;
      } else {
        const read = await readTail(
          wh,
          unique.map((e) => e.eventKey),
        );
        tail = read.tail;
        fresh = unique.filter((e) => !read.recorded.has(e.eventKey));
        if (fresh.length === 0) return { appended: 0, alreadyRecorded: unique.length, tail };
      }
      const rows = chainEntries(tail, fresh, key);
      const first = rows[0]!.seq;
      const last = rows[rows.length - 1]!;
      const inserted = await wh.execute(
        'audit/append',
        { first_seq: first },
        { columns: ROW_COLUMNS, rows: rows.map(toValues) },
      );
      if (inserted === null) {
        // A warehouse that does not count the rows it wrote: read them back.
        const back = await wh.query('audit/range', { from_seq: first, to_seq: last.seq });
        const stored = new Map(back.map((r) => [Number(r.seq), String(r.hash)]));
        if (!rows.every((r) => stored.get(r.seq) === r.hash))
          throw new Error(`audit: another writer appended at seq ${first} first`);
      } else if (inserted !== rows.length) {
        throw new Error(
          `audit: ${inserted} of ${rows.length} rows appended at seq ${first}: another writer got there first or an entry is recorded already`,
        );
      }
      const head = wh
        .execute('audit/merge_head', { seq: last.seq, hash: last.hash, now_ms: nowMs })
        .then(() => noteHead(wh, { seq: last.seq, hash: last.hash }));
      if (holdHead) {
        head.catch(() => undefined);
        holdHead(head);
      } else await head;
      return {
        appended: rows.length,
        alreadyRecorded: unique.length - rows.length,
        tail: { seq: last.seq, hash: last.hash },
      };
    },
    { retries: ATTEMPTS - 1, minTimeout: 10, factor: 2, maxTimeout: 1000, randomize: true },
  );
}

async function readTail(
  wh: Warehouse,
  keys: readonly string[],
): Promise<{ tail: ChainTail | null; recorded: Set<string> }> {
  const rows = await wh.query(
    'audit/tail',
    {},
    { columns: [{ name: 'event_key', type: 'STRING' }], rows: keys.map((k) => [k]) },
  );
  const t = rows.find((r) => r.kind === 'tail');
  return {
    tail: t ? { seq: Number(t.seq), hash: String(t.hash) } : null,
    recorded: new Set(rows.filter((r) => r.kind === 'key').map((r) => String(r.event_key))),
  };
}

function toValues(r: AuditRow): Array<string | number> {
  return [r.seq, r.atMs, r.actor, r.action, r.subject, r.payload, r.prevHash, r.hash, r.eventKey];
}

export async function readAuditLog(wh: Warehouse): Promise<AuditLog> {
  const [rows, anchors] = await Promise.all([wh.query('audit/read_log'), wh.query('audit/tick_anchors')]);
  return { ...fromLogRows(rows), tickAnchors: tickAnchorsOf(anchors) };
}

function tickAnchorsOf(rows: readonly Row[]): TickAnchors {
  const of = (r: Row): TickAnchor => ({
    seq: Number(r.seq),
    hash: String(r.hash),
    tickId: String(r.tick_id),
    ticks: Number(r.ticks),
  });
  const highest = rows.find((r) => r.kind === 'highest');
  return {
    highest: highest ? of(highest) : null,
    unmatched: rows.filter((r) => r.kind === 'unmatched').map(of),
  };
}

/** The rows from_seq..to_seq, hot and archived, with the anchor: what retention checks before removing rows. */
export async function readAuditSegment(
  wh: Warehouse,
  fromSeq: number,
  toSeq: number,
): Promise<Omit<AuditLog, 'tickAnchors'>> {
  return fromLogRows(await wh.query('audit/segment', { from_seq: fromSeq, to_seq: toSeq }));
}

function fromLogRows(all: readonly Row[]): Omit<AuditLog, 'tickAnchors'> {
  const tail = (kind: string) => {
    const r = all.find((x) => x.kind === kind);
    return r ? { seq: Number(r.seq), hash: String(r.hash) } : null;
  };
  const merged = mergePlaces(
    all
      .filter((r) => r.kind === 'row')
      .map((r) => ({ ...fromRow(r), place: r.place === 'archive' ? 'archive' : 'hot' })),
  );
  return {
    rows: merged.rows,
    head: tail('head'),
    anchor: tail('anchor'),
    hotRows: merged.hot,
    archivedRows: merged.archived,
    conflicts: merged.findings,
  };
}

function fromRow(r: Row): AuditRow {
  return {
    seq: Number(r.seq),
    atMs: Number(r.at_ms),
    actor: String(r.actor ?? ''),
    action: String(r.action ?? ''),
    subject: String(r.subject ?? ''),
    payload: String(r.payload ?? ''),
    eventKey: String(r.event_key ?? ''),
    prevHash: String(r.prev_hash ?? ''),
    hash: String(r.hash ?? ''),
  };
}

export interface VerifyOptions {
  /** Keys to verify with besides those bound to the warehouse (and an embedded warehouse's own). */
  readonly keys?: AuditKeyring;
  /** A head kept elsewhere, e.g. printed in a job run's output: the log must hold it. */
  readonly expectedHead?: ChainTail | null;
}

/** Verifies the chain across the hot log and its archive, from the anchor when rows were removed. */
export async function verifyAuditLog(wh: Warehouse, o: VerifyOptions = {}): Promise<AuditVerification> {
  const [log, own] = await Promise.all([readAuditLog(wh), verifyingKeys(wh)]);
  return verifyLog(log, o.keys ? mergeKeyrings(o.keys, own) : own, o.expectedHead ?? null);
}
