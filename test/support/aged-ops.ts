// postflight's own tables filled day by day over more than a year, for retention tests. Every row
// written to the ops tables is also written to a `shadow` schema that retention never touches,
// so a test can prove that the hot tables and their archives together hold exactly the rows
// written, less those past the archive window.
//
// Each day: two bundles deploy once (a FAILED verdict and a rollback every 30th day), with stages,
// a settings snapshot and three check results each; error budgets, ticks, observed runs, Delta
// commits and three audit entries (through the audit log's own writer). Kept hot at any age: a
// deployment left open on day 5 with a rollback that never ended, and an idle bundle that deployed
// only on days 0..9 (its newest deployment FAILED, the one before HEALTHY; its job's error budget
// and table stop then too).

import { appendAudit } from '../../src/audit/audit-log.js';
import type { AuditEntry } from '../../src/audit/hash-chain.js';
import { ARCHIVED_TABLES } from '../../src/retention/tables.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';

export const DAY = 86_400_000;
/** Midnight UTC of day 0. */
export const T0 = Date.UTC(2025, 0, 6);
export const dayMs = (d: number, hours = 0) => T0 + d * DAY + hours * 3_600_000;

const ts = (expr: string) => `make_timestamp(CAST(($t0 + ${expr}) AS BIGINT) * 1000)`;
const at = (hours: string) => ts(`d * ${DAY} + (${hours}) * 3600000`);

/** Inserts of one day range; `{t}` is the schema written (postflight, then shadow). */
const DAILY = [
  `INSERT INTO {t}.deployments SELECT 'dep-b' || b || '-d' || d, 'bundle_' || b, 'prod', 'v' || d, 'v' || (d - 1),
     'ci-bot', 'https://ci.example/' || d, ${at('9')}, ${at('10')}, 'SUCCEEDED',
     '[{"type":"job","id":"j' || b || '","key":"job_' || b || '"}]', '[]', 'trace-' || d || '-' || b, ${at('10')}
   FROM range($from, $to) r(d), range(0, 2) q(b)`,
  // A deploy that failed in CI every 10th day: never judged, so it is not open either.
  `INSERT INTO {t}.deployments SELECT 'dep-ci-fail-d' || d, 'bundle_0', 'prod', 'x' || d, NULL, 'ci-bot', NULL,
     ${at('11')}, NULL, 'FAILED', '[]', '[]', NULL, ${at('11')} FROM range($from, $to) r(d) WHERE d % 10 = 3`,
  `INSERT INTO {t}.deployments SELECT 'dep-idle-d' || d, 'bundle_idle', 'prod', 'i' || d, 'i' || (d - 1), 'ci-bot',
     NULL, ${at('9')}, ${at('10')}, 'SUCCEEDED', '[{"type":"job","id":"j-idle","key":"idle"}]', '[]', NULL, ${at('10')}
   FROM range($from, $to) r(d) WHERE d < 10`,
  `INSERT INTO {t}.deployments SELECT 'dep-open-d5', 'bundle_0', 'staging', 'o5', NULL, 'ci-bot', NULL,
     ${at('12')}, ${at('13')}, 'SUCCEEDED', '[]', '[]', NULL, ${at('13')} FROM range($from, $to) r(d) WHERE d = 5`,
  `INSERT INTO {t}.verdicts SELECT id, CASE WHEN failed THEN 'FAILED' ELSE 'HEALTHY' END, 'judged', true, 3,
     ${at('11')}, ${at('11')}, ${at('11')}, ${at('11')}, 'tick-' || d, NULL, NULL
   FROM (SELECT 'dep-b' || b || '-d' || d AS id, d, d % 30 = 7 AS failed FROM range($from, $to) r(d), range(0, 2) q(b)
         UNION ALL SELECT 'dep-idle-d' || d, d, d = 9 FROM range($from, $to) r(d) WHERE d < 10)`,
  `INSERT INTO {t}.resource_snapshots SELECT 'dep-b' || b || '-d' || d, 'job', 'j' || b, 'job_' || b,
     '{"name":"job_' || b || '","version":' || d || '}', md5('s' || b || d), ${at('10')}
   FROM range($from, $to) r(d), range(0, 2) q(b)
   UNION ALL SELECT 'dep-idle-d' || d, 'job', 'j-idle', 'idle', '{}', md5('i' || d), ${at('10')}
   FROM range($from, $to) r(d) WHERE d < 10`,
  `INSERT INTO {t}.deployment_events SELECT 'dep-b' || b || '-d' || d, stage, 1, ${at('9')}, ${at('10')}, 'SUCCEEDED',
     '{"k":' || d || '}', 'trace-' || d || '-' || b, 'span-' || stage
   FROM range($from, $to) r(d), range(0, 2) q(b), (VALUES ('deploy'), ('verify')) s(stage)`,
  `INSERT INTO {t}.check_results SELECT 'dep-b' || b || '-d' || d, c, 'job:j' || b, 1, 'PASS', c = 'run_health',
     d * 1.5, 20, 100.0, 3.5, 0.05, 1.2, 0.3, 0.1, 4, 'fast', 60.0, 'ok ' || d, NULL, 'tick-' || d, ${at('11')}
   FROM range($from, $to) r(d), range(0, 2) q(b), (VALUES ('run_health'), ('row_count'), ('freshness')) s(c)
   UNION ALL SELECT 'dep-idle-d' || d, 'run_health', 'job:j-idle', 1, 'PASS', true, 1, 20, 1, 1, 1, 1, 1, 1, 1, 'fast',
     1, 'ok', NULL, 'tick-' || d, ${at('11')} FROM range($from, $to) r(d) WHERE d < 10`,
  `INSERT INTO {t}.rollbacks SELECT 'rb-' || b || '-' || d, 'dep-b' || b || '-d' || d, 'bundle_' || b, 'prod',
     'v' || d, 'v' || (d - 1), 'dep-b' || b || '-d' || (d - 1), 'failed', 'SAFE', 'jobs-api', 'SUCCEEDED', 1, NULL,
     ${at('12')}, ${at('12.5')}, '{}', NULL, NULL, NULL, NULL
   FROM range($from, $to) r(d), range(0, 2) q(b) WHERE d % 30 = 7`,
  `INSERT INTO {t}.rollbacks SELECT 'rb-stuck', 'dep-open-d5', 'bundle_0', 'staging', 'o5', NULL, NULL, 'failed',
     'UNSAFE', 'jobs-api', 'REQUESTED', 0, NULL, ${at('14')}, ${at('14')}, '{}', NULL, NULL, NULL, NULL
   FROM range($from, $to) r(d) WHERE d = 5`,
  `INSERT INTO {t}.error_budgets SELECT 'job:j' || b, 'success', ${at('h')}, 0.99, 40 + d % 3, 40, 0.5, '{}', NULL,
     NULL, 'bundle_' || b, 'prod', 'sparse', false, '{}', 'ok', ${at('h')}
   FROM range($from, $to) r(d), range(0, 2) q(b), (VALUES (6), (12), (18), (24)) w(h)`,
  // The idle bundle's job stopped reporting with it: its newest hour stays, as does its table's newest commit.
  `INSERT INTO {t}.error_budgets SELECT 'job:j-idle', 'success', ${at('12')}, 0.99, 10, 10, 1.0, '{}', NULL, NULL,
     'bundle_idle', 'prod', 'sparse', false, '{}', 'ok', ${at('12')} FROM range($from, $to) r(d) WHERE d < 10`,
  `INSERT INTO {t}.cost_budgets SELECT 'bundle', 'bundle_' || b, 'prod', ${at('h')}, ${at('0')}, 3000.0, 100.0 + d, 50.0,
     0.0, 10.0, 7.0, 400.0 + d, 'OK', NULL, ${at('h')}, 12.0, '{}', 'ok', ${at('h')}
   FROM range($from, $to) r(d), range(0, 2) q(b), (VALUES (6), (12), (18), (24)) w(h)`,
  // The idle bundle's spend stopped with it: its newest hour stays (the promotion gate reads it).
  `INSERT INTO {t}.cost_budgets SELECT 'bundle', 'bundle_idle', 'prod', ${at('12')}, ${at('0')}, NULL, 1.0, 1.0, 0.0,
     0.0, 7.0, 1.0, 'NO_BUDGET', NULL, ${at('12')}, 12.0, '{}', 'ok', ${at('12')} FROM range($from, $to) r(d) WHERE d < 10`,
  `INSERT INTO {t}.table_commits SELECT 'prod.idle.t', d, ${at('3')}, 'WRITE', 10, 'j-idle', NULL, ${at('4')}, NULL,
     NULL, NULL FROM range($from, $to) r(d) WHERE d < 10`,
  `INSERT INTO {t}.ticks SELECT 'tick-' || d || '-' || h, ${at('h')}, 1200.0, 40, 2, 3, 5, 7, 0, 'ok',
     $t0 + d * ${DAY} + h * 3600000, $t0 + d * ${DAY} + h * 3600000, false, NULL, NULL, NULL, NULL
   FROM range($from, $to) r(d), (VALUES (0), (4), (8), (12), (16), (20)) x(h)`,
  `INSERT INTO {t}.observed_runs SELECT 'run-' || b || '-' || d || '-' || k, 'j' || b, ${at('k * 6')},
     ${at('k * 6 + 1')}, CASE WHEN k = 3 AND d % 11 = 0 THEN 'FAILED' ELSE 'SUCCEEDED' END, NULL, NULL, NULL, 'fast',
     ${at('k * 6 + 1')}, CASE WHEN k = 0 THEN '[["main", 0, 1000, "SUCCESS"]]' END
   FROM range($from, $to) r(d), range(0, 2) q(b), range(0, 4) u(k)`,
  `INSERT INTO {t}.table_commits SELECT 'prod.sales.t' || b, d * 3 + k, ${at('k * 8')}, 'WRITE', 1000 + d, 'j' || b,
     'run-' || b || '-' || d || '-' || k, ${at('k * 8 + 1')}, NULL, NULL, NULL
   FROM range($from, $to) r(d), range(0, 2) q(b), range(0, 3) u(k)`,
  // Current state, never archived: a version quarantined long ago, watermarks, pipeline targets.
  `INSERT INTO {t}.quarantined_versions SELECT 'bundle_0', 'prod', 'v' || d, 'dep-b0-d' || d, 'failed', ${at('12')}
   FROM range($from, $to) r(d) WHERE d = 7`,
  `INSERT INTO {t}.pipeline_targets SELECT 'p1', 'flow', 'prod.sales.t0', ${at('1')} FROM range($from, $to) r(d) WHERE d = 2`,
];

export class AgedOps {
  days = 0;
  private constructor(readonly wh: DuckDbWarehouse) {}

  static async open(): Promise<AgedOps> {
    const wh = await DuckDbWarehouse.open(':memory:');
    await wh.applyDdl('ddl/ops');
    await wh.session.run('CREATE SCHEMA shadow');
    for (const t of [...ARCHIVED_TABLES, 'quarantined_versions', 'pipeline_targets'])
      await wh.session.run(`CREATE TABLE shadow.${t} AS SELECT * FROM postflight.${t} LIMIT 0`);
    return new AgedOps(wh);
  }

  /** A copy, in memory, of a world saved with `save`: each test starts from the same rows. */
  static async copyOf(path: string, days: number): Promise<AgedOps> {
    const w = new AgedOps(await DuckDbWarehouse.openCopyInMemory(path));
    w.days = days;
    return w;
  }

  save(path: string): Promise<void> {
    return this.wh.saveTo(path);
  }

  /** Writes days [this.days, to): the earlier open verdicts become final, as a tick would make them. */
  async addDays(to: number): Promise<void> {
    const from = this.days;
    if (to <= from) return;
    for (const t of ['postflight', 'shadow']) {
      await this.wh.session.run(`UPDATE ${t}.verdicts SET is_final = true, until = updated_at WHERE NOT is_final`);
      for (const sql of DAILY) await this.wh.session.run(sql.replaceAll('{t}', t), { t0: T0, from, to });
      // The newest day's verdicts are still being judged.
      await this.wh.session.run(
        `UPDATE ${t}.verdicts SET is_final = false, until = NULL WHERE updated_at >= make_timestamp(CAST($s AS BIGINT) * 1000)`,
        { s: dayMs(to - 1) },
      );
    }
    for (let d = from; d < to; d++) await appendAudit(this.wh, auditDay(d), dayMs(d, 23));
    await this.syncAudit();
    this.days = to;
  }

  /** Copies audit rows appended since (by the world or by retention) into the shadow. */
  async syncAudit(): Promise<void> {
    await this.wh.session.run(
      `INSERT INTO shadow.audit_log SELECT * FROM postflight.audit_log
       WHERE seq > (SELECT coalesce(MAX(seq), 0) FROM shadow.audit_log)`,
    );
  }

  async count(sql: string, params: Record<string, string | number> = {}): Promise<number> {
    return Number((await this.wh.session.all(sql, params))[0]!.n);
  }

  /**
   * What the hot tables and their archives hold against what was written: rows held that were
   * never written (or were changed), rows written that are gone though younger than the archive
   * window, and rows held twice. Empty when retention lost and invented nothing.
   */
  async discrepancies(archiveBeforeMs: number): Promise<string[]> {
    const out: string[] = [];
    const cut = 'make_timestamp(CAST($cut AS BIGINT) * 1000)';
    for (const t of ARCHIVED_TABLES) {
      const hot = `SELECT * FROM postflight.${t}`;
      const archived = `SELECT * EXCLUDE (archived_at) FROM postflight.${t}_archive`;
      const [r] = await this.wh.session.all(
        `WITH held AS (${hot} UNION ALL ${archived})
         SELECT
           (SELECT count(*) FROM (SELECT * FROM held EXCEPT ALL SELECT * FROM shadow.${t})) AS invented,
           (SELECT count(*) FROM (SELECT * FROM shadow.${t} WHERE ${AGE[t]} >= ${cut} EXCEPT ALL SELECT * FROM held)) AS lost,
           (SELECT count(*) FROM (${hot} INTERSECT ALL ${archived})) AS twice,
           (SELECT count(*) FROM postflight.${t}_archive WHERE ${AGE[t]} < ${cut}) AS "archived past the window"`,
        { cut: archiveBeforeMs },
      );
      for (const [what, n] of Object.entries(r!)) if (Number(n)) out.push(`${t}: ${n} rows ${what}`);
    }
    return out;
  }

  /** Every row of the given tables, in a fixed order: two states compare as text. */
  async contents(tables: readonly string[]): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const t of tables)
      out[t] = JSON.stringify(await this.wh.session.all(`SELECT * FROM postflight.${t} ORDER BY ALL`), (_, v) =>
        typeof v === 'bigint' ? v.toString() : v,
      );
    return out;
  }
}

function auditDay(d: number): AuditEntry[] {
  return ['verdict.changed', 'rollback.decided', 'budget.alert'].map((action, k) => ({
    atMs: dayMs(d, 8 + k * 4),
    actor: 'postflight',
    action,
    subject: `deployment:dep-b${k % 2}-d${d}`,
    payload: { day: d, k },
    eventKey: `day-${d}-${k}`,
  }));
}

/** The age each archived table is retained by, as the statements of sql/retention/ read it. */
export const AGE: Readonly<Record<(typeof ARCHIVED_TABLES)[number], string>> = {
  deployments: 'coalesce(finished_at, started_at, recorded_at)',
  verdicts: 'updated_at',
  resource_snapshots: 'captured_at',
  deployment_events: 'coalesce(finished_at, started_at)',
  check_results: 'evaluated_at',
  rollbacks: 'coalesce(updated_at, requested_at)',
  error_budgets: 'window_end',
  cost_budgets: 'window_end',
  audit_log: 'logged_at',
  ticks: 'started_at',
  observed_runs: 'coalesce(start_time, observed_at)',
  table_commits: 'commit_time',
};
