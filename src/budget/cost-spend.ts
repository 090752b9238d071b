// The spend rows of sql/budget/cost_spend.sql grouped per scope, bundle and target and assessed
// against each one's budget. Every bundle and target deployed has a row, billing or not (a month
// at $0 is a figure too); postflight's own components are assessed against no budget here:
// docs/cost.md's model is what they are read against.

import { assessCostBudget, type CostBudgetAssessment, type DaySpend } from './cost-budget.js';
import { type CostBudgetPolicy, costBudgetFor } from './cost-budget-policy.js';

export interface SpendRow {
  readonly scope: string;
  readonly bundle: string;
  readonly target: string;
  readonly day: number | null;
  readonly usd: number | null;
  readonly dbus: number | null;
  readonly unpricedDbus: number | null;
  readonly firstMs: number | null;
  readonly throughMs: number | null;
}

export interface CostBudgetRow {
  readonly scope: 'bundle' | 'postflight';
  readonly bundle: string;
  readonly target: string;
  readonly assessment: CostBudgetAssessment;
  /** DBUs of this month no list price covered: they are not in the spend. */
  readonly unpricedDbus: number;
}

export const POSTFLIGHT_SCOPE = 'postflight';

const DAY = 86_400_000;

export function assessSpend(rows: readonly SpendRow[], policy: CostBudgetPolicy, nowMs: number): CostBudgetRow[] {
  const billing = rows.find((r) => r.scope === 'billing');
  const billingThroughMs = billing?.throughMs ?? null;
  const groups = new Map<
    string,
    { scope: 'bundle' | 'postflight'; bundle: string; target: string; rows: SpendRow[] }
  >();
  const keyOf = (scope: string, bundle: string, target: string) => `${scope}\u0000${bundle}\u0000${target}`;
  for (const r of rows) {
    if (r.scope !== 'bundle' && r.scope !== POSTFLIGHT_SCOPE) continue;
    const key = keyOf(r.scope, r.bundle, r.target);
    const g = groups.get(key) ?? { scope: r.scope, bundle: r.bundle, target: r.target, rows: [] };
    groups.set(key, g);
    g.rows.push(r);
  }
  const out: CostBudgetRow[] = [];
  for (const g of groups.values()) {
    const days: DaySpend[] = g.rows
      .filter((r) => r.day !== null)
      .map((r) => ({ day: r.day!, usd: r.usd ?? 0, dbus: r.dbus ?? 0 }));
    const firsts = g.rows.map((r) => r.firstMs).filter((m): m is number => m !== null);
    const assessment = assessCostBudget({
      days,
      budgetUsd: g.scope === 'bundle' ? costBudgetFor(policy, g.bundle, g.target) : null,
      billingThroughMs,
      firstUsageMs: firsts.length ? Math.min(...firsts) : null,
      nowMs,
      burnDays: policy.burnDays,
      warnAtShare: policy.warnAtShare,
    });
    const unpricedDbus = g.rows
      .filter((r) => r.day !== null && r.day * DAY >= assessment.monthStartMs && r.day * DAY < assessment.throughMs)
      .reduce((s, r) => s + (r.unpricedDbus ?? 0), 0);
    out.push({ scope: g.scope, bundle: g.bundle, target: g.target, assessment, unpricedDbus });
  }
  return out.sort((a, b) =>
    a.scope === b.scope
      ? a.bundle === b.bundle
        ? cmp(a.target, b.target)
        : cmp(a.bundle, b.bundle)
      : cmp(a.scope, b.scope),
  );
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
