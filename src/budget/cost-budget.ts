// A bundle's month in dollars: what it has spent so far this month (priced DBUs), the rate it
// burns at over the last days billing has reached, and where that rate takes it by the month's
// end, set against its budget. Billing lands hours late, so everything is counted up to the
// newest hour billing has reached, never up to now, and the rest of the month is projected from
// there. Months are calendar months in UTC, as billing's usage dates are.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Spend of one UTC day (its usage hours starting that day). */
export interface DaySpend {
  /** Days since 1970-01-01 (UTC). */
  readonly day: number;
  readonly usd: number;
  readonly dbus: number;
}

export type CostBudgetState = 'OK' | 'WARN' | 'OVERRUN' | 'OVER' | 'NO_BUDGET';

export interface CostBudgetInput {
  readonly days: readonly DaySpend[];
  /** Dollars a month, or null: no budget set. */
  readonly budgetUsd: number | null;
  /** The newest usage hour billing has reached (for the workspace, not this bundle alone); null: none in reach. */
  readonly billingThroughMs: number | null;
  /** The bundle's first usage in reach: a bundle younger than the burn window burns over its own age. */
  readonly firstUsageMs: number | null;
  readonly nowMs: number;
  readonly burnDays: number;
  readonly warnAtShare: number;
}

export interface CostBudgetAssessment {
  readonly monthStartMs: number;
  readonly monthEndMs: number;
  readonly budgetUsd: number | null;
  readonly spendUsd: number;
  readonly dbus: number;
  readonly burnUsdPerDay: number;
  /** Days the burn rate was taken over (fewer than burnDays for a young bundle or early billing). */
  readonly burnDays: number;
  readonly projectedUsd: number;
  /** Spend is known up to here: billing's newest hour, this month. */
  readonly throughMs: number;
  readonly lagHours: number;
  readonly state: CostBudgetState;
  /** When the projected spend crosses the budget (null: it does not this month). */
  readonly overrunAtMs: number | null;
}

export function monthOf(nowMs: number): { startMs: number; endMs: number } {
  const d = new Date(nowMs);
  return {
    startMs: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1),
    endMs: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1),
  };
}

export function assessCostBudget(i: CostBudgetInput): CostBudgetAssessment {
  const { startMs, endMs } = monthOf(i.nowMs);
  // Spend of a day billing has not reached is not there yet: it counts as unknown, never as zero.
  const throughMs = Math.min(i.nowMs, Math.max(startMs, i.billingThroughMs ?? startMs));
  const lagHours = (i.nowMs - (i.billingThroughMs ?? startMs)) / HOUR;
  let spendUsd = 0;
  let dbus = 0;
  for (const d of i.days) {
    const at = d.day * DAY;
    if (at >= startMs && at < throughMs) {
      spendUsd += d.usd;
      dbus += d.dbus;
    }
  }
  const windowEnd = throughMs;
  const windowStart = Math.max(
    windowEnd - i.burnDays * DAY,
    i.firstUsageMs === null ? windowEnd : Math.floor(i.firstUsageMs / DAY) * DAY,
  );
  let windowUsd = 0;
  for (const d of i.days) {
    // A day billing has reached only in part is spread over its hours reached; one straddling
    // the window's start counts for its share inside the window.
    const from = d.day * DAY;
    const reached = Math.min(from + DAY, windowEnd);
    const inside = reached - Math.max(from, windowStart);
    if (reached > from && inside > 0) windowUsd += (d.usd * inside) / (reached - from);
  }
  const burnDays = Math.max(0, (windowEnd - windowStart) / DAY);
  const burnUsdPerDay = burnDays > 0 ? windowUsd / burnDays : 0;
  const projectedUsd = spendUsd + (burnUsdPerDay * (endMs - throughMs)) / DAY;
  const overrunAtMs =
    i.budgetUsd === null
      ? null
      : spendUsd > i.budgetUsd
        ? throughMs
        : burnUsdPerDay > 0 && projectedUsd > i.budgetUsd
          ? throughMs + ((i.budgetUsd - spendUsd) / burnUsdPerDay) * DAY
          : null;
  return {
    monthStartMs: startMs,
    monthEndMs: endMs,
    budgetUsd: i.budgetUsd,
    spendUsd,
    dbus,
    burnUsdPerDay,
    burnDays,
    projectedUsd,
    throughMs,
    lagHours,
    state: stateOf(i.budgetUsd, spendUsd, projectedUsd, i.warnAtShare),
    overrunAtMs,
  };
}

function stateOf(budget: number | null, spend: number, projected: number, warnAt: number): CostBudgetState {
  if (budget === null) return 'NO_BUDGET';
  if (spend > budget) return 'OVER';
  if (projected > budget) return 'OVERRUN';
  if (projected >= warnAt * budget) return 'WARN';
  return 'OK';
}

const usd = (n: number) => `$${Math.round(n).toLocaleString('en-US')}`;
const date = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

/** One line a person reads in the table, the alert and the dashboard. */
export function explainCostBudget(who: string, a: CostBudgetAssessment): string {
  const month = new Date(a.monthStartMs).toISOString().slice(0, 7);
  const spent = `${who}: ${usd(a.spendUsd)} spent in ${month} up to ${date(a.throughMs)} UTC (billing ${a.lagHours.toFixed(1)} h behind)`;
  const burn = `burning ${usd(a.burnUsdPerDay)} a day over the last ${a.burnDays.toFixed(1)} days, ${usd(a.projectedUsd)} projected by the month's end`;
  if (a.budgetUsd === null) return `${spent}; ${burn}; no budget set`;
  const against = `against a budget of ${usd(a.budgetUsd)}`;
  if (a.state === 'OVER') return `${spent}, over its budget of ${usd(a.budgetUsd)}; ${burn}`;
  if (a.state === 'OVERRUN')
    return `${spent}; ${burn} ${against}: over it by ${usd(a.projectedUsd - a.budgetUsd)}, crossing it about ${date(a.overrunAtMs!)} UTC`;
  return `${spent}; ${burn} ${against}`;
}
