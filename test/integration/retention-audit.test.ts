// The audit chain once retention has moved its older rows to the archive and removed the oldest:
// `audit verify` reads the hot log and its archive from the recorded anchor, and still finds rows
// changed, deleted or reordered in the archive, copies that differ, and an anchor not set by
// retention. Retention itself removes no archived audit row while the chain does not verify.

import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit, verifyAuditLog } from '../../src/audit/audit-log.js';
import { runAuditCommand } from '../../src/cli/audit.js';
import { runRetention } from '../../src/retention/run-retention.js';
import { AgedOps, dayMs } from '../support/aged-ops.js';

const DAYS = 380;
let w: AgedOps;
let anchorSeq: number;

beforeAll(async () => {
  w = await AgedOps.open();
  await w.addDays(DAYS);
  const run = await runRetention(w.wh, { nowMs: dayMs(DAYS, 2) });
  expect(run.ok).toBe(true);
  anchorSeq = run.anchor!.seq;
}, 120_000);
afterAll(() => w.wh.close());

/** Verifies the log with `tamper` applied, then undoes it. */
async function verifiedWith(...tamper: string[]) {
  await w.wh.session.run('BEGIN TRANSACTION');
  try {
    for (const sql of tamper) await w.wh.session.run(sql);
    return await verifyAuditLog(w.wh);
  } finally {
    await w.wh.session.run('ROLLBACK');
  }
}

const kinds = (v: Awaited<ReturnType<typeof verifyAuditLog>>) => [...new Set(v.findings.map((f) => f.problem))].sort();

describe('audit verify across the hot log, its archive and the anchor', () => {
  it('verifies intact from the recorded anchor, and says so', async () => {
    const v = await verifyAuditLog(w.wh);
    expect(v.findings).toEqual([]);
    expect(v.anchor?.seq).toBe(anchorSeq);
    expect(v.archivedRows).toBeGreaterThan(0);
    expect(v.hotRows).toBeGreaterThan(0);
    expect(v.rows).toBe(v.hotRows + v.archivedRows);
    const out = new PassThrough();
    let text = '';
    out.on('data', (c) => {
      text += String(c);
    });
    expect(await runAuditCommand(w.wh, out, false)).toBe(0);
    expect(text).toMatch(
      new RegExp(
        `intact: ${v.rows} rows \\(${v.hotRows} hot, ${v.archivedRows} archived\\), from anchor seq ${anchorSeq} `,
      ),
    );
  });

  const mid = () => anchorSeq + 40;
  const cases: Array<[string, () => string[], string[]]> = [
    [
      'an archived row changed',
      () => [`UPDATE postflight.audit_log_archive SET payload = '{"day":0}' WHERE seq = ${mid()}`],
      ['changed'],
    ],
    [
      'an archived row deleted',
      () => [`DELETE FROM postflight.audit_log_archive WHERE seq = ${mid()}`],
      ['missing', 'out_of_order'],
    ],
    [
      'two archived rows swapped',
      () => [
        `UPDATE postflight.audit_log_archive SET seq = CASE seq WHEN ${mid()} THEN ${mid() + 1} ELSE ${mid()} END WHERE seq IN (${mid()}, ${mid() + 1})`,
      ],
      ['changed', 'out_of_order'],
    ],
    [
      'the oldest rows after the anchor deleted',
      () => [`DELETE FROM postflight.audit_log_archive WHERE seq <= ${anchorSeq + 5}`],
      ['missing', 'out_of_order'],
    ],
    [
      'the anchor changed',
      () => [`UPDATE postflight.audit_head SET hash = repeat('0', 64) WHERE name = 'anchor'`],
      ['anchor_unvouched', 'out_of_order'],
    ],
    [
      'the anchor moved forward over deleted rows',
      () => [
        `UPDATE postflight.audit_head SET seq = ${mid()}, hash = (SELECT hash FROM postflight.audit_log_archive WHERE seq = ${mid()}) WHERE name = 'anchor'`,
        `DELETE FROM postflight.audit_log_archive WHERE seq <= ${mid()}`,
      ],
      ['anchor_unvouched'],
    ],
    [
      'the anchor removed',
      () => ["DELETE FROM postflight.audit_head WHERE name = 'anchor'"],
      ['missing', 'out_of_order'],
    ],
    [
      'a hot row copied into the archive with a change',
      () => [
        `INSERT INTO postflight.audit_log_archive SELECT * REPLACE ('{"forged":1}' AS payload), NULL FROM postflight.audit_log WHERE seq = (SELECT MIN(seq) FROM postflight.audit_log)`,
      ],
      ['conflict'],
    ],
    [
      'a hot row changed',
      () => [
        `UPDATE postflight.audit_log SET actor = 'someone' WHERE seq = (SELECT MIN(seq) FROM postflight.audit_log)`,
      ],
      ['changed'],
    ],
  ];

  it.each(cases)('finds %s', async (_, tamper, problems) => {
    const v = await verifiedWith(...tamper());
    expect(v.ok).toBe(false);
    expect(kinds(v)).toEqual(problems);
  });

  it('moves audit rows in seq order only: an entry logged late with an old time stays hot until the rows before it go', async () => {
    await w.wh.session.run('BEGIN TRANSACTION');
    try {
      const late = (key: string) => ({
        atMs: dayMs(100),
        actor: 'ci',
        action: 'record.late',
        subject: key,
        payload: {},
        eventKey: key,
      });
      await appendAudit(w.wh, [late('late-1'), late('late-2')], dayMs(DAYS, 3));
      const run = await runRetention(w.wh, { nowMs: dayMs(DAYS + 1, 2) });
      expect(run.ok).toBe(true);
      expect(
        await w.count("SELECT count(*) AS n FROM postflight.audit_log WHERE event_key IN ('late-1', 'late-2')"),
      ).toBe(2);
      expect((await verifyAuditLog(w.wh)).findings).toEqual([]);
    } finally {
      await w.wh.session.run('ROLLBACK');
    }
  });

  it('retention removes no archived audit row while the chain does not verify, and moves the rest', async () => {
    await w.wh.session.run('BEGIN TRANSACTION');
    try {
      await w.wh.session.run(`UPDATE postflight.audit_log_archive SET subject = 'x' WHERE seq = ${anchorSeq + 2}`);
      const archived = await w.count('SELECT count(*) AS n FROM postflight.audit_log_archive');
      // Thirty days on: thirty days of rows are past the archive window.
      const run = await runRetention(w.wh, { nowMs: dayMs(DAYS + 30, 2) });
      expect(run.ok).toBe(false);
      const audit = run.tables.find((t) => t.table === 'audit_log')!;
      expect(audit.purged.rows).toBe(0);
      expect(audit.problems.join('\n')).toMatch(
        /row \d+ .* no longer matches its hash.*no archived audit row is removed/,
      );
      expect(audit.moved.rows).toBe(90);
      expect(await w.count('SELECT count(*) AS n FROM postflight.audit_log_archive')).toBe(archived + 90);
      expect(run.tables.find((t) => t.table === 'deployments')!.purged.rows).toBeGreaterThan(0);
    } finally {
      await w.wh.session.run('ROLLBACK');
    }
  });

  it('purges the archive past its window when the verifier stopped: every hot row old, nothing counted twice', async () => {
    await w.wh.session.run('BEGIN TRANSACTION');
    try {
      // Two hundred days on with no entry since: every hot row is past the hot window, the newest
      // stays hot for the next entry to chain on, and the entry vouching for the new anchor
      // becomes the newest in the middle of the run.
      const run = await runRetention(w.wh, { nowMs: dayMs(DAYS + 200, 2) });
      const audit = run.tables.find((t) => t.table === 'audit_log')!;
      expect(audit.problems).toEqual([]);
      expect(audit.purged.rows).toBeGreaterThan(0);
      expect(audit.conserved).toBe(true);
      expect(run.ok).toBe(true);
      expect((await verifyAuditLog(w.wh)).findings).toEqual([]);
    } finally {
      await w.wh.session.run('ROLLBACK');
    }
  });
});
