// Cost budgets: the `costBudgets` section of the policy file, dollars a month per bundle and
// target. `default` covers every bundle and target without an entry of its own; within either, a target's own
// figure wins over `*`, the figure for every target. A bundle and target with no figure has no
// budget: its spend is still measured and shown, never alerted or gated on.

import { z } from 'zod';
import { parseOrThrow } from '../zod-issues.js';

/** Targets are bundle target names (dev, staging, prod); `*` is any target. */
const TARGET_KEY = /^(\*|[A-Za-z0-9_][A-Za-z0-9_.-]*)$/;

const dollars = z
  .number({ error: 'must be dollars a month, a number such as 3000' })
  .finite({ error: 'must be dollars a month, a finite number such as 3000' })
  .positive({ error: 'must be dollars a month above 0, e.g. 3000 (leave the target out for no budget)' });

const byTarget = z.record(z.string(), dollars).superRefine((rec, ctx) => {
  for (const key of Object.keys(rec))
    if (!TARGET_KEY.test(key))
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: "is not a target: a key must be a bundle target name (e.g. 'prod') or '*' for every target",
      });
});

/** The `costBudgets` key of the policy file. */
export const CostBudgetPolicySchema = z
  .object({
    /** Bundles without an entry of their own: target -> dollars a month. */
    default: byTarget.optional(),
    /** bundle -> target -> dollars a month. */
    byBundle: z.record(z.string().min(1, { error: 'a bundle name must not be empty' }), byTarget).optional(),
    /** Projected spend at this share of the budget or more warns before it overruns. */
    warnAtShare: z
      .number({ error: 'must be a share of the budget, e.g. 0.9' })
      .gt(0, { error: 'must be a share of the budget above 0, e.g. 0.9' })
      .max(1, { error: 'must be a share of the budget at most 1, e.g. 0.9' })
      .optional(),
    /** Days of spend the burn rate is taken over: recent enough to see a regression, long enough to smooth a week. */
    burnDays: z
      .number({ error: 'must be a whole number of days, e.g. 7' })
      .int({ error: 'must be a whole number of days, e.g. 7' })
      .min(1, { error: 'must be at least 1 day' })
      .max(28, { error: 'must be at most 28 days (a month holds no more)' })
      .optional(),
  })
  .strict();

export interface CostBudgetPolicy {
  readonly default: Readonly<Record<string, number>>;
  readonly byBundle: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly warnAtShare: number;
  readonly burnDays: number;
}

export const DEFAULT_COST_BUDGET_POLICY: CostBudgetPolicy = {
  default: {},
  byBundle: {},
  warnAtShare: 0.9,
  burnDays: 7,
};

/** The section resolved; undefined when the file has none (cost budgets are then not kept). */
export function resolveCostBudgetPolicy(input: unknown): CostBudgetPolicy | undefined {
  if (input === undefined) return undefined;
  const p = parseOrThrow(CostBudgetPolicySchema, input, 'costBudgets');
  const d = DEFAULT_COST_BUDGET_POLICY;
  return {
    default: p.default ?? d.default,
    byBundle: p.byBundle ?? d.byBundle,
    warnAtShare: p.warnAtShare ?? d.warnAtShare,
    burnDays: p.burnDays ?? d.burnDays,
  };
}

/** Dollars a month for a bundle and target, or null: none set. */
export function costBudgetFor(policy: CostBudgetPolicy, bundle: string, target: string): number | null {
  const own = Object.hasOwn(policy.byBundle, bundle) ? policy.byBundle[bundle] : undefined;
  for (const layer of [own, policy.default]) {
    if (!layer) continue;
    if (Object.hasOwn(layer, target)) return layer[target]!;
    if (Object.hasOwn(layer, '*')) return layer['*']!;
  }
  return null;
}
