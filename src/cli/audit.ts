// `postflight audit verify`: checks the audit log's hash chain. Exit 0 when intact, 1 when a row
// was changed, deleted or reordered.

import { verifyAuditLog } from '../audit/audit-log.js';
import type { Warehouse } from '../warehouse/port.js';

export async function runAuditCommand(wh: Warehouse, out: NodeJS.WritableStream, json: boolean): Promise<number> {
  const v = await verifyAuditLog(wh);
  if (json) out.write(`${JSON.stringify(v)}\n`);
  else if (v.ok)
    out.write(`audit log intact: ${v.rows} rows, head ${v.head ? `seq ${v.head.seq} ${v.head.hash}` : '(none)'}\n`);
  else {
    out.write(`audit log TAMPERED: ${v.findings.length} finding(s) in ${v.rows} rows\n`);
    for (const f of v.findings) out.write(`  seq ${f.seq}: ${f.message}\n`);
  }
  return v.ok ? 0 : 1;
}
