// The tick's cost-budget step, on the slow plane: billing lands about 12 hours late, so once an
// hour is enough. One statement reads the month's spend per bundle and target and postflight's
// own (its verifier job and SQL warehouse), one MERGE writes the hour's rows beside the error
// budgets. A step that fails is reported and changes no verdict; the next hour tries again.

import { explainCostBudget } from '../budget/cost-budget.js';
import type { CostBudgetPolicy } from '../budget/cost-budget-policy.js';
import { assessSpend, type CostBudgetRow, POSTFLIGHT_SCOPE, type SpendRow } from '../budget/cost-spend.js';
import type { Logger } from '../log.js';
import type { Row, RowBatch, Warehouse } from '../warehouse/port.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** postflight's own resources, priced as the bundles' are (ids from the job's parameters and the connection). */
export interface OwnResources {
  readonly verifierJobId: string | null;
  readonly warehouseId: string | null;
}

export interface CostBudgetDeps {
  readonly wh: Warehouse;
  readonly policy: CostBudgetPolicy;
  readonly own: OwnResources;
  readonly log?: Logger;
}

export interface CostBudgetTickSummary {
  readonly rows: number;
  /** Bundles and targets whose month is projected over budget, or already over it. */
  readonly overruns: number;
  readonly errors: readonly string[];
}

/** The first tick of each hour keeps the cost budgets. */
export function costBudgetsDue(nowMs: number, lastTickMs: number): boolean {
  return Math.floor(nowMs / HOUR) > Math.floor(lastTickMs / HOUR);
}

export async function runCostBudgetStep(deps: CostBudgetDeps, nowMs: number): Promise<CostBudgetTickSummary> {
  try {
    const rows = await assessCostBudgets(deps, nowMs);
    if (rows.length) await deps.wh.execute('budget/merge_cost_budgets', {}, costBudgetBatch(rows, nowMs));
    return {
      rows: rows.length,
      overruns: rows.filter((r) => r.assessment.state === 'OVERRUN' || r.assessment.state === 'OVER').length,
      errors: [],
    };
  } catch (e) {
    deps.log?.warn({ err: (e as Error).message }, 'cost budget step failed; the next hour tries again');
    return { rows: 0, overruns: 0, errors: [(e as Error).message] };
  }
}

export async function assessCostBudgets(deps: CostBudgetDeps, nowMs: number): Promise<CostBudgetRow[]> {
  const d = new Date(nowMs);
  const monthStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  // The burn window may reach back into the month before, from the start of this one.
  const sinceMs = monthStart - deps.policy.burnDays * DAY;
  const rows = await deps.wh.query(
    'budget/cost_spend',
    { since_ms: sinceMs, now_ms: nowMs },
    ownResourceRows(deps.own),
  );
  return assessSpend(rows.map(spendRow), deps.policy, nowMs);
}

export function ownResourceRows(own: OwnResources): RowBatch {
  const rows: string[][] = [];
  if (own.verifierJobId)
    rows.push([POSTFLIGHT_SCOPE, 'postflight', 'verifier_job', 'job', own.verifierJobId, 'verifier_job']);
  if (own.warehouseId)
    rows.push([POSTFLIGHT_SCOPE, 'postflight', 'warehouse', 'warehouse', own.warehouseId, 'warehouse']);
  return {
    columns: ['scope', 'bundle', 'target', 'resource_type', 'resource_id', 'resource_key'].map((name) => ({
      name,
      type: 'STRING',
    })),
    rows,
  };
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function spendRow(r: Row): SpendRow {
  return {
    scope: String(r.scope),
    bundle: String(r.bundle),
    target: String(r.target),
    resourceKey: r.resource_key === null || r.resource_key === undefined ? null : String(r.resource_key),
    day: num(r.day),
    usd: num(r.usd),
    dbus: num(r.dbus),
    unpricedDbus: num(r.unpriced_dbus),
    firstMs: num(r.first_ms),
    throughMs: num(r.through_ms),
  };
}

export function costBudgetBatch(rows: readonly CostBudgetRow[], nowMs: number): RowBatch {
  const windowEnd = Math.floor(nowMs / HOUR) * HOUR + HOUR;
  const round = (n: number) => Math.round(n * 1e6) / 1e6;
  return {
    columns: [
      { name: 'scope', type: 'STRING' },
      { name: 'bundle', type: 'STRING' },
      { name: 'target', type: 'STRING' },
      { name: 'window_end', type: 'TIMESTAMP' },
      { name: 'month_start', type: 'TIMESTAMP' },
      { name: 'budget_usd', type: 'DOUBLE' },
      { name: 'spend_usd', type: 'DOUBLE' },
      { name: 'dbus', type: 'DOUBLE' },
      { name: 'unpriced_dbus', type: 'DOUBLE' },
      { name: 'burn_usd_per_day', type: 'DOUBLE' },
      { name: 'burn_days', type: 'DOUBLE' },
      { name: 'projected_usd', type: 'DOUBLE' },
      { name: 'state', type: 'STRING' },
      { name: 'overrun_at', type: 'TIMESTAMP' },
      { name: 'spend_through', type: 'TIMESTAMP' },
      { name: 'lag_hours', type: 'DOUBLE' },
      { name: 'burn_by_resource', type: 'STRING' },
      { name: 'explanation', type: 'STRING' },
      { name: 'evaluated_at', type: 'TIMESTAMP' },
    ],
    rows: rows.map(({ scope, bundle, target, assessment: a, unpricedDbus, burnByResource }) => [
      scope,
      bundle,
      target,
      windowEnd,
      a.monthStartMs,
      a.budgetUsd,
      round(a.spendUsd),
      round(a.dbus),
      round(unpricedDbus),
      round(a.burnUsdPerDay),
      round(a.burnDays),
      round(a.projectedUsd),
      a.state,
      a.overrunAtMs === null ? null : Math.round(a.overrunAtMs),
      a.throughMs,
      round(a.lagHours),
      JSON.stringify(Object.fromEntries(Object.entries(burnByResource).map(([k, v]) => [k, round(v)]))),
      explainCostBudget(`${bundle}/${target}`, a).slice(0, 4000) +
        (unpricedDbus > 0 ? `; ${round(unpricedDbus)} DBUs had no list price and are not counted` : ''),
      nowMs,
    ]),
  };
}
