import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditLog } from '../../src/audit/audit-log.js';
import { cutoffsAt, DEFAULT_RETENTION } from '../../src/retention/plan.js';
import type { RetentionReport } from '../../src/retention/report.js';
import { runRetention } from '../../src/retention/run-retention.js';
import { ARCHIVED_TABLES } from '../../src/retention/tables.js';
import type { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { AGE, AgedOps, DAY, dayMs } from '../support/aged-ops.js';

const saved = join(tmpdir(), `postflight-retention-${process.pid}.duckdb`);
const DAYS = 400;

beforeAll(async () => {
  const w = await AgedOps.open();
  await w.addDays(DAYS);
  await w.save(saved);
  await w.wh.close();
}, 120_000);
afterAll(() => rmSync(saved, { force: true }));

const byTable = (r: RetentionReport) => Object.fromEntries(r.tables.map((t) => [t.table, t]));
const rowsOf = (r: RetentionReport, pick: 'moved' | 'purged') =>
  Object.fromEntries(r.tables.map((t) => [t.table, t[pick].rows]));

/** The checksum of an archive computed here, over the hot table's columns, not by the statements under test. */
async function archiveChecksum(wh: DuckDbWarehouse, table: string): Promise<bigint> {
  const cols = await wh.session.all(
    "SELECT column_name FROM information_schema.columns WHERE table_schema = 'postflight' AND table_name = $t ORDER BY ordinal_position",
    { t: table },
  );
  const hashed = cols.map((c) => `"${String(c.column_name)}"`).join(', ');
  const [r] = await wh.session.all(
    `SELECT CAST(coalesce(SUM(CAST(xxhash64(${hashed}) AS DECIMAL(38, 0))), 0) AS VARCHAR) AS s FROM postflight.${table}_archive`,
  );
  return BigInt(String(r!.s));
}

/** Hot rows older than the hot window, per table: only what must stay hot at any age. */
async function oldHot(w: AgedOps, hotBeforeMs: number): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of ARCHIVED_TABLES)
    out[t] = await w.count(
      `SELECT count(*) AS n FROM postflight.${t} WHERE ${AGE[t]} < make_timestamp(CAST($c AS BIGINT) * 1000)`,
      { c: hotBeforeMs },
    );
  return out;
}

describe('retention over more than a year of ops history', () => {
  it('moves rows past 90 days to the archives every five weeks and removes them after a year, losing and changing nothing', async () => {
    const w = await AgedOps.open();
    const firstMoves = new Set<string>();
    let runs = 0;
    for (let day = 35; day <= 420; day += 35) {
      await w.addDays(day);
      const nowMs = dayMs(day, 2);
      const r = await runRetention(w.wh, { nowMs });
      runs++;
      await w.syncAudit();
      const cut = cutoffsAt(nowMs, DEFAULT_RETENTION);
      expect({ day, problems: r.tables.flatMap((t) => t.problems) }).toEqual({ day, problems: [] });
      expect(r.ok).toBe(true);
      for (const t of r.tables) {
        expect({ day, table: t.table, conserved: t.conserved, verified: t.verified !== false }).toEqual({
          day,
          table: t.table,
          conserved: true,
          verified: true,
        });
        // The first time a table moves, its archive holds exactly what moved: the checksum the run
        // reports is the one computed here over what arrived.
        if (t.before.archive.rows === 0 && t.moved.rows > 0 && t.purged.rows === 0) {
          firstMoves.add(t.table);
          expect({ table: t.table, rows: t.after.archive.rows, sum: await archiveChecksum(w.wh, t.table) }).toEqual({
            table: t.table,
            rows: t.moved.rows,
            sum: t.moved.sum,
          });
        }
      }
      expect({ day, wrong: await w.discrepancies(cut.archiveBeforeMs) }).toEqual({ day, wrong: [] });
      if (cut.hotBeforeMs > dayMs(10)) {
        expect({ day, old: await oldHot(w, cut.hotBeforeMs) }).toEqual({
          day,
          old: {
            // The open deployment, and the idle bundle's newest and newest HEALTHY deployments, with theirs.
            deployments: 3,
            verdicts: 2,
            resource_snapshots: 2,
            deployment_events: 0,
            check_results: 2,
            rollbacks: 1,
            // The idle job's newest hour and its table's newest commit.
            error_budgets: 1,
            cost_budgets: 1,
            audit_log: 0,
            ticks: 0,
            observed_runs: 0,
            table_commits: 1,
          },
        });
        const kept = await w.wh.session.all(
          'SELECT deployment_id FROM postflight.deployments WHERE finished_at < make_timestamp(CAST($c AS BIGINT) * 1000) ORDER BY 1',
          { c: cut.hotBeforeMs },
        );
        expect(kept.map((k) => k.deployment_id)).toEqual(['dep-idle-d8', 'dep-idle-d9', 'dep-open-d5']);
      }
    }
    expect([...firstMoves].sort()).toEqual([...ARCHIVED_TABLES].sort());
    const audit = await verifyAuditLog(w.wh);
    expect(audit.findings).toEqual([]);
    expect(audit.anchor?.seq).toBeGreaterThan(0);
    expect(audit.archivedRows).toBeGreaterThan(0);
    expect(await w.count('SELECT count(*) AS n FROM postflight.retention_runs WHERE ok')).toBe(runs);
    expect(
      await w.count("SELECT count(*) AS n FROM postflight.audit_log WHERE action = 'retention.completed'"),
    ).toBeGreaterThan(0);
    // Current state stays whatever its age.
    expect(await w.count('SELECT count(*) AS n FROM postflight.quarantined_versions')).toBe(1);
    expect(await w.count('SELECT count(*) AS n FROM postflight.pipeline_targets')).toBe(1);
    await w.wh.close();
  }, 180_000);
});

describe('retention run again', () => {
  const STILL = [...ARCHIVED_TABLES.filter((t) => t !== 'audit_log'), ...ARCHIVED_TABLES.map((t) => `${t}_archive`)];

  it('moves and removes nothing the same day, and one day of rows the next', async () => {
    const w = await AgedOps.copyOf(saved, DAYS);
    const first = await runRetention(w.wh, { nowMs: dayMs(DAYS, 2) });
    expect(first.ok).toBe(true);
    const after = await w.contents(STILL);
    const statements = w.wh.stats.statements;
    const again = await runRetention(w.wh, { nowMs: dayMs(DAYS, 22) });
    expect(again.ok).toBe(true);
    expect(again.tables.every((t) => t.moved.rows === 0 && t.purged.rows === 0 && t.verified === null)).toBe(true);
    expect(await w.contents(STILL)).toEqual(after);
    // One measure per table, then the run's record and its audit entry (tail, append, head).
    expect(w.wh.stats.statements - statements).toBe(ARCHIVED_TABLES.length + 4);

    const next = await runRetention(w.wh, { nowMs: dayMs(DAYS + 1, 2) });
    expect(next.ok).toBe(true);
    const day = { deployments: 2, verdicts: 2, resource_snapshots: 2, deployment_events: 4, check_results: 6 };
    const rest = { error_budgets: 8, cost_budgets: 8, audit_log: 3, ticks: 6, observed_runs: 8, table_commits: 6 };
    // Day 310 moves, day 35 leaves the archive; neither had a rollback.
    expect(rowsOf(next, 'moved')).toEqual({ ...day, rollbacks: 0, ...rest });
    expect(rowsOf(next, 'purged')).toEqual({ ...day, rollbacks: 0, ...rest });
    expect(next.anchor!.seq).toBe(first.anchor!.seq + 3);
    expect((await verifyAuditLog(w.wh)).findings).toEqual([]);
    await w.wh.close();
  }, 60_000);

  it('in a dry run reports what a run would move and remove, and changes nothing', async () => {
    const w = await AgedOps.copyOf(saved, DAYS);
    const every = [...ARCHIVED_TABLES, ...ARCHIVED_TABLES.map((t) => `${t}_archive`), 'audit_head', 'retention_runs'];
    const before = await w.contents(every);
    const dry = await runRetention(w.wh, { nowMs: dayMs(DAYS, 2), dryRun: true });
    expect(await w.contents(every)).toEqual(before);
    const real = await runRetention(w.wh, { nowMs: dayMs(DAYS, 2) });
    const realBy = byTable(real);
    for (const t of dry.tables) {
      expect({ table: t.table, moved: t.moved, purged: t.purged }).toEqual({
        table: t.table,
        moved: realBy[t.table]!.moved,
        purged: realBy[t.table]!.purged,
      });
    }
    expect(rowsOf(dry, 'moved').deployments).toBeGreaterThan(0);
    expect(dry.cutoffs).toEqual({ hotBeforeMs: dayMs(DAYS) - 90 * DAY, archiveBeforeMs: dayMs(DAYS) - 365 * DAY });
    await w.wh.close();
  }, 60_000);
});
