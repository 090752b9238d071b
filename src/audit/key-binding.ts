// Which keys a warehouse's audit log is written and verified with. The command wiring binds the
// keys it was given (connect.ts); an embedded warehouse given none uses the key of its simulated
// secret scope, made the first time it is needed; a Databricks warehouse given none cannot write
// the log. Also kept per warehouse: the newest head this process saw recorded, which the tick
// anchors in its own row.

import { EMBEDDED_KEY_SOURCE, embeddedAuditKey } from '../simulator/secret-scope.js';
import type { Warehouse } from '../warehouse/port.js';
import {
  type AuditKey,
  AuditKeyError,
  type AuditKeyring,
  EMPTY_KEYRING,
  keyringOf,
  mergeKeyrings,
} from './audit-key.js';
import type { ChainTail } from './hash-chain.js';

const bound = new WeakMap<Warehouse, AuditKeyring>();
const embedded = new WeakMap<Warehouse, Promise<AuditKey | null>>();
const heads = new WeakMap<Warehouse, ChainTail>();

export function bindAuditKeys(wh: Warehouse, keys: AuditKeyring): void {
  if (keys.signing) bound.set(wh, keys);
}

/** The key new rows are written with; an embedded warehouse makes its own the first time. */
export async function signingKey(wh: Warehouse): Promise<AuditKey> {
  const given = bound.get(wh)?.signing;
  if (given) return given;
  if (wh.dialect === 'duckdb') {
    const own = await embeddedKey(wh, true);
    if (own) return own;
  }
  throw new AuditKeyError(
    'no audit key: set POSTFLIGHT_AUDIT_KEY or pass --audit-key-file FILE (on Databricks put the key in the secret scope as POSTFLIGHT_AUDIT_KEY and pass --secret POSTFLIGHT_AUDIT_KEY to run_node.py, see job.yml)',
  );
}

/** Every key the log may be verified with: those bound, and an embedded warehouse's own (never made here). */
export async function verifyingKeys(wh: Warehouse): Promise<AuditKeyring> {
  const given = bound.get(wh) ?? EMPTY_KEYRING;
  if (wh.dialect !== 'duckdb') return given;
  const own = await embeddedKey(wh, false);
  return own ? mergeKeyrings(given, keyringOf([own], [EMBEDDED_KEY_SOURCE])) : given;
}

function embeddedKey(wh: Warehouse, create: boolean): Promise<AuditKey | null> {
  const known = embedded.get(wh);
  if (known) return known;
  // A key not found (on a read) or not read (a failure) is left unknown: the next call tries again.
  const loading = embeddedAuditKey(wh, create).then(
    (k) => {
      if (!k) embedded.delete(wh);
      return k;
    },
    (e: unknown) => {
      embedded.delete(wh);
      throw e;
    },
  );
  embedded.set(wh, loading);
  return loading;
}

/** Notes a head the log has recorded (written with its rows, or read as the log's recorded head). */
export function noteHead(wh: Warehouse, tail: ChainTail | null | undefined): void {
  if (!tail) return;
  const known = heads.get(wh);
  if (!known || tail.seq > known.seq) heads.set(wh, tail);
}

/** The newest recorded head this process knows of for the warehouse, or null. */
export function knownHead(wh: Warehouse): ChainTail | null {
  return heads.get(wh) ?? null;
}
