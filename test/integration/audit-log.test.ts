import { describe, expect, it } from 'vitest';
import { appendAudit, verifyAuditLog } from '../../src/audit/audit-log.js';
import { AuditWriter } from '../../src/audit/audit-writer.js';
import type { AuditEntry } from '../../src/audit/hash-chain.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';

const entry = (key: string, atMs = 1_700_000_000_000): AuditEntry => ({
  atMs,
  actor: 'postflight',
  action: 'rollback.decided',
  subject: `rollback:${key}`,
  payload: { key },
  eventKey: key,
});

async function freshWarehouse(): Promise<DuckDbWarehouse> {
  const wh = await DuckDbWarehouse.open(':memory:');
  await wh.applyDdl('ddl/ops');
  return wh;
}

describe('audit log in the embedded warehouse', () => {
  it('appends a chain that verifies, and records an event key once', async () => {
    const wh = await freshWarehouse();
    expect(await appendAudit(wh, [entry('a'), entry('b')], 1)).toMatchObject({
      appended: 2,
      alreadyRecorded: 0,
      tail: { seq: 2 },
    });
    const second = await appendAudit(wh, [entry('b'), entry('c')], 2);
    expect(second).toMatchObject({ appended: 1, alreadyRecorded: 1 });
    const v = await verifyAuditLog(wh);
    expect(v).toMatchObject({ ok: true, rows: 3, head: { seq: 3 } });
    // The tail an append returns is the log's last entry: the next append can chain on it.
    expect(second.tail).toEqual(v.head);
    await wh.close();
  });

  it('fails verification on a changed row, a deleted row and a deleted last row', async () => {
    for (const tamper of [
      'UPDATE postflight.audit_log SET payload = \'{"key":"x"}\' WHERE seq = 2',
      'DELETE FROM postflight.audit_log WHERE seq = 2',
      'DELETE FROM postflight.audit_log WHERE seq = 3',
      'UPDATE postflight.audit_log SET logged_at = logged_at + INTERVAL 1 SECOND WHERE seq = 1',
    ]) {
      const wh = await freshWarehouse();
      await appendAudit(wh, [entry('a'), entry('b'), entry('c')], 1);
      expect((await verifyAuditLog(wh)).ok).toBe(true);
      await wh.session.run(tamper);
      const v = await verifyAuditLog(wh);
      expect({ tamper, ok: v.ok }).toEqual({ tamper, ok: false });
      await wh.close();
    }
  });

  it('keeps one chain when several connections append at once', async () => {
    const wh = await freshWarehouse();
    // One connection per writer, as each tick has its own; each writer appends three batches.
    const writers = [wh, ...(await Promise.all([wh.connect(), wh.connect(), wh.connect()]))];
    const batches = (w: number) =>
      Array.from({ length: 3 }, (_, i) =>
        Array.from({ length: 1 + ((w + i) % 3) }, (_, j) => entry(`w${w}-${i}-${j}`)),
      );
    await Promise.all(
      writers.map(async (conn, w) => {
        for (const b of batches(w)) await appendAudit(conn, b, w);
      }),
    );
    const v = await verifyAuditLog(wh);
    expect(v.findings).toEqual([]);
    expect(v.rows).toBe(writers.flatMap((_, w) => batches(w).flat()).length);
    for (const conn of writers.slice(1)) await conn.close();
    await wh.close();
  });

  it('appends in two statements on a known tail, and stays one chain when that tail is stale or an entry is recorded', async () => {
    const wh = await freshWarehouse();
    await appendAudit(wh, [entry('a'), entry('b')], 1);
    const head = (await verifyAuditLog(wh)).head;
    let before = wh.stats.statements;
    expect(await appendAudit(wh, [entry('c')], 2, head)).toMatchObject({ appended: 1, alreadyRecorded: 0 });
    expect(wh.stats.statements - before).toBe(2);
    // The same tail again is stale now: the append inserts nothing, and the writer re-reads it.
    expect(await appendAudit(wh, [entry('d')], 3, head)).toMatchObject({ appended: 1, alreadyRecorded: 0 });
    // A retried tick: one of its entries is recorded, so none goes in on the known tail.
    const now = (await verifyAuditLog(wh)).head;
    before = wh.stats.statements;
    expect(await appendAudit(wh, [entry('d'), entry('e')], 4, now)).toMatchObject({
      appended: 1,
      alreadyRecorded: 1,
    });
    expect(wh.stats.statements - before).toBeGreaterThan(2);
    const v = await verifyAuditLog(wh);
    expect(v.findings).toEqual([]);
    expect(v.rows).toBe(5);
    expect(
      (await wh.session.all('SELECT event_key FROM postflight.audit_log ORDER BY seq')).map((r) => r.event_key),
    ).toEqual(['a', 'b', 'c', 'd', 'e']);
    await wh.close();
  });

  it('chains a writer’s appends on the tail the one before left: one statement each after the first', async () => {
    const wh = await freshWarehouse();
    const writer = new AuditWriter(wh);
    await writer.append([entry('a')], 1);
    let before = wh.stats.statements;
    await writer.append([entry('b')], 2);
    await writer.append([entry('c'), entry('d')], 3);
    // The inserts alone wait on each other; the recorded head's writes are settled at the end.
    expect(wh.stats.statements - before).toBe(4);
    await writer.settle();
    // Another writer moves the log on: the first writer's tail is stale, its insert finds out and it reads the tail.
    await appendAudit(wh, [entry('e')], 4);
    before = wh.stats.statements;
    await writer.append([entry('f')], 5);
    expect(wh.stats.statements - before).toBeGreaterThan(2);
    await writer.settle();
    const v = await verifyAuditLog(wh);
    expect(v.findings).toEqual([]);
    expect(v.head).toMatchObject({ seq: 6 });
    const heads = await wh.session.all('SELECT seq FROM postflight.audit_head');
    expect(heads.map((r) => Number(r.seq))).toEqual([6]);
    await wh.close();
  });
});
