// The views, dashboard and alerts on a world postflight was just installed in, filled only by the
// statements the verifier itself writes with: nothing breaks on empty tables, the alerts keep quiet
// (but for the heartbeat of a verifier that never ticked), and a spent error budget pages until a
// newer hour's budget shows it recovered.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BudgetAssessment } from '../../src/budget/assess.js';
import { budgetRows } from '../../src/tick/budgets.js';
import type { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { listSql } from '../../src/warehouse/sql-files.js';
import { type Dashboard, datasetSql } from '../support/lakeview.js';
import { HOUR, MINUTE, openEmptyOpsWorld, runAlert, setClock } from '../support/ops-world.js';

const NOW = Date.UTC(2026, 10, 3, 12);
const DASHBOARD = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../dashboards/postflight.lvdash.json'), 'utf8'),
) as Dashboard;
let wh: DuckDbWarehouse;

beforeEach(async () => {
  wh = await openEmptyOpsWorld(NOW);
});
afterEach(async () => wh.close());

function budget(subject: string, exhausted: boolean): BudgetAssessment {
  return {
    subject,
    slo: 'run_success',
    target: 0.95,
    rule: 'sparse',
    good: exhausted ? 10 : 100,
    total: exhausted ? 20 : 100,
    budgetRemaining: exhausted ? -9 : 1,
    burnRates: { '5m': null, '30m': null, '1h': 0, '6h': exhausted ? 10 : 0, '3d': exhausted ? 10 : 0 },
    alert: exhausted ? 'ticket' : null,
    exhausted,
    burnByDeployment: {},
    deploymentId: null,
    explanation: exhausted ? 'budget exhausted' : 'all good',
  };
}

/** Writes budgets as the tick does (sql/budget/merge_error_budgets.sql), evaluated at `atMs`. */
async function writeBudgets(rows: BudgetAssessment[], atMs: number): Promise<void> {
  const owners = new Map(rows.map((r) => [r.subject, { bundle: 'orders', target: 'prod' }]));
  await wh.execute('budget/merge_error_budgets', {}, budgetRows(rows, owners, atMs));
}

describe('a world just installed', () => {
  it('has every view, empty, and every dashboard dataset answers', async () => {
    for (const v of listSql('views')) {
      const [r] = await wh.session.all(`SELECT count(*) AS n FROM postflight.${v.slice('views/'.length)}`);
      expect({ v, n: Number(r!.n) }).toEqual({ v, n: 0 });
    }
    await wh.session.run("SET search_path = 'postflight,main'");
    for (const ds of DASHBOARD.datasets) await expect(wh.session.all(datasetSql(ds))).resolves.toBeDefined();
  });

  it('raises no alert but the heartbeat of a verifier that never ticked', async () => {
    for (const key of ['failed_verdict', 'rollback_blocked', 'budget_exhausted', 'cost_overrun'])
      expect({ key, state: (await runAlert(wh, key)).state }).toEqual({ key, state: 'OK' });
    const beat = await runAlert(wh, 'verifier_heartbeat');
    expect({ state: beat.state, ticks: Number(beat.rows[0]!.ticks_last_5_min) }).toEqual({
      state: 'TRIGGERED',
      ticks: 0,
    });
  });
});

describe('the budget alert', () => {
  it("fires on a subject's spent budget and stops once a newer hour shows it recovered", async () => {
    await writeBudgets([budget('job:1', true), budget('job:2', false)], NOW - 2 * HOUR);
    const spent = await runAlert(wh, 'budget_exhausted');
    expect(spent.state).toBe('TRIGGERED');
    expect(spent.rows.map((r) => r.subject)).toEqual(['job:1']);
    const [burn] = await wh.session.all(
      "SELECT burn_6h, burn_5m FROM postflight.error_budgets_now WHERE subject = 'job:1'",
    );
    expect(burn).toEqual({ burn_6h: 10, burn_5m: null });
    await writeBudgets([budget('job:1', false)], NOW - HOUR);
    expect((await runAlert(wh, 'budget_exhausted')).state).toBe('OK');
    // The older, spent hour is still in the history the dashboard charts.
    const [hours] = await wh.session.all(
      "SELECT count(*) AS n FROM postflight.error_budget_burn WHERE subject = 'job:1'",
    );
    expect(Number(hours!.n)).toBe(2);
  });

  it('ignores a budget evaluated after the clock, as a budget of the future', async () => {
    await writeBudgets([budget('job:1', true)], NOW + 10 * MINUTE);
    expect((await runAlert(wh, 'budget_exhausted')).state).toBe('OK');
    await setClock(wh, NOW + 10 * MINUTE);
    expect((await runAlert(wh, 'budget_exhausted')).state).toBe('TRIGGERED');
  });
});
