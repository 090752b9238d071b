// `postflight audit verify`: checks the audit log's hash chain across the hot log and its archive,
// from the recorded anchor once retention has removed the oldest rows. Exit 0 when intact, 1 when
// a row was changed, deleted or reordered, or the anchor was not set by retention.

import { existsSync } from 'node:fs';
import { verifyAuditLog } from '../audit/audit-log.js';
import type { Logger } from '../log.js';
import { SimWorld } from '../simulator/world.js';
import { DuckDbWarehouse } from '../warehouse/duckdb/duckdb-warehouse.js';
import type { Warehouse } from '../warehouse/port.js';
import { archiveMissing } from './archive-missing.js';
import { parseWarehouse } from './args.js';
import { type CommonValues, connectWith, UsageError } from './common-options.js';

export async function runAuditCommand(wh: Warehouse, out: NodeJS.WritableStream, json: boolean): Promise<number> {
  const v = await verifyAuditLog(wh).catch((e: Error) => {
    throw archiveMissing(e) ?? e;
  });
  if (json) out.write(`${JSON.stringify(v)}\n`);
  else if (v.ok)
    out.write(
      `audit log intact: ${v.rows} rows (${v.hotRows} hot, ${v.archivedRows} archived), ${
        v.anchor ? `from anchor seq ${v.anchor.seq} ${v.anchor.hash}` : 'from seq 1'
      }, head ${v.head ? `seq ${v.head.seq} ${v.head.hash}` : '(none)'}\n`,
    );
  else {
    out.write(`audit log TAMPERED: ${v.findings.length} finding(s) in ${v.rows} rows (hot and archived)\n`);
    for (const f of v.findings) out.write(`  seq ${f.seq}: ${f.message}\n`);
  }
  return v.ok ? 0 : 1;
}

export async function runAuditCli(sub: string | undefined, values: CommonValues, log: Logger): Promise<number> {
  if (sub !== 'verify')
    throw new UsageError(
      `unknown audit command '${sub ?? ''}'; use 'postflight audit verify [--warehouse duckdb:PATH|databricks]'`,
    );
  const target = parseWarehouse(values.warehouse, '.postflight');
  if (target.kind === 'databricks') {
    // The audit log read where it lives; the workspace's control plane is not needed.
    const conn = await connectWith(values, target, log);
    try {
      return await runAuditCommand(conn.wh, process.stdout, values.json);
    } finally {
      await conn.close();
    }
  }
  if (!existsSync(target.path))
    throw new UsageError(
      `${target.path} does not exist; pass the warehouse holding the audit log with --warehouse duckdb:PATH or databricks`,
    );
  const wh = await DuckDbWarehouse.open(target.path);
  try {
    if (!(await SimWorld.open(wh)))
      throw new UsageError(
        `${target.path} holds no postflight tables; pass the warehouse holding the audit log with --warehouse duckdb:PATH or databricks`,
      );
    return await runAuditCommand(wh, process.stdout, values.json);
  } finally {
    await wh.close();
  }
}
