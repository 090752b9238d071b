// `postflight audit verify`: checks the audit log's keyed hash chain across the hot log and its
// archive, from the recorded anchor once retention has removed the oldest rows, and its end
// against the heads the ticks anchored outside the audit tables (and one from a job run's output,
// --expect-head). Exit 0 when intact; 1 on a finding (a row changed, deleted or reordered, a
// missing head, a wiped log, a cut tail, a rewritten chain, rows under a key not given); 2 when
// it cannot verify (no key for a keyed log, no such warehouse). An embedded file is opened
// read-only and never created.

import { existsSync } from 'node:fs';
import { type AuditKeyring, mergeKeyrings } from '../audit/audit-key.js';
import { type AuditVerification, verifyAuditLog } from '../audit/audit-log.js';
import type { ChainTail } from '../audit/hash-chain.js';
import { verifyingKeys } from '../audit/key-binding.js';
import { ConfigError, CouldNotVerifyError } from '../errors.js';
import type { Logger } from '../log.js';
import { DuckDbWarehouse } from '../warehouse/duckdb/duckdb-warehouse.js';
import type { Warehouse } from '../warehouse/port.js';
import { archiveMissing } from './archive-missing.js';
import { parseWarehouse } from './args.js';
import { type CommonValues, connectWith, UsageError } from './common-options.js';
import { auditKeysOf } from './connect.js';

export interface AuditCommandOptions {
  /** Keys given by flag or environment, besides those bound to the warehouse. */
  readonly keys?: AuditKeyring;
  readonly expectedHead?: ChainTail | null;
}

export async function runAuditCommand(
  wh: Warehouse,
  out: NodeJS.WritableStream,
  json: boolean,
  o: AuditCommandOptions = {},
): Promise<number> {
  const v = await verifyAuditLog(wh, {
    ...(o.keys ? { keys: o.keys } : {}),
    expectedHead: o.expectedHead ?? null,
  }).catch((e: Error) => {
    throw archiveMissing(e) ?? anchorColumnsMissing(e) ?? e;
  });
  const keys = o.keys ? mergeKeyrings(o.keys, await verifyingKeys(wh)) : await verifyingKeys(wh);
  if (keys.byId.size === 0 && v.keyIds.length > 0)
    throw new UsageError(
      `could not verify: the audit log's rows are keyed (${v.keyIds.join(', ')}) and no key was given; pass --audit-key-file FILE or set POSTFLIGHT_AUDIT_KEY (on Databricks the secret POSTFLIGHT_AUDIT_KEY of the job's secret scope)`,
    );
  if (json) out.write(`${JSON.stringify({ ...v, note: legacyNote(v) })}\n`);
  else if (v.ok) {
    out.write(
      `audit log intact: ${v.rows} rows (${v.hotRows} hot, ${v.archivedRows} archived), ${
        v.anchor ? `from anchor seq ${v.anchor.seq} ${v.anchor.hash}` : 'from seq 1'
      }, head ${v.head ? `seq ${v.head.seq} ${v.head.hash}` : '(none)'}, keys ${v.keyIds.join(', ') || '(none)'}${
        v.tickAnchor ? `; ticks anchored up to seq ${v.tickAnchor.seq}` : ''
      }\n`,
    );
    const note = legacyNote(v);
    if (note) out.write(`note: ${note}\n`);
  } else {
    out.write(`audit log TAMPERED: ${v.findings.length} finding(s) in ${v.rows} rows (hot and archived)\n`);
    for (const f of v.findings) out.write(`  seq ${f.seq} [${f.problem}]: ${f.message}\n`);
  }
  return v.ok ? 0 : 1;
}

/** An installation upgraded without its new columns: say which statement adds them (exit 2). */
function anchorColumnsMissing(e: Error): UsageError | null {
  if (!/audit_head_(seq|hash)/.test(e.message)) return null;
  return new UsageError(
    `${e.message.split('\n')[0]}: the ticks tables lack the audit anchor columns; add them with ALTER TABLE <ops>.ticks ADD COLUMNS (audit_head_seq BIGINT, audit_head_hash STRING) and the same on <ops>.ticks_archive`,
  );
}

function legacyNote(v: AuditVerification): string | null {
  if (v.legacyRows === 0) return null;
  return `${v.legacyRows} row(s) at the start of the chain were written before it was keyed (plain sha256): they verify as a legacy prefix, which whoever could write the audit tables could have recomputed; the keyed rows after them could not be`;
}

export async function runAuditCli(sub: string | undefined, values: CommonValues, log: Logger): Promise<number> {
  if (sub !== 'verify')
    throw new UsageError(
      `unknown audit command '${sub ?? ''}'; use 'postflight audit verify [--warehouse duckdb:PATH|databricks] [--audit-key-file FILE] [--expect-head SEQ:HASH]'`,
    );
  const expectedHead = parseExpectedHead(values['expect-head']);
  const target = parseWarehouse(values.warehouse, '.postflight');
  if (target.kind === 'databricks') {
    // The audit log read where it lives; the workspace's control plane is not needed.
    const conn = await connectWith(values, target, log);
    try {
      return await runAuditCommand(conn.wh, process.stdout, values.json, { expectedHead });
    } finally {
      await conn.close();
    }
  }
  const keys = auditKeysOf({ auditKeyFile: values['audit-key-file'], env: process.env });
  if (!existsSync(target.path))
    throw new UsageError(
      `${target.path} does not exist; pass the warehouse holding the audit log with --warehouse duckdb:PATH or databricks`,
    );
  let wh: DuckDbWarehouse;
  try {
    wh = await DuckDbWarehouse.openReadOnly(target.path);
  } catch (e) {
    // A file of another format or one held by another process already says so, and how to fix it.
    if (e instanceof ConfigError || e instanceof CouldNotVerifyError) throw e;
    throw new UsageError(
      `${target.path} cannot be opened as an embedded warehouse (${(e as Error).message.split('\n')[0]}); pass a postflight DuckDB file with --warehouse duckdb:PATH`,
    );
  }
  try {
    const [has] = await wh.session.all(
      "SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'postflight' AND table_name = 'audit_log'",
    );
    if (Number(has?.n ?? 0) === 0)
      throw new UsageError(
        `${target.path} holds no postflight tables; pass the warehouse holding the audit log with --warehouse duckdb:PATH or databricks`,
      );
    return await runAuditCommand(wh, process.stdout, values.json, { keys, expectedHead });
  } finally {
    await wh.close();
  }
}

/** `--expect-head SEQ:HASH`, as a tick prints its audit head (the hash itself holds colons). */
function parseExpectedHead(text: string | undefined): ChainTail | null {
  if (text === undefined) return null;
  const m = /^(\d{1,15}):(\S+)$/.exec(text.trim());
  if (!m)
    throw new UsageError(
      `--expect-head '${text}' must be SEQ:HASH, the audit head a tick printed (audit_head in its JSON output), e.g. 42:hmac-sha256:k0123456789abcdef:<64 hex digits>`,
    );
  return { seq: Number(m[1]), hash: m[2]! };
}
