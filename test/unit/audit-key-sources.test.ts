import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keyFromSecret, parseStoredHash } from '../../src/audit/audit-key.js';
import { readAuditKeys } from '../../src/audit/key-sources.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);

describe('audit keys from a file and the environment', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pf-keys-'));
  const file = join(dir, 'keys');
  writeFileSync(file, `# newest first\n${A}\n\n${B}\n`, { mode: 0o600 });

  it('signs with the first key of the file, verifies with all, the environment’s after the file’s', () => {
    const ring = readAuditKeys({ file, env: { POSTFLIGHT_AUDIT_KEY: `${C}\n` } });
    expect(ring.signing?.id).toBe(keyFromSecret(A, 'x').id);
    expect([...ring.byId.keys()]).toEqual([A, B, C].map((k) => keyFromSecret(k, 'x').id));
    expect(ring.sources).toEqual([`--audit-key-file ${file}`, 'POSTFLIGHT_AUDIT_KEY']);
  });

  it('takes POSTFLIGHT_AUDIT_KEY_FILE when no flag is given, and nothing when neither is set', () => {
    expect(readAuditKeys({ env: { POSTFLIGHT_AUDIT_KEY_FILE: file } }).byId.size).toBe(2);
    expect(readAuditKeys({ env: {} }).signing).toBeNull();
  });

  it('names the source and never the key in its errors', () => {
    const short = 'short-key-123';
    let message = '';
    try {
      readAuditKeys({ env: { POSTFLIGHT_AUDIT_KEY: `${A}\n${short}` } });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^POSTFLIGHT_AUDIT_KEY line 2: an audit key must be one line/);
    expect(message).not.toContain(short);
    expect(() => readAuditKeys({ file: join(dir, 'absent'), env: {} })).toThrow(/cannot be read \(ENOENT\)/);
  });

  it('derives a printable id from the key and reads it back from a stored hash', () => {
    const k = keyFromSecret(A, 'x');
    expect(k.id).toMatch(/^k[0-9a-f]{16}$/);
    expect(k.id).not.toContain(A.slice(0, 8));
    expect(parseStoredHash(`hmac-sha256:${k.id}:${'0'.repeat(64)}`)).toEqual({ keyId: k.id, mac: '0'.repeat(64) });
    expect(parseStoredHash('f'.repeat(64))).toEqual({ keyId: null });
  });
});
