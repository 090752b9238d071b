// The promotion gate's reading of the cost budget: a version whose cost check verified a rise
// (WARN or FAIL) in the environment before is refused when that rise, at the target's own burn
// for each job and pipeline, would take the target's month over its budget. The rise per subject
// is its effect (DBUs per run, post over baseline) minus one, times what that subject burns a day
// in the target; the month is judged at the new rate for all its days. A fix, or a rise accepted
// on purpose, passes. Pure.

export interface CostRise {
  readonly subject: string;
  /** The subject's key in the bundle: the same job or pipeline in every target. */
  readonly resourceKey: string;
  readonly status: 'WARN' | 'FAIL';
  /** DBUs per run after the deploy over the baseline's. */
  readonly effect: number;
  readonly deploymentId: string;
}

export interface TargetCostBudget {
  readonly budgetUsd: number | null;
  readonly burnUsdPerDay: number;
  readonly projectedUsd: number;
  /** Resource key -> dollars a day at its burn in the target. */
  readonly burnByResource: Readonly<Record<string, number>>;
  readonly monthStartMs: number;
}

export interface CostGateDecision {
  readonly refused: boolean;
  readonly reasons: readonly string[];
  /** The figures, for --json and the log. */
  readonly extraUsdPerDay: number;
  readonly monthAtNewRateUsd: number | null;
}

const usd = (n: number) => `$${Math.round(n).toLocaleString('en-US')}`;

function daysInMonth(monthStartMs: number): number {
  const d = new Date(monthStartMs);
  return (Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - monthStartMs) / 86_400_000;
}

export function decideCostGate(input: {
  readonly bundle: string;
  readonly to: string;
  readonly rises: readonly CostRise[];
  readonly budget: TargetCostBudget | null;
  readonly isFix: boolean;
  readonly acceptCost: boolean;
}): CostGateDecision {
  const { budget, rises } = input;
  const none = { refused: false, reasons: [], extraUsdPerDay: 0, monthAtNewRateUsd: null };
  if (!rises.length || !budget || budget.budgetUsd === null) return none;
  const parts = rises.map((r) => {
    const burn = budget.burnByResource[r.resourceKey] ?? 0;
    return { r, burn, extra: Math.max(0, r.effect - 1) * burn };
  });
  const extraUsdPerDay = parts.reduce((s, p) => s + p.extra, 0);
  const days = daysInMonth(budget.monthStartMs);
  const monthAtNewRateUsd = (budget.burnUsdPerDay + extraUsdPerDay) * days;
  const over = monthAtNewRateUsd > budget.budgetUsd && extraUsdPerDay > 0;
  if (!over || input.isFix || input.acceptCost)
    return { refused: false, reasons: [], extraUsdPerDay, monthAtNewRateUsd };
  const each = parts
    .filter((p) => p.extra > 0)
    .map(
      (p) =>
        `${p.r.resourceKey} ×${p.r.effect.toFixed(2)} DBUs per run (cost ${p.r.status} on ${p.r.deploymentId}) on its ${usd(p.burn)} a day in ${input.to}: +${usd(p.extra)} a day`,
    );
  return {
    refused: true,
    reasons: [
      `the cost rise verified before ${input.to} would take ${input.bundle}/${input.to} over its cost budget: ${each.join('; ')}; a month at ${usd(budget.burnUsdPerDay)} + ${usd(extraUsdPerDay)} a day is ${usd(monthAtNewRateUsd)} against ${usd(budget.budgetUsd)} (${usd(budget.projectedUsd)} projected this month before it). Bring the cost down, raise costBudgets in the policy, or pass --accept-cost if the rise is meant (--fix for a fix)`,
    ],
    extraUsdPerDay,
    monthAtNewRateUsd,
  };
}
