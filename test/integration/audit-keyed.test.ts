// The keyed audit chain on a real embedded warehouse: every finding `audit verify` must make
// (missing head, wiped log, cut tail, chain rewritten with plain sha256 or another key, wrong key),
// key rotation, a legacy prefix, the ticks' anchors across hot and archived rows, and the CLI's
// read-only open and exit codes.

import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { type AuditKey, keyFromSecret, keyringOf } from '../../src/audit/audit-key.js';
import { appendAudit, ROW_COLUMNS, verifyAuditLog } from '../../src/audit/audit-log.js';
import { type AuditEntry, type AuditRow, type ChainTail, chainEntries, rowHash } from '../../src/audit/hash-chain.js';
import { bindAuditKeys, knownHead } from '../../src/audit/key-binding.js';
import { ConfigError } from '../../src/cli/args.js';
import { runAuditCli, runAuditCommand } from '../../src/cli/audit.js';
import { parseCommon } from '../../src/cli/common-options.js';
import { createLogger } from '../../src/log.js';
import { tickRows } from '../../src/tick/result-rows.js';
import type { TickSummary } from '../../src/tick/run-tick.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';

const K1 = keyFromSecret('first-audit-key-0123456789abcdefghijklmnop', 'test');
const K2 = keyFromSecret('second-audit-key-0123456789abcdefghijklmno', 'test');
const T = 1_793_577_600_000;

const entry = (key: string): AuditEntry => ({
  atMs: T,
  actor: 'postflight',
  action: 'verdict.changed',
  subject: `deployment:${key}`,
  payload: { key },
  eventKey: key,
});

const summary = (i: number, head: ChainTail | null): TickSummary => ({
  tickId: `tick-${i}`,
  nowMs: T + i * 60_000,
  deployments: 0,
  judged: 0,
  deferred: 0,
  firstReads: 0,
  verdicts: {},
  newRuns: 0,
  statements: 0,
  historyReads: 0,
  restCalls: 0,
  errors: [],
  errorsByKind: {},
  durationMs: 1,
  changed: [],
  rollbacks: null,
  budgets: null,
  auditHead: head,
});

const dir = mkdtempSync(join(tmpdir(), 'pf-audit-keyed-'));
const base = join(dir, 'base.duckdb');
const log = createLogger('silent');

/** Three ticks, each appending two entries under K1 and anchoring the head it knows recorded. */
async function buildBase(): Promise<void> {
  const wh = await DuckDbWarehouse.open(base);
  await wh.applyDdl('ddl/ops');
  bindAuditKeys(wh, keyringOf([K1], ['test']));
  for (let i = 1; i <= 3; i++) {
    await appendAudit(wh, [entry(`a${i}`), entry(`b${i}`)], T + i);
    await wh.execute('tick/insert_tick', {}, tickRows(summary(i, knownHead(wh)), null, null));
  }
  await wh.close();
}

let copies = 0;
/** A copy of the base file, changed by `sql`, verified read-only as `audit verify` does. */
async function verifyCopy(sql: readonly string[], keys: AuditKey[] = [K1], expectedHead: ChainTail | null = null) {
  const path = join(dir, `copy-${copies++}.duckdb`);
  copyFileSync(base, path);
  const rw = await DuckDbWarehouse.open(path);
  for (const s of sql) await rw.session.run(s);
  await rw.close();
  return verifyPath(path, keys, expectedHead);
}

async function verifyPath(path: string, keys: AuditKey[], expectedHead: ChainTail | null = null) {
  const wh = await DuckDbWarehouse.openReadOnly(path);
  try {
    const out = new PassThrough();
    const code = await runAuditCommand(wh, out, false, { keys: keyringOf(keys, ['test']), expectedHead });
    const v = await verifyAuditLog(wh, { keys: keyringOf(keys, ['test']), expectedHead });
    return { code, text: String(out.read() ?? ''), problems: [...new Set(v.findings.map((f) => f.problem))].sort(), v };
  } finally {
    await wh.close();
  }
}

/** Rows as stored, in seq order. */
async function storedRows(path: string): Promise<AuditRow[]> {
  const wh = await DuckDbWarehouse.openReadOnly(path);
  try {
    const rows = await wh.session.all(
      'SELECT seq, epoch_ms(logged_at) AS at_ms, actor, action, subject, payload, event_key, prev_hash, hash FROM postflight.audit_log ORDER BY seq',
    );
    return rows.map((r) => ({
      seq: Number(r.seq),
      atMs: Number(r.at_ms),
      actor: String(r.actor),
      action: String(r.action),
      subject: String(r.subject),
      payload: String(r.payload),
      eventKey: String(r.event_key),
      prevHash: String(r.prev_hash),
      hash: String(r.hash),
    }));
  } finally {
    await wh.close();
  }
}

/** SQL that replaces the log with `rows` (rechained by whoever wrote them) and moves the head to their end. */
function rewriteSql(rows: readonly AuditRow[]): string[] {
  const last = rows[rows.length - 1]!;
  return [
    'DELETE FROM postflight.audit_log',
    ...rows.map(
      (r) =>
        `INSERT INTO postflight.audit_log VALUES (${r.seq}, make_timestamp(${r.atMs * 1000}), '${r.actor}', '${r.action}', '${r.subject}', '${r.payload}', '${r.prevHash}', '${r.hash}', '${r.eventKey}')`,
    ),
    `UPDATE postflight.audit_head SET seq = ${last.seq}, hash = '${last.hash}' WHERE name = 'audit_log'`,
  ];
}

/** The stored rows rechained from `from` on, under `key` (none: plain sha256). */
function rechain(rows: readonly AuditRow[], from: number, key?: AuditKey): AuditRow[] {
  const out: AuditRow[] = [];
  let prev = from > 1 ? rows[from - 2]!.hash : '0'.repeat(64);
  for (const r of rows) {
    if (r.seq < from) {
      out.push(r);
      continue;
    }
    const hash = rowHash(prev, r, key);
    out.push({ ...r, prevHash: prev, hash });
    prev = hash;
  }
  return out;
}

beforeAll(buildBase, 60_000);

describe('the keyed audit chain', () => {
  it('writes keyed rows, anchors each tick’s head in its row, and verifies intact with the key', async () => {
    const rows = await storedRows(base);
    expect(rows).toHaveLength(6);
    expect(rows.every((r) => r.hash.startsWith(`hmac-sha256:${K1.id}:`))).toBe(true);
    const r = await verifyCopy([]);
    expect(r).toMatchObject({ code: 0, problems: [] });
    expect(r.v.tickAnchor).toEqual({ seq: 6, hash: rows[5]!.hash });
    expect(r.text).toMatch(/^audit log intact: 6 rows .* keys k[0-9a-f]{16}; ticks anchored up to seq 6/);
  });

  it('fails a wrong key as unverifiable rows, never as intact', async () => {
    const r = await verifyCopy([], [K2]);
    expect(r).toMatchObject({ code: 1, problems: ['unknown_key'] });
    expect(r.text).toContain(`name audit key ${K1.id}, which is not among the keys given (${K2.id})`);
  });

  it('cannot verify a keyed log with no key at all: exit 2', async () => {
    const path = join(dir, 'nokey.duckdb');
    copyFileSync(base, path);
    const wh = await DuckDbWarehouse.openReadOnly(path);
    await expect(runAuditCommand(wh, new PassThrough(), false)).rejects.toThrow(
      /could not verify: the audit log's rows are keyed .* no key was given/,
    );
    await expect(runAuditCommand(wh, new PassThrough(), false)).rejects.toBeInstanceOf(ConfigError);
    await wh.close();
  });

  it('finds a missing head', async () => {
    const r = await verifyCopy(["DELETE FROM postflight.audit_head WHERE name = 'audit_log'"]);
    expect(r).toMatchObject({ code: 1, problems: ['head_unrecorded'] });
  });

  it('finds a wiped log, by the ticks’ anchors or by a head from a job run’s output', async () => {
    expect(await verifyCopy(['DELETE FROM postflight.audit_log', 'DELETE FROM postflight.audit_head'])).toMatchObject({
      code: 1,
      problems: ['wiped'],
    });
    const head = (await storedRows(base))[5]!;
    const all = [
      'DELETE FROM postflight.audit_log',
      'DELETE FROM postflight.audit_head',
      'DELETE FROM postflight.ticks',
    ];
    expect(await verifyCopy(all)).toMatchObject({ code: 0, problems: [] });
    expect(await verifyCopy(all, [K1], { seq: 6, hash: head.hash })).toMatchObject({ code: 1, problems: ['wiped'] });
  });

  it('finds a tail cut together with its head row and the recorded head moved back', async () => {
    const rows = await storedRows(base);
    const r = await verifyCopy([
      'DELETE FROM postflight.audit_log WHERE seq >= 5',
      `UPDATE postflight.audit_head SET seq = 4, hash = '${rows[3]!.hash}' WHERE name = 'audit_log'`,
    ]);
    expect(r).toMatchObject({ code: 1, problems: ['truncated'] });
    expect(r.text).toContain('rows 5..6 were deleted from its end');
  });

  it('finds a chain recomputed with plain sha256, whole or from a row on', async () => {
    const rows = await storedRows(base);
    const whole = await verifyCopy(rewriteSql(rechain(changedAt(rows, 3), 1)));
    expect(whole).toMatchObject({ code: 1, problems: ['tick_anchor_mismatch'] });
    const tail = await verifyCopy(rewriteSql(rechain(changedAt(rows, 5), 5)));
    expect(tail.problems).toEqual(['tick_anchor_mismatch', 'unkeyed']);
  });

  it('finds a chain recomputed with another key, even when that key is given too', async () => {
    const rows = await storedRows(base);
    const forged = rewriteSql(rechain(changedAt(rows, 2), 1, K2));
    expect(await verifyCopy(forged)).toMatchObject({ code: 1, problems: ['tick_anchor_mismatch', 'unknown_key'] });
    expect(await verifyCopy(forged, [K1, K2])).toMatchObject({ code: 1, problems: ['tick_anchor_mismatch'] });
    // A forged row that claims the right key's id does not match that key's MAC.
    const claimed = rechain(changedAt(rows, 6), 6, K2).map((r) =>
      r.seq === 6 ? { ...r, hash: r.hash.replace(K2.id, K1.id) } : r,
    );
    expect((await verifyCopy(rewriteSql(claimed))).problems).toEqual(['changed', 'tick_anchor_mismatch']);
  });

  it('verifies across the archive, anchors moved to the archive included', async () => {
    const r = await verifyCopy([
      'INSERT INTO postflight.audit_log_archive SELECT *, now() FROM postflight.audit_log WHERE seq <= 4',
      'DELETE FROM postflight.audit_log WHERE seq <= 4',
      "INSERT INTO postflight.ticks_archive BY NAME SELECT *, now() AS archived_at FROM postflight.ticks WHERE tick_id <> 'tick-3'",
      "DELETE FROM postflight.ticks WHERE tick_id <> 'tick-3'",
    ]);
    expect(r).toMatchObject({ code: 0, problems: [] });
    expect(r.v).toMatchObject({ hotRows: 2, archivedRows: 4 });
    const cut = await verifyCopy([
      'INSERT INTO postflight.ticks_archive BY NAME SELECT *, now() AS archived_at FROM postflight.ticks',
      'DELETE FROM postflight.ticks',
      'DELETE FROM postflight.audit_log WHERE seq >= 5',
      "DELETE FROM postflight.audit_head WHERE name = 'audit_log'",
    ]);
    expect(cut.problems).toEqual(['head_unrecorded', 'truncated']);
  });
});

function changedAt(rows: readonly AuditRow[], seq: number): AuditRow[] {
  return rows.map((r) => (r.seq === seq ? { ...r, payload: '{"key":"forged"}' } : r));
}

describe('keys rotate and older rows stay verifiable', () => {
  it('verifies rows under the old and the new key with both, and names the one missing otherwise', async () => {
    const path = join(dir, 'rotate.duckdb');
    copyFileSync(base, path);
    const wh = await DuckDbWarehouse.open(path);
    bindAuditKeys(wh, keyringOf([K2, K1], ['test']));
    await appendAudit(wh, [entry('c1')], T + 10);
    await wh.close();
    expect(await verifyPath(path, [K2, K1])).toMatchObject({ code: 0, problems: [] });
    const old = await verifyPath(path, [K2]);
    expect(old).toMatchObject({ code: 1, problems: ['unknown_key'] });
    expect(old.text).toContain(`6 row(s) from seq 1 name audit key ${K1.id}`);
  });

  it('verifies rows written before the chain was keyed as a legacy prefix, with a note', async () => {
    const wh = await DuckDbWarehouse.open(':memory:');
    await wh.applyDdl('ddl/ops');
    const legacy = chainEntries(null, [entry('old1'), entry('old2')]);
    await wh.execute(
      'audit/append',
      { first_seq: 1 },
      {
        columns: ROW_COLUMNS,
        rows: legacy.map((r) => [
          r.seq,
          r.atMs,
          r.actor,
          r.action,
          r.subject,
          r.payload,
          r.prevHash,
          r.hash,
          r.eventKey,
        ]),
      },
    );
    await wh.execute('audit/merge_head', { seq: 2, hash: legacy[1]!.hash, now_ms: T });
    bindAuditKeys(wh, keyringOf([K1], ['test']));
    await appendAudit(wh, [entry('new1')], T + 1);
    const out = new PassThrough();
    expect(await runAuditCommand(wh, out, false)).toBe(0);
    expect(String(out.read())).toMatch(/note: 2 row\(s\) at the start of the chain were written before it was keyed/);
    expect((await verifyAuditLog(wh)).legacyRows).toBe(2);
    await wh.close();
  });
});

describe('postflight audit verify', () => {
  const cli = (args: string[]) => {
    const { values, positionals } = parseCommon(['audit', 'verify', ...args]);
    return runAuditCli(positionals[1], values, log);
  };

  it('opens the file read-only: nothing in it or beside it changes', async () => {
    const path = join(dir, 'readonly.duckdb');
    copyFileSync(base, path);
    const before = readFileSync(path);
    const keyFile = join(dir, 'k1.key');
    writeFileSync(keyFile, `# the current key\n${K1.secret.toString('utf8')}\n`, { mode: 0o600 });
    const write = process.stdout.write;
    let printed = '';
    process.stdout.write = ((s: string) => {
      printed += s;
      return true;
    }) as typeof process.stdout.write;
    try {
      expect(await cli(['--warehouse', `duckdb:${path}`, '--audit-key-file', keyFile])).toBe(0);
    } finally {
      process.stdout.write = write;
    }
    expect(printed).toMatch(/^audit log intact/);
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(existsSync(`${path}.wal`)).toBe(false);
  });

  it('exits 2, creating nothing, for a missing file, a file of another kind, a bad key file or --expect-head', async () => {
    const missing = join(dir, 'nothing-here.duckdb');
    await expect(cli(['--warehouse', `duckdb:${missing}`])).rejects.toThrow(/does not exist/);
    expect(existsSync(missing)).toBe(false);
    const text = join(dir, 'not-duckdb.duckdb');
    writeFileSync(text, 'this is not a database\n');
    await expect(cli(['--warehouse', `duckdb:${text}`])).rejects.toThrow(
      /not-duckdb\.duckdb is not a DuckDB database; --warehouse duckdb:PATH takes/,
    );
    const open = join(dir, 'open.key');
    writeFileSync(open, `${K1.secret.toString('utf8')}\n`, { mode: 0o644 });
    await expect(cli(['--warehouse', `duckdb:${base}`, '--audit-key-file', open])).rejects.toThrow(
      /may be read by others \(mode 644\); run 'chmod 600/,
    );
    const short = join(dir, 'short.key');
    writeFileSync(short, 'too-short\n', { mode: 0o600 });
    await expect(cli(['--warehouse', `duckdb:${base}`, '--audit-key-file', short])).rejects.toThrow(
      /line 1: an audit key must be one line of at least 32 characters/,
    );
    await expect(cli(['--warehouse', `duckdb:${base}`, '--expect-head', 'latest'])).rejects.toThrow(
      /--expect-head 'latest' must be SEQ:HASH/,
    );
  });
});
