// Kills a retention run after each of its writes that moves a deployment or the audit log, anchors
// the chain, removes archived rows or records the run, then runs it again: every time the second run
// finishes the work with the same rows in the same places as a run never stopped, and the audit
// chain verifies.

import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditLog } from '../../src/audit/audit-log.js';
import { cutoffsAt, DEFAULT_RETENTION } from '../../src/retention/plan.js';
import { runRetention } from '../../src/retention/run-retention.js';
import { ARCHIVED_TABLES } from '../../src/retention/tables.js';
import type { RowBatch, SqlParams } from '../../src/warehouse/port.js';
import { AgedOps, dayMs } from '../support/aged-ops.js';
import { FaultyWarehouse, Killed, KillSwitch } from '../support/faults.js';

const saved = join(tmpdir(), `postflight-retention-crash-${process.pid}.duckdb`);
const DAYS = 380;
const NOW = dayMs(DAYS, 2);

/** A kill switch that never kills, noting each statement's name. */
class Trace extends KillSwitch {
  readonly names: string[] = [];
  override guard<T>(kind: 'statement' | 'call', what: string, run: () => Promise<T>): Promise<T> {
    this.names.push(what);
    return super.guard(kind, what, run);
  }
}

/**
 * Where the rows are after a run. The run's own audit entry is left out: a run stopped after
 * recording itself keeps its entry, and the run that finishes has nothing left to record.
 */
async function placed(w: AgedOps): Promise<Record<string, string>> {
  const tables = [...ARCHIVED_TABLES, ...ARCHIVED_TABLES.map((t) => `${t}_archive`)];
  const rows = await w.contents(tables.filter((t) => !t.startsWith('audit_log')));
  for (const t of ['audit_log', 'audit_log_archive'])
    rows[t] = JSON.stringify(
      await w.wh.session.all(`SELECT * FROM postflight.${t} WHERE action <> 'retention.completed' ORDER BY seq`),
    );
  rows.anchor = JSON.stringify(
    await w.wh.session.all("SELECT seq, hash FROM postflight.audit_head WHERE name = 'anchor'"),
  );
  // A digest per table keeps a failure's report to the tables that differ.
  return Object.fromEntries(
    Object.entries(rows).map(([t, text]) => [
      t,
      `${(JSON.parse(text) as unknown[]).length} rows ${createHash('sha256').update(text).digest('hex')}`,
    ]),
  );
}

let reference: Record<string, string>;
let killPoints: Array<[number, string]>;

beforeAll(async () => {
  const w = await AgedOps.open();
  await w.addDays(DAYS);
  await w.save(saved);
  const trace = new Trace();
  const run = await runRetention(new FaultyWarehouse(w.wh, trace), { nowMs: NOW });
  expect(run.ok).toBe(true);
  expect(run.anchor).not.toBeNull();
  reference = await placed(w);
  await w.syncAudit();
  expect(await w.discrepancies(cutoffsAt(NOW, DEFAULT_RETENTION).archiveBeforeMs)).toEqual([]);
  await w.wh.close();
  // After each write: stopping after a read leaves the same rows as stopping after the write before it.
  killPoints = trace.names
    .map((name, i) => [i + 1, name] as [number, string])
    .filter(([, name]) =>
      /^retention\/(deployments|audit_log)\/(copy|release|purge|anchor)$|^audit\/(append|merge_head)$|^retention\/record$/.test(
        name,
      ),
    );
}, 120_000);
afterAll(() => rmSync(saved, { force: true }));

describe('a retention run killed between statements', () => {
  it('is killed at every step that moves or removes rows, anchors the chain or records the run', () => {
    const steps = new Set(killPoints.map(([, n]) => n));
    for (const n of [
      'retention/deployments/copy',
      'retention/deployments/release',
      'retention/deployments/purge',
      'retention/audit_log/copy',
      'retention/audit_log/release',
      'audit/append',
      'retention/audit_log/anchor',
      'retention/audit_log/purge',
      'retention/record',
    ])
      expect(steps).toContain(n);
  });

  it('loses nothing: the next run finishes with every row where a run never stopped puts it', async () => {
    for (const [k, name] of killPoints) {
      const w = await AgedOps.copyOf(saved, DAYS);
      const sw = new KillSwitch(k);
      await expect(runRetention(new FaultyWarehouse(w.wh, sw), { nowMs: NOW })).rejects.toThrow(Killed);
      const again = await runRetention(w.wh, { nowMs: NOW });
      expect({ k, name, problems: again.tables.flatMap((t) => t.problems) }).toEqual({ k, name, problems: [] });
      expect({ k, name, placed: await placed(w) }).toEqual({ k, name, placed: reference });
      expect({ k, name, audit: (await verifyAuditLog(w.wh)).findings }).toEqual({ k, name, audit: [] });
      expect(await w.count('SELECT count(*) AS n FROM postflight.retention_runs')).toBe(1);
      await w.wh.close();
    }
  }, 600_000);
});

describe('a retention write that loses a race', () => {
  /** Fails the first `times` runs of one statement as Delta fails a write another writer beat. */
  async function racing(statement: string, times: number, message: string) {
    const w = await AgedOps.copyOf(saved, DAYS);
    const attempts: string[] = [];
    const execute = w.wh.execute.bind(w.wh);
    w.wh.execute = async (name: string, params?: SqlParams, rows?: RowBatch) => {
      if (name === statement && attempts.push(name) <= times) throw new Error(message);
      return execute(name, params, rows);
    };
    return { w, attempts };
  }
  const CONFLICT =
    '[DELTA_CONCURRENT_APPEND] ConcurrentAppendException: Files were added to the root of the table by a concurrent update.';

  it('is repeated when Delta refused it for a concurrent write (every step is safe to repeat)', async () => {
    const { w, attempts } = await racing('retention/check_results/release', 2, CONFLICT);
    const run = await runRetention(w.wh, { nowMs: NOW });
    expect(run.ok).toBe(true);
    expect(attempts).toHaveLength(3);
    expect(run.tables.find((t) => t.table === 'check_results')!.moved.rows).toBeGreaterThan(0);
    await w.wh.close();
  });

  it('fails the run when the race goes on, and on any other error at once', async () => {
    const stuck = await racing('retention/ticks/copy', 5, CONFLICT);
    await expect(runRetention(stuck.w.wh, { nowMs: NOW })).rejects.toThrow(/DELTA_CONCURRENT_APPEND/);
    expect(stuck.attempts).toHaveLength(3);
    const other = await racing('retention/ticks/copy', 1, '[INSUFFICIENT_PERMISSIONS] MODIFY on ticks_archive');
    await expect(runRetention(other.w.wh, { nowMs: NOW })).rejects.toThrow(/INSUFFICIENT_PERMISSIONS/);
    expect(other.attempts).toHaveLength(1);
    await stuck.w.wh.close();
    await other.w.wh.close();
  });
});
