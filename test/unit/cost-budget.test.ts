// The cost budget's policy section and its month: spend to date up to the hour billing has
// reached, the burn over the last days, the projection to the month's end and the state.

import { describe, expect, it } from 'vitest';
import { assessCostBudget, explainCostBudget, monthOf } from '../../src/budget/cost-budget.js';
import { costBudgetFor, resolveCostBudgetPolicy } from '../../src/budget/cost-budget-policy.js';
import { ownResourcesOf } from '../../src/cli/tick-deps.js';
import { parsePolicyFile } from '../../src/config/policy-file.js';
import { ConfigError } from '../../src/errors.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const DEC = Date.UTC(2026, 11, 1);
const dayOf = (ms: number) => Math.floor(ms / DAY);

function rejected(input: unknown): string {
  try {
    resolveCostBudgetPolicy(input);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected the section to be rejected');
}

describe('costBudgets policy', () => {
  const p = resolveCostBudgetPolicy({
    default: { prod: 1000, '*': 100 },
    byBundle: { orders: { prod: 3000 }, scratch: { '*': 50 } },
  })!;

  it('picks the bundle and target, then the bundle for every target, then the defaults', () => {
    expect(costBudgetFor(p, 'orders', 'prod')).toBe(3000);
    expect(costBudgetFor(p, 'orders', 'staging')).toBe(100);
    expect(costBudgetFor(p, 'scratch', 'prod')).toBe(50);
    expect(costBudgetFor(p, 'billing', 'prod')).toBe(1000);
    expect(costBudgetFor(p, 'billing', 'dev')).toBe(100);
    expect(costBudgetFor(resolveCostBudgetPolicy({ byBundle: { orders: { prod: 1 } } })!, 'x', 'prod')).toBeNull();
    expect(costBudgetFor(p, 'constructor', 'prod')).toBe(1000);
  });

  it('is absent without the section, and has its defaults with an empty one', () => {
    expect(resolveCostBudgetPolicy(undefined)).toBeUndefined();
    expect(resolveCostBudgetPolicy({})).toEqual({ default: {}, byBundle: {}, warnAtShare: 0.9, burnDays: 7 });
  });

  it('names the field and the fix for bad input', () => {
    expect(rejected({ byBundle: { orders: { prod: -5 } } })).toMatch(
      /costBudgets\.byBundle\.orders\.prod: must be dollars a month above 0/,
    );
    expect(rejected({ byBundle: { orders: { prod: '3000' } } })).toMatch(/costBudgets\.byBundle\.orders\.prod: .*3000/);
    expect(rejected({ default: { 'pr od': 10 } })).toMatch(/costBudgets\.default.*'\*' for every target/);
    expect(rejected({ budgets: {} })).toMatch(/costBudgets: unknown key 'budgets'/);
    expect(rejected({ warnAtShare: 1.5 })).toMatch(/costBudgets\.warnAtShare: must be a share of the budget at most 1/);
    expect(rejected({ burnDays: 0 })).toMatch(/costBudgets\.burnDays: must be at least 1 day/);
  });

  it('passes through the policy file to be resolved where it is used', () => {
    const set = parsePolicyFile(JSON.stringify({ costBudgets: { byBundle: { orders: { prod: 3000 } } } }), 'p.json');
    expect(costBudgetFor(resolveCostBudgetPolicy(set.costBudgets)!, 'orders', 'prod')).toBe(3000);
  });
});

describe("postflight's own resources", () => {
  it('takes the job id the job passes and the warehouse the connection uses', () => {
    expect(ownResourcesOf('123456', { DATABRICKS_WAREHOUSE_ID: 'abc123' })).toEqual({
      verifierJobId: '123456',
      warehouseId: 'abc123',
    });
    expect(ownResourcesOf(undefined, { DATABRICKS_HTTP_PATH: '/sql/1.0/warehouses/f00d?o=42' })).toEqual({
      verifierJobId: null,
      warehouseId: 'f00d',
    });
    expect(ownResourcesOf(undefined, {})).toEqual({ verifierJobId: null, warehouseId: null });
  });

  it('refuses a job id that is not one, naming the flag and the fix', () => {
    expect(() => ownResourcesOf('{{job.id}}x', {})).toThrow(ConfigError);
    expect(() => ownResourcesOf('abc', {})).toThrow(
      /--verifier-job-id 'abc' must be the verifier job's numeric id; in job.yml pass "\{\{job.id\}\}"/,
    );
  });
});

describe('a month of spend', () => {
  const base = { burnDays: 7, warnAtShare: 0.9, firstUsageMs: DEC - 30 * DAY };
  /** $100 a day from `from` to `to` (exclusive), 50 DBUs each. */
  const flat = (from: number, to: number, usd = 100) =>
    Array.from({ length: dayOf(to) - dayOf(from) }, (_, k) => ({ day: dayOf(from) + k, usd, dbus: usd / 2 }));

  it('counts the month up to where billing has reached and projects the rest at the burn', () => {
    const now = DEC + 10 * DAY + 12 * HOUR;
    const a = assessCostBudget({
      ...base,
      days: flat(DEC - 7 * DAY, DEC + 10 * DAY),
      budgetUsd: 3000,
      billingThroughMs: DEC + 10 * DAY,
      nowMs: now,
    });
    expect(a.monthStartMs).toBe(DEC);
    expect(a.monthEndMs).toBe(Date.UTC(2027, 0, 1));
    expect(a.spendUsd).toBeCloseTo(1000, 9);
    expect(a.dbus).toBeCloseTo(500, 9);
    expect(a.burnUsdPerDay).toBeCloseTo(100, 9);
    expect(a.burnDays).toBe(7);
    expect(a.projectedUsd).toBeCloseTo(3100, 9);
    expect(a.lagHours).toBe(12);
    expect(a.state).toBe('OVERRUN');
    expect(a.overrunAtMs).toBe(DEC + 30 * DAY);
    expect(explainCostBudget('orders/prod', a)).toMatch(
      /\$1,000 spent in 2026-12 up to 2026-12-11 00:00 UTC \(billing 12\.0 h behind\).*\$3,100 projected.*over it by \$100, crossing it about 2026-12-31 00:00/,
    );
  });

  it('takes the burn from the recent days, so a rise last week shows before the month does', () => {
    const days = [...flat(DEC - 7 * DAY, DEC + 7 * DAY, 50), ...flat(DEC + 7 * DAY, DEC + 14 * DAY, 200)];
    const a = assessCostBudget({
      ...base,
      days,
      budgetUsd: 5000,
      billingThroughMs: DEC + 14 * DAY,
      nowMs: DEC + 14 * DAY + HOUR,
    });
    expect(a.burnUsdPerDay).toBeCloseTo(200, 9);
    expect(a.spendUsd).toBeCloseTo(7 * 50 + 7 * 200, 9);
    expect(a.projectedUsd).toBeCloseTo(1750 + 17 * 200, 9);
    expect(a.state).toBe('OVERRUN');
  });

  it('spreads a day billing reached in part over its hours reached', () => {
    const days = [...flat(DEC - 7 * DAY, DEC + 3 * DAY), { day: dayOf(DEC + 3 * DAY), usd: 50, dbus: 25 }];
    const a = assessCostBudget({
      ...base,
      days,
      budgetUsd: null,
      billingThroughMs: DEC + 3 * DAY + 12 * HOUR,
      nowMs: DEC + 4 * DAY,
    });
    expect(a.spendUsd).toBeCloseTo(350, 9);
    // 6.5 days at $100 and half a day at $100 a day's rate.
    expect(a.burnUsdPerDay).toBeCloseTo(100, 9);
    expect(a.state).toBe('NO_BUDGET');
    expect(a.overrunAtMs).toBeNull();
    expect(explainCostBudget('x/dev', a)).toMatch(/no budget set$/);
  });

  it('burns a young bundle over its own age, not over days it did not exist', () => {
    const a = assessCostBudget({
      ...base,
      firstUsageMs: DEC + 8 * DAY + 5 * HOUR,
      days: flat(DEC + 8 * DAY, DEC + 10 * DAY),
      budgetUsd: 4000,
      billingThroughMs: DEC + 10 * DAY,
      nowMs: DEC + 10 * DAY + 13 * HOUR,
    });
    expect(a.burnDays).toBe(2);
    expect(a.burnUsdPerDay).toBeCloseTo(100, 9);
    expect(a.projectedUsd).toBeCloseTo(200 + 21 * 100, 9);
    expect(a.state).toBe('OK');
  });

  it('warns near the budget, and says OVER once spent past it', () => {
    const days = flat(DEC - 7 * DAY, DEC + 20 * DAY);
    const at = { ...base, days, billingThroughMs: DEC + 20 * DAY, nowMs: DEC + 20 * DAY };
    expect(assessCostBudget({ ...at, budgetUsd: 3200 }).state).toBe('WARN');
    expect(assessCostBudget({ ...at, budgetUsd: 4000 }).state).toBe('OK');
    const over = assessCostBudget({ ...at, budgetUsd: 1500 });
    expect(over.state).toBe('OVER');
    expect(over.overrunAtMs).toBe(DEC + 20 * DAY);
  });

  it('early in a month billing has not reached, projects the month from the last days of the one before', () => {
    const a = assessCostBudget({
      ...base,
      days: flat(DEC - 7 * DAY, DEC),
      budgetUsd: 2000,
      billingThroughMs: DEC - 2 * HOUR,
      nowMs: DEC + 6 * HOUR,
    });
    expect(a.spendUsd).toBe(0);
    expect(a.throughMs).toBe(DEC);
    expect(a.burnUsdPerDay).toBeCloseTo(100, 9);
    expect(a.projectedUsd).toBeCloseTo(3100, 9);
    expect(a.lagHours).toBe(8);
    expect(monthOf(DEC - 1)).toEqual({ startMs: Date.UTC(2026, 10, 1), endMs: DEC });
  });
});
