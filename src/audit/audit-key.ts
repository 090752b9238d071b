// The audit chain's keys. A row's hash is an HMAC-SHA256 under a key only the verifier holds, so
// whoever may write the audit tables can delete or change rows but cannot forge a chain that
// verifies. A key is named by an id derived from the key itself: a row says which key made it,
// keys rotate by adding a new one first in the keyring, and no id can point at the wrong key.
// Pure: text in, keys and MACs out; reading the text is key-sources.ts's.

import { createHmac } from 'node:crypto';

export interface AuditKey {
  /** `k` and 16 hex digits, derived from the key: safe to print and store. */
  readonly id: string;
  readonly secret: Buffer;
}

export interface AuditKeyring {
  /** The key new rows are written with: the first one given. */
  readonly signing: AuditKey | null;
  readonly byId: ReadonlyMap<string, AuditKey>;
  /** Where the keys came from, for messages (never the keys themselves). */
  readonly sources: readonly string[];
}

/** A key that is missing or malformed: bad configuration, told with the fix (exit 2). */
export class AuditKeyError extends Error {
  override readonly name = 'AuditKeyError';
}

/** Fewer characters than this are too few to be a random key (a generated one has 43). */
export const MIN_KEY_CHARS = 32;

export const EMPTY_KEYRING: AuditKeyring = { signing: null, byId: new Map(), sources: [] };

export function keyFromSecret(text: string, source: string): AuditKey {
  const secret = text.trim();
  if (secret.length < MIN_KEY_CHARS || /\s/.test(secret))
    throw new AuditKeyError(
      `${source}: an audit key must be one line of at least ${MIN_KEY_CHARS} characters without spaces; make one with 'openssl rand -base64 32'`,
    );
  const bytes = Buffer.from(secret, 'utf8');
  return {
    id: `k${createHmac('sha256', bytes).update('postflight audit key id').digest('hex').slice(0, 16)}`,
    secret: bytes,
  };
}

/** A key file: one key a line, the first the one new rows are written with; '#' starts a comment line. */
export function keysFromText(text: string, source: string): AuditKey[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
  if (lines.length === 0) throw new AuditKeyError(`${source} holds no audit key; put one key a line in it`);
  return lines.map((l, i) => keyFromSecret(l, `${source} line ${i + 1}`));
}

/** The first key signs; later ones (older keys) only verify. A key given twice counts once. */
export function keyringOf(keys: readonly AuditKey[], sources: readonly string[]): AuditKeyring {
  const byId = new Map<string, AuditKey>();
  for (const k of keys) if (!byId.has(k.id)) byId.set(k.id, k);
  return { signing: keys[0] ?? null, byId, sources };
}

export function mergeKeyrings(first: AuditKeyring, second: AuditKeyring): AuditKeyring {
  return keyringOf(
    [...(first.signing ? [first.signing] : []), ...first.byId.values(), ...second.byId.values()],
    [...first.sources, ...second.sources],
  );
}

const KEYED = /^hmac-sha256:(k[0-9a-f]{16}):([0-9a-f]{64})$/;

/** A stored hash: a keyed one names its key; a plain sha256 (64 hex digits) is a row written before keys. */
export function parseStoredHash(hash: string): { keyId: string; mac: string } | { keyId: null } {
  const m = KEYED.exec(hash);
  return m ? { keyId: m[1]!, mac: m[2]! } : { keyId: null };
}

export function macHash(key: AuditKey, prevHash: string, body: string): string {
  const mac = createHmac('sha256', key.secret).update(prevHash).update('\n').update(body).digest('hex');
  return `hmac-sha256:${key.id}:${mac}`;
}
