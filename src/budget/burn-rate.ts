// Error-budget arithmetic (Google SRE Workbook, "Alerting on SLOs"): burn rate is the error rate
// over the rate the SLO allows; multiwindow, multi-burn-rate rules page when a long and a short
// window both burn fast. Sparse events (a few runs a day) use run-count rules instead.

const MIN = 60_000;
const HOUR = 3_600_000;

export const WINDOWS = { '5m': 5 * MIN, '30m': 30 * MIN, '1h': HOUR, '6h': 6 * HOUR, '3d': 72 * HOUR } as const;
export type WindowName = keyof typeof WINDOWS;

export interface MultiwindowRule {
  readonly long: WindowName;
  readonly short: WindowName;
  readonly burnRate: number;
  readonly severity: 'page' | 'ticket';
}

/** The workbook's table for a 30-day period: 2 % of the budget in 1 h, 5 % in 6 h, 10 % in 3 d. */
export const MULTIWINDOW_RULES: readonly MultiwindowRule[] = [
  { long: '1h', short: '5m', burnRate: 14.4, severity: 'page' },
  { long: '6h', short: '30m', burnRate: 6, severity: 'page' },
  { long: '3d', short: '6h', burnRate: 1, severity: 'ticket' },
];

/** Error rate over the allowed error rate; null without events. */
export function burnRate(bad: number, total: number, target: number): number | null {
  if (total <= 0) return null;
  return bad / total / (1 - target);
}

/** Share of the period's budget left: 1 untouched, 0 spent, negative overspent. */
export function budgetRemaining(bad: number, total: number, target: number): number {
  if (total <= 0) return 1;
  return 1 - bad / ((1 - target) * total);
}

export interface Alert {
  readonly severity: 'page' | 'ticket' | null;
  readonly why: string | null;
  /** The multiwindow rule that fired, when one did. */
  readonly rule?: MultiwindowRule;
}

export function multiwindowAlert(
  rates: Readonly<Record<WindowName, number | null>>,
  rules: readonly MultiwindowRule[] = MULTIWINDOW_RULES,
): Alert {
  for (const r of rules) {
    const long = rates[r.long];
    const short = rates[r.short];
    if (long !== null && short !== null && long >= r.burnRate && short >= r.burnRate) {
      return {
        severity: r.severity,
        why: `burn rate ${fmt(long)} over ${r.long} and ${fmt(short)} over ${r.short}, both at or above ${r.burnRate}`,
        rule: r,
      };
    }
  }
  return { severity: null, why: null };
}

/** Run-count rules for sparse events, newest last: one bad run opens a ticket, two in a row page. */
export function runCountAlert(outcomesOldestFirst: readonly boolean[]): Alert {
  const n = outcomesOldestFirst.length;
  const last = outcomesOldestFirst[n - 1];
  if (n >= 2 && last === false && outcomesOldestFirst[n - 2] === false)
    return { severity: 'page', why: 'the last 2 runs were bad' };
  if (last === false) return { severity: 'ticket', why: 'the last run was bad' };
  return { severity: null, why: null };
}

function fmt(x: number): string {
  return x >= 10 ? x.toFixed(0) : x.toFixed(1);
}
