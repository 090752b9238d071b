// The simulated platform's secret scope, where an embedded world keeps its audit key as a
// workspace keeps it in a secret scope: made, 32 random bytes, the first time an audit entry is
// written to a warehouse given no key of its own, and kept in the database file, so copies of the
// file and the demo's in-memory replay keep verifying. It protects nothing from whoever holds the
// file: the embedded world shows the mechanism; a real key comes from --audit-key-file or
// POSTFLIGHT_AUDIT_KEY.

import { randomBytes } from 'node:crypto';
import { type AuditKey, keyFromSecret } from '../audit/audit-key.js';
import type { Warehouse } from '../warehouse/port.js';

const SCOPE = 'postflight';
const NAME = 'POSTFLIGHT_AUDIT_KEY';
export const EMBEDDED_KEY_SOURCE = 'the embedded warehouse’s secret scope (sim_world.secret_scope)';

/** The embedded world's audit key; made when absent and `create` (never on a read-only open). */
export async function embeddedAuditKey(wh: Warehouse, create: boolean): Promise<AuditKey | null> {
  const read = async () => {
    const [exists] = await wh.query('embedded/secret_scope_exists');
    if (Number(exists?.n ?? 0) === 0) return null;
    const [row] = await wh.query('embedded/secret_get', { scope: SCOPE, name: NAME });
    return row ? keyFromSecret(String(row.value), EMBEDDED_KEY_SOURCE) : null;
  };
  const found = await read();
  if (found || !create) return found;
  // Another connection may make the scope or the key at the same moment: the first one's stays.
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      await wh.applyDdl('embedded/secret_scope');
      await wh.execute('embedded/secret_put', {
        scope: SCOPE,
        name: NAME,
        value: randomBytes(32).toString('base64url'),
      });
    } catch (e) {
      if (attempt >= 4) throw e;
    }
    const made = await read();
    if (made) return made;
  }
  throw new Error('the embedded audit key could not be made: the simulated secret scope keeps no key');
}
