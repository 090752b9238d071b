// Where the audit keys come from outside the embedded world: a key file (--audit-key-file, else
// POSTFLIGHT_AUDIT_KEY_FILE) and the environment (POSTFLIGHT_AUDIT_KEY; on Databricks the job's
// run_node.py fills it from the secret scope). Both hold one key a line, the first the one new
// rows are written with; the file's keys come before the environment's. A key never appears in
// a message.

import { readFileSync, statSync } from 'node:fs';
import { type AuditKey, AuditKeyError, type AuditKeyring, keyringOf, keysFromText } from './audit-key.js';

export interface KeySources {
  /** `--audit-key-file`; when absent, POSTFLIGHT_AUDIT_KEY_FILE. */
  readonly file?: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export function readAuditKeys(o: KeySources): AuditKeyring {
  const keys: AuditKey[] = [];
  const sources: string[] = [];
  const flag = o.file !== undefined;
  const file = o.file ?? o.env.POSTFLIGHT_AUDIT_KEY_FILE;
  if (file !== undefined && file !== '') {
    const name = flag ? `--audit-key-file ${file}` : `POSTFLIGHT_AUDIT_KEY_FILE ${file}`;
    keys.push(...keysFromText(readKeyFile(file, name), name));
    sources.push(name);
  }
  const text = o.env.POSTFLIGHT_AUDIT_KEY;
  if (text !== undefined && text.trim() !== '') {
    keys.push(...keysFromText(text, 'POSTFLIGHT_AUDIT_KEY'));
    sources.push('POSTFLIGHT_AUDIT_KEY');
  }
  return keyringOf(keys, sources);
}

function readKeyFile(path: string, name: string): string {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch (e) {
    throw new AuditKeyError(
      `${name} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}); pass the file holding the audit key`,
    );
  }
  // A key others may read is a key others may sign with, as ssh holds of its private keys.
  if (process.platform !== 'win32' && (mode & 0o077) !== 0)
    throw new AuditKeyError(
      `${name} may be read by others (mode ${(mode & 0o777).toString(8)}); run 'chmod 600 ${path}'`,
    );
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new AuditKeyError(
      `${name} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}); pass the file holding the audit key`,
    );
  }
}
