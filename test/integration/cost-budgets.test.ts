// The hourly cost-budget step on the embedded warehouse: a month of billing priced per bundle and
// target and for postflight itself, its burn and projection against the policy's budgets, written
// to cost_budgets. Expected figures are worked out by hand from the fixture (test/support/cost-world.ts).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveCostBudgetPolicy } from '../../src/budget/cost-budget-policy.js';
import { costBudgetsDue, runCostBudgetStep } from '../../src/tick/cost-budgets.js';
import type { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { DAY, HOUR } from '../support/billing-rows.js';
import { costWorld, DEC, NOW, POLICY } from '../support/cost-world.js';
import { runAlert, setClock } from '../support/ops-world.js';

let wh: DuckDbWarehouse;
type Row = Record<string, unknown>;
let rows: Row[];
const policy = resolveCostBudgetPolicy(POLICY)!;
const own = { verifierJobId: '999', warehouseId: 'wh1' };

beforeAll(async () => {
  wh = await costWorld();
  const summary = await runCostBudgetStep({ wh, policy, own }, NOW);
  expect(summary).toEqual({ rows: 6, overruns: 2, errors: [] });
  rows = await wh.session.all(
    `SELECT scope, bundle, target, epoch_ms(window_end) AS window_end, epoch_ms(month_start) AS month_start, budget_usd,
       spend_usd, dbus, unpriced_dbus, burn_usd_per_day, burn_days, projected_usd, state, epoch_ms(overrun_at) AS overrun_at,
       epoch_ms(spend_through) AS spend_through, lag_hours, explanation
     FROM postflight.cost_budgets ORDER BY scope, bundle, target`,
  );
}, 60_000);

afterAll(async () => wh?.close());

const find = (bundle: string, target: string) => rows.find((r) => r.bundle === bundle && r.target === target)!;

describe('cost budgets from billing', () => {
  it('writes a row per bundle and target deployed and per component of postflight, this hour', () => {
    expect(rows.map((r) => `${r.scope}:${r.bundle}/${r.target}`)).toEqual([
      'bundle:billing/prod',
      'bundle:orders/prod',
      'bundle:quiet/dev',
      'bundle:reports/prod',
      'postflight:postflight/verifier_job',
      'postflight:postflight/warehouse',
    ]);
    for (const r of rows) {
      expect(Number(r.window_end)).toBe(DEC + 19 * DAY + 13 * HOUR);
      expect(Number(r.month_start)).toBe(DEC);
      // Billing has reached midnight (the warehouse's hour 23:00 landed at noon): 12 hours behind.
      expect(Number(r.spend_through)).toBe(DEC + 19 * DAY);
      expect(Number(r.lag_hours)).toBe(12);
    }
  });

  it('prices DBUs at the list price in force when used, corrections netted, other rows left out', () => {
    const o = find('orders', 'prod');
    // Job 101: 10 DBUs a day at $0.30 to 9 December, $0.40 from the 10th, 2 more DBUs restated on
    // the 5th; pipeline p-1: 50 DBUs a day at $0.36. 19 days reached.
    expect(Number(o.spend_usd)).toBeCloseTo(9 * 3 + 10 * 4 + 0.6 + 19 * 18, 6);
    expect(Number(o.dbus)).toBeCloseTo(19 * 60 + 2, 6);
    expect(Number(o.burn_usd_per_day)).toBeCloseTo(22, 6);
    expect(Number(o.projected_usd)).toBeCloseTo(409.6 + 12 * 22, 6);
    expect(o.budget_usd).toBe(3000);
    expect(o.state).toBe('OK');
    expect(o.overrun_at).toBeNull();
  });

  it('says OVER once the month is spent past its budget, and counts DBUs without a price apart', () => {
    const b = find('billing', 'prod');
    expect(Number(b.spend_usd)).toBeCloseTo(9 * 30 + 10 * 40, 6);
    expect(Number(b.unpriced_dbus)).toBe(5);
    expect(b.state).toBe('OVER');
    expect(String(b.explanation)).toMatch(/over its budget of \$500.*5 DBUs had no list price/);
  });

  it('projects a rising burn past the budget before the spend gets there: OVERRUN, and when', () => {
    const r = find('reports', 'prod');
    expect(Number(r.spend_usd)).toBeCloseTo(27 + 12 + 168, 6);
    expect(Number(r.burn_usd_per_day)).toBeCloseTo(24, 6);
    expect(Number(r.projected_usd)).toBeCloseTo(207 + 12 * 24, 6);
    expect(r.budget_usd).toBe(400);
    expect(r.state).toBe('OVERRUN');
    expect(Number(r.overrun_at)).toBe(Math.round(DEC + 19 * DAY + ((400 - 207) / 24) * DAY));
    expect(String(r.explanation)).toMatch(
      /^reports\/prod: \$207 spent in 2026-12 up to 2026-12-20 00:00 UTC \(billing 12\.0 h behind\); burning \$24 a day .* \$495 projected .* against a budget of \$400: over it by \$95/,
    );
  });

  it('keeps a bundle with nothing billed at $0, against no budget when the policy sets none for it', () => {
    const q = find('quiet', 'dev');
    expect(Number(q.spend_usd)).toBe(0);
    expect(q.budget_usd).toBeNull();
    expect(q.state).toBe('NO_BUDGET');
    expect(rows.some((r) => r.bundle === 'legacy')).toBe(false);
  });

  it("prices postflight's own job and warehouse the same way", () => {
    expect(Number(find('postflight', 'warehouse').spend_usd)).toBeCloseTo(19 * 24 * 4 * 0.7, 6);
    expect(Number(find('postflight', 'verifier_job').spend_usd)).toBeCloseTo(19 * 2 * 0.37, 6);
    expect(find('postflight', 'warehouse').budget_usd).toBeNull();
  });

  it('fires the cost_overrun alert on the bundles projected or spent over budget, and not on stale rows', async () => {
    const fired = await runAlert(wh, 'cost_overrun');
    expect(fired.state).toBe('TRIGGERED');
    expect(fired.rows.map((r) => `${r.bundle}/${r.target}:${r.state}`)).toEqual([
      'billing/prod:OVER',
      'reports/prod:OVERRUN',
    ]);
    // Budgets are kept hourly: three hours without a new row and the alert no longer judges them.
    await setClock(wh, NOW + 4 * HOUR);
    expect((await runAlert(wh, 'cost_overrun')).state).toBe('OK');
    await setClock(wh, NOW - HOUR);
    expect((await runAlert(wh, 'cost_overrun')).state).toBe('OK');
    await setClock(wh, NOW);
  });

  it("shows spend against budget per bundle, and postflight's own cost against the model of docs/cost.md", async () => {
    const view = await wh.session.all(
      'SELECT scope, bundle, target, budget_usd, spend_usd, projected_usd, projected_share, model_low_usd, model_high_usd, state FROM postflight.cost_now ORDER BY scope, bundle, target',
    );
    expect(view.map((r) => `${r.scope}:${r.bundle}/${r.target}:${r.state}`)).toEqual([
      'bundle:billing/prod:OVER',
      'bundle:orders/prod:OK',
      'bundle:quiet/dev:NO_BUDGET',
      'bundle:reports/prod:OVERRUN',
      // $0.74 a day is a $23 month, under the job's $89 to $355; $67.20 a day is $2,083, over the warehouse's $2,016.
      'postflight:postflight/verifier_job:BELOW_MODEL',
      'postflight:postflight/warehouse:ABOVE_MODEL',
    ]);
    const reports = view.find((r) => r.bundle === 'reports')!;
    expect(Number(reports.projected_share)).toBeCloseTo(495 / 400, 6);
    const warehouse = view.find((r) => r.target === 'warehouse')!;
    // 19 days at $67.20 and 12 more at the same burn.
    expect(Number(warehouse.projected_usd)).toBeCloseTo(31 * 24 * 4 * 0.7, 6);
    expect([Number(warehouse.model_low_usd), Number(warehouse.model_high_usd)]).toEqual([2016, 2016]);
  });

  it('refreshes the hour it ran in, and runs on the first tick of each hour only', async () => {
    await runCostBudgetStep({ wh, policy, own }, NOW + 30 * 60_000);
    const [n] = await wh.session.all('SELECT count(*) AS n FROM postflight.cost_budgets');
    expect(Number(n!.n)).toBe(6);
    expect(costBudgetsDue(NOW + HOUR, NOW + HOUR - 60_000)).toBe(true);
    expect(costBudgetsDue(NOW + 60_000, NOW)).toBe(false);
  });

  it('reports a failed read as an error of the step, not of the tick', async () => {
    await wh.session.run('DROP VIEW system_billing.list_prices');
    const s = await runCostBudgetStep({ wh, policy, own }, NOW + 2 * HOUR);
    expect(s.rows).toBe(0);
    expect(s.errors.length).toBe(1);
  });
});
