import { describe, expect, it } from 'vitest';
import { appendAudit, verifyAuditLog } from '../../src/audit/audit-log.js';
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
    expect(await appendAudit(wh, [entry('a'), entry('b')], 1)).toEqual({ appended: 2, alreadyRecorded: 0 });
    expect(await appendAudit(wh, [entry('b'), entry('c')], 2)).toEqual({ appended: 1, alreadyRecorded: 1 });
    const v = await verifyAuditLog(wh);
    expect(v).toMatchObject({ ok: true, rows: 3, head: { seq: 3 } });
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
    expect(await appendAudit(wh, [entry('c')], 2, head)).toEqual({ appended: 1, alreadyRecorded: 0 });
    expect(wh.stats.statements - before).toBe(2);
    // The same tail again is stale now: the append inserts nothing, and the writer re-reads it.
    expect(await appendAudit(wh, [entry('d')], 3, head)).toEqual({ appended: 1, alreadyRecorded: 0 });
    // A retried tick: one of its entries is recorded, so none goes in on the known tail.
    const now = (await verifyAuditLog(wh)).head;
    before = wh.stats.statements;
    expect(await appendAudit(wh, [entry('d'), entry('e')], 4, now)).toEqual({ appended: 1, alreadyRecorded: 1 });
    expect(wh.stats.statements - before).toBeGreaterThan(2);
    const v = await verifyAuditLog(wh);
    expect(v.findings).toEqual([]);
    expect(v.rows).toBe(5);
    expect(
      (await wh.session.all('SELECT event_key FROM postflight.audit_log ORDER BY seq')).map((r) => r.event_key),
    ).toEqual(['a', 'b', 'c', 'd', 'e']);
    await wh.close();
  });
});
