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
  /** The resource's key in the bundle; null on a bundle's marker row. */
  readonly resourceKey: string | null;
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
  /** Resource key -> dollars a day at its own burn: what the promotion gate scales a verified cost rise by. */
  readonly burnByResource: Readonly<Record<string, number>>;
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
    const assess = (rows: readonly SpendRow[], budgetUsd: number | null) => {
      const byDay = new Map<number, DaySpend>();
      for (const r of rows) {
        if (r.day === null) continue;
        const d = byDay.get(r.day) ?? { day: r.day, usd: 0, dbus: 0 };
        byDay.set(r.day, { day: r.day, usd: d.usd + (r.usd ?? 0), dbus: d.dbus + (r.dbus ?? 0) });
      }
      const firsts = rows.map((r) => r.firstMs).filter((m): m is number => m !== null);
      return assessCostBudget({
        days: [...byDay.values()],
        budgetUsd,
        billingThroughMs,
        firstUsageMs: firsts.length ? Math.min(...firsts) : null,
        nowMs,
        burnDays: policy.burnDays,
        warnAtShare: policy.warnAtShare,
      });
    };
    const assessment = assess(g.rows, g.scope === 'bundle' ? costBudgetFor(policy, g.bundle, g.target) : null);
    const unpricedDbus = g.rows
      .filter((r) => r.day !== null && r.day * DAY >= assessment.monthStartMs && r.day * DAY < assessment.throughMs)
      .reduce((s, r) => s + (r.unpricedDbus ?? 0), 0);
    const keys = [...new Set(g.rows.map((r) => r.resourceKey).filter((k): k is string => k !== null))].sort(cmp);
    const burnByResource = Object.fromEntries(
      keys.map((k) => [
        k,
        assess(
          g.rows.filter((r) => r.resourceKey === k),
          null,
        ).burnUsdPerDay,
      ]),
    );
    out.push({ scope: g.scope, bundle: g.bundle, target: g.target, assessment, unpricedDbus, burnByResource });
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
