// The views of sql/views, the dashboard's datasets and the alerts of alerts.yml, on the embedded
// world the demo replays (failed deployments, rollbacks, a blocked one, spent error budgets), with
// the warehouse clock set on purpose: each alert fires at the world's failures and stays quiet
// before them, after its window and on a world where nothing went wrong.

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../src/demo/demo.js';
import type { DemoReport } from '../../src/demo/report.js';
import { defaultSpec } from '../../src/simulator/default-spec.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { listSql } from '../../src/warehouse/sql-files.js';
import {
  type Dashboard,
  dashboardProblems,
  datasetSql,
  encodedFields,
  fieldColumn,
  widgetSql,
} from '../support/lakeview.js';
import { clockMs, HOUR, MINUTE, recordDeployment, runAlert, setClock } from '../support/ops-world.js';

const spec = defaultSpec({ pipelines: 10, days: 21, deploysPerDay: 40, badShare: 0.5, seed: 1 });
const DASHBOARD = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../dashboards/postflight.lvdash.json'), 'utf8'),
) as Dashboard;
let worldPath: string;
let report: DemoReport;
let wh: DuckDbWarehouse;
let endMs: number;
/** When each replayed rollback was decided (the tick its deployment's verdict turned FAILED). */
let rollbacks: Array<{ deployment_id: string; bundle: string; target: string; state: string; requested_ms: number }>;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'postflight-views-'));
  report = await runDemo({ dir, spec, replayMinutes: 8 * 60 });
  worldPath = join(dir, 'workspace.duckdb');
  wh = await DuckDbWarehouse.openCopyInMemory(worldPath);
  endMs = await clockMs(wh);
  rollbacks = (await wh.session.all(
    'SELECT deployment_id, bundle, target, state, epoch_ms(requested_at) AS requested_ms FROM postflight.rollbacks ORDER BY requested_at',
  )) as typeof rollbacks;
}, 300_000);

afterAll(async () => wh?.close());

/** Runs `f` with the warehouse clock at `ms`, then puts it back at the world's end. */
async function at<T>(ms: number, f: () => Promise<T>): Promise<T> {
  await setClock(wh, ms);
  try {
    return await f();
  } finally {
    await setClock(wh, endMs);
  }
}

describe('the views, in the replayed world', () => {
  it('exist and answer, each of them', async () => {
    const views = listSql('views').map((n) => n.slice('views/'.length));
    expect(views).toEqual(expect.arrayContaining(['deployment_health', 'dora_deployments', 'verifier_ticks']));
    for (const v of views) {
      const [r] = await wh.session.all(`SELECT count(*) AS n FROM postflight.${v}`);
      expect({ view: v, rows: Number(r!.n) > 0 }).toEqual({ view: v, rows: true });
    }
  });

  it('show each bundle and target once, live on its newest deployment, a restore included', async () => {
    const health = await wh.session.all('SELECT * FROM postflight.deployment_health');
    const [pairs] = await wh.session.all(
      "SELECT count(DISTINCT bundle || '/' || target) AS n FROM postflight.deployments WHERE status IN ('SUCCEEDED', 'PARTIAL')",
    );
    expect(health.length).toBe(Number(pairs!.n));
    const blocked = rollbacks.find((r) => r.state === 'BLOCKED')!;
    const live = health.find((h) => h.bundle === blocked.bundle && h.target === blocked.target)!;
    if (live.deployment_id === blocked.deployment_id) {
      expect(live.verdict).toBe('FAILED');
      expect(String(live.page_reason)).toMatch(/^rollback BLOCKED/);
      expect(live.needs_attention).toBe(true);
    }
    for (const r of rollbacks.filter((x) => x.state === 'SUCCEEDED')) {
      const h = health.find((x) => x.bundle === r.bundle && x.target === r.target)!;
      // Live is the restored version, unless CI deployed the bundle again since.
      if (h.restores_deployment_id !== r.deployment_id) expect(Number(h.finished_at)).toBeGreaterThan(r.requested_ms);
    }
  });

  it('count as DORA failures exactly the failed CI deployments, restored by their rollback', async () => {
    const failed = await wh.session.all('SELECT * FROM postflight.dora_deployments WHERE failed');
    expect(failed.map((f) => f.deployment_id).sort()).toEqual(rollbacks.map((r) => r.deployment_id).sort());
    const restores = await wh.session.all(
      `SELECT r.deployment_id, epoch_ms(d.finished_at) AS restored_ms FROM postflight.rollbacks r
       JOIN postflight.deployments d ON d.deployment_id = r.restore_deployment_id WHERE r.state = 'SUCCEEDED'`,
    );
    expect(restores.length).toBe(report.rollbacks);
    for (const r of restores) {
      const f = failed.find((x) => x.deployment_id === r.deployment_id)!;
      expect(Number(f.restored_at)).toBeLessThanOrEqual(Number(r.restored_ms));
      expect(Number(f.minutes_to_restore)).toBeGreaterThan(0);
    }
    // One target only: no failed version went anywhere else.
    expect(failed.every((f) => f.caught_before_spread === true && Number(f.spread_to_targets) === 0)).toBe(true);
    const [restoreRows] = await wh.session.all(
      `SELECT count(*) AS n FROM postflight.dora_deployments x JOIN postflight.rollbacks r ON r.restore_deployment_id = x.deployment_id`,
    );
    expect(Number(restoreRows!.n)).toBe(0);
  });

  it('keep every verdict change, the rollbacks among them, and tick gaps of one minute', async () => {
    const [audit] = await wh.session.all(
      "SELECT count(*) AS n FROM postflight.audit_log WHERE action = 'verdict.changed'",
    );
    const history = await wh.session.all('SELECT * FROM postflight.verdict_history');
    expect(history.length).toBe(Number(audit!.n));
    const rolledBack = history.filter((h) => h.to_state === 'ROLLED_BACK');
    expect(rolledBack.length).toBe(report.rollbacks);
    for (const h of rolledBack) expect(String(h.rollback_id)).toMatch(/^rb-/);
    const gaps = await wh.session.all(
      'SELECT DISTINCT seconds_since_previous_tick AS s FROM postflight.verifier_ticks WHERE seconds_since_previous_tick IS NOT NULL',
    );
    expect(gaps.map((g) => Number(g.s))).toEqual([60]);
  });

  it('give the promotion gate’s current budgets', async () => {
    const [b] = await wh.session.all('SELECT bundle, bundle_target FROM postflight.error_budgets LIMIT 1');
    const gate = await wh.query('gate/budget_frozen', {
      bundle: String(b!.bundle),
      target: String(b!.bundle_target),
      since_ms: 0,
    });
    const now = await wh.session.all(
      'SELECT * FROM postflight.error_budgets_now WHERE bundle = $b AND bundle_target = $t',
      {
        b: String(b!.bundle),
        t: String(b!.bundle_target),
      },
    );
    const key = (r: Record<string, unknown>) => `${r.subject} ${r.slo} ${r.budget_remaining} ${r.exhausted}`;
    expect(now.map(key).sort()).toEqual(gate.map(key).sort());
  });
});

describe('the dashboard', () => {
  it('is a well-formed serialized dashboard', () => {
    expect(dashboardProblems(DASHBOARD)).toEqual([]);
    const views = listSql('views').map((n) => n.slice('views/'.length));
    const read = views.filter((v) => DASHBOARD.datasets.some((d) => new RegExp(`\\b${v}\\b`).test(datasetSql(d))));
    expect(read).toEqual(views);
  });

  it('has every dataset answer on the replayed world with the columns its widgets show', async () => {
    await wh.session.run("SET search_path = 'postflight,main'");
    try {
      for (const ds of DASHBOARD.datasets) {
        const rows = await wh.session.all(datasetSql(ds));
        expect({ dataset: ds.name, rows: rows.length > 0 }).toEqual({ dataset: ds.name, rows: true });
        const columns = (await wh.session.all(`DESCRIBE ${datasetSql(ds)}`)).map((c) => String(c.column_name));
        for (const page of DASHBOARD.pages)
          for (const item of page.layout) {
            const q = item.widget.queries?.[0]?.query;
            if (!q || q.datasetName !== ds.name) continue;
            for (const f of q.fields)
              expect(columns, `${item.widget.name}: ${f.expression}`).toContain(fieldColumn(f)!.column);
            const shown = await wh.session.all(widgetSql(q, ds));
            expect(shown.length, item.widget.name).toBeGreaterThan(0);
            for (const name of encodedFields(item.widget.spec!)) expect(Object.keys(shown[0]!)).toContain(name);
          }
      }
      const [beat] = await wh.session.all(datasetSql(DASHBOARD.datasets.find((d) => d.name === 'heartbeat')!));
      expect(Number(beat!.ticks_last_5_min)).toBe(5);
    } finally {
      await wh.session.run("SET search_path = 'main'");
    }
  });
});

describe('the alerts', () => {
  it('fire on each failed verdict for 10 minutes, not before it nor after', async () => {
    expect(rollbacks.length).toBeGreaterThanOrEqual(2);
    for (const r of rollbacks) {
      const during = await at(r.requested_ms, () => runAlert(wh, 'failed_verdict'));
      expect(during.state).toBe('TRIGGERED');
      expect(during.rows.map((x) => x.deployment_id)).toContain(r.deployment_id);
      for (const t of [r.requested_ms - MINUTE, r.requested_ms + 11 * MINUTE]) {
        const quiet = await at(t, () => runAlert(wh, 'failed_verdict'));
        expect(quiet.rows.map((x) => x.deployment_id)).not.toContain(r.deployment_id);
        const others = rollbacks.filter((o) => o.requested_ms > t - 10 * MINUTE && o.requested_ms <= t);
        expect(quiet.state).toBe(others.length ? 'TRIGGERED' : 'OK');
      }
    }
  });

  it('page on the blocked rollback until another deployment of its bundle goes out', async () => {
    const blocked = rollbacks.find((r) => r.state === 'BLOCKED')!;
    expect(report.rollbacks_blocked_unsafe).toBeGreaterThanOrEqual(1);
    const paged = await at(blocked.requested_ms, () => runAlert(wh, 'rollback_blocked'));
    expect(paged.state).toBe('TRIGGERED');
    expect(paged.rows.map((x) => x.deployment_id)).toEqual([blocked.deployment_id]);
    expect(String(paged.rows[0]!.page_reason)).toMatch(/^rollback BLOCKED \(UNSAFE\)/);
    expect((await at(blocked.requested_ms - MINUTE, () => runAlert(wh, 'rollback_blocked'))).state).toBe('OK');
    expect((await at(blocked.requested_ms + 25 * HOUR, () => runAlert(wh, 'rollback_blocked'))).state).toBe('OK');
    // The rollbacks that succeeded never page.
    for (const r of rollbacks.filter((x) => x.state === 'SUCCEEDED')) {
      const rows = (await at(r.requested_ms, () => runAlert(wh, 'rollback_blocked'))).rows;
      expect(rows.map((x) => x.deployment_id)).not.toContain(r.deployment_id);
    }
    // A fix forward closes the page.
    const fixed = await DuckDbWarehouse.openCopyInMemory(worldPath);
    try {
      const later = blocked.requested_ms + 30 * MINUTE;
      await setClock(fixed, later + MINUTE);
      expect((await runAlert(fixed, 'rollback_blocked')).state).toBe('TRIGGERED');
      await recordDeployment(fixed, {
        deploymentId: 'dep-fix-forward',
        bundle: blocked.bundle,
        target: blocked.target,
        version: 'f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1',
        finishedMs: later,
      });
      expect((await runAlert(fixed, 'rollback_blocked')).state).toBe('OK');
      // The failed version, deployed to another target after it failed, spread.
      const [spread] = await fixed.session.all('SELECT version FROM postflight.deployments WHERE deployment_id = $id', {
        id: blocked.deployment_id,
      });
      await recordDeployment(fixed, {
        deploymentId: 'dep-promoted-anyway',
        bundle: blocked.bundle,
        target: 'prod-eu',
        version: String(spread!.version),
        finishedMs: later,
      });
      const [dora] = await fixed.session.all('SELECT * FROM postflight.dora_deployments WHERE deployment_id = $id', {
        id: blocked.deployment_id,
      });
      expect({ caught: dora!.caught_before_spread, targets: Number(dora!.spread_to_targets) }).toEqual({
        caught: false,
        targets: 1,
      });
    } finally {
      await fixed.close();
    }
  });

  it('page when the verifier has not ticked for 5 minutes', async () => {
    const beat = await runAlert(wh, 'verifier_heartbeat');
    expect({ state: beat.state, ticks: Number(beat.rows[0]!.ticks_last_5_min) }).toEqual({ state: 'OK', ticks: 5 });
    expect((await at(endMs + 4 * MINUTE, () => runAlert(wh, 'verifier_heartbeat'))).state).toBe('OK');
    const missing = await at(endMs + 6 * MINUTE, () => runAlert(wh, 'verifier_heartbeat'));
    expect(missing.state).toBe('TRIGGERED');
    expect(Number(missing.rows[0]!.minutes_since_last_tick)).toBe(6);
    // Ticks the verifier missed in the middle of the day.
    const gap = await DuckDbWarehouse.openCopyInMemory(worldPath);
    try {
      const t = endMs - 3 * HOUR;
      await gap.session.run(
        'DELETE FROM postflight.ticks WHERE epoch_ms(started_at) > $from AND epoch_ms(started_at) <= $to',
        {
          from: t - 6 * MINUTE,
          to: t,
        },
      );
      await setClock(gap, t);
      expect((await runAlert(gap, 'verifier_heartbeat')).state).toBe('TRIGGERED');
      await setClock(gap, t - 6 * MINUTE);
      expect((await runAlert(gap, 'verifier_heartbeat')).state).toBe('OK');
    } finally {
      await gap.close();
    }
  });

  it('fire while a current error budget is spent, not on a stale one', async () => {
    const spent = await runAlert(wh, 'budget_exhausted');
    expect(spent.state).toBe('TRIGGERED');
    expect(spent.rows.every((r) => r.budget_remaining !== null && Number(r.budget_remaining) <= 0)).toBe(true);
    expect((await at(endMs + 25 * HOUR, () => runAlert(wh, 'budget_exhausted'))).state).toBe('OK');
  });

  it('page on the hand edit to production once the sweep finds it, for 20 minutes', async () => {
    const [found] = await wh.session.all(
      'SELECT change_id, resource_id, epoch_ms(detected_at) AS detected_ms FROM postflight.untracked_changes',
    );
    const [edit] = await wh.session.all('SELECT resource_id FROM sim_world.hand_edits');
    expect(String(found!.resource_id)).toBe(String(edit!.resource_id));
    const detected = Number(found!.detected_ms);
    const paged = await at(detected, () => runAlert(wh, 'untracked_change'));
    expect(paged.state).toBe('TRIGGERED');
    expect(paged.rows.map((r) => r.change_id)).toEqual([found!.change_id]);
    expect((await at(detected - MINUTE, () => runAlert(wh, 'untracked_change'))).state).toBe('OK');
    expect((await at(detected + 21 * MINUTE, () => runAlert(wh, 'untracked_change'))).state).toBe('OK');
  });
});
