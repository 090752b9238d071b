// One error budget: a subject's SLO over the period, burn rates per window, the alert the rules
// give, whether the budget is spent, and which deployments spent it. Pure.

import {
  type Alert,
  budgetRemaining,
  burnRate,
  multiwindowAlert,
  runCountAlert,
  WINDOWS,
  type WindowName,
} from './burn-rate.js';
import { countEvents, countMinutes, type DiscreteEvent, type Staleness } from './events.js';
import type { SloName } from './slo-policy.js';

export interface BudgetAssessment {
  readonly subject: string;
  readonly slo: SloName;
  readonly target: number;
  readonly rule: 'dense' | 'sparse';
  readonly good: number;
  readonly total: number;
  readonly budgetRemaining: number;
  readonly burnRates: Readonly<Record<WindowName, number | null>>;
  readonly alert: 'page' | 'ticket' | null;
  readonly exhausted: boolean;
  /** Bad events (minutes for freshness) in the period per deployment that was live. */
  readonly burnByDeployment: Readonly<Record<string, number>>;
  /** The deployment that burned the most of the budget in the period. */
  readonly deploymentId: string | null;
  readonly explanation: string;
}

const HOUR = 3_600_000;

function rates(
  count: (fromMs: number, toMs: number) => { good: number; total: number },
  target: number,
  nowMs: number,
): Record<WindowName, number | null> {
  const out = {} as Record<WindowName, number | null>;
  for (const [name, ms] of Object.entries(WINDOWS) as Array<[WindowName, number]>) {
    const c = count(nowMs - ms, nowMs);
    out[name] = burnRate(c.total - c.good, c.total, target);
  }
  return out;
}

function topBurner(burn: Readonly<Record<string, number>>): string | null {
  // 'platform' failures are nobody's deployment; they spend the budget but are not attributed.
  const ranked = Object.entries(burn)
    .filter(([id, n]) => id !== 'platform' && id !== 'unknown' && n > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return ranked[0]?.[0] ?? null;
}

function finish(
  base: Omit<BudgetAssessment, 'budgetRemaining' | 'exhausted' | 'deploymentId' | 'explanation'>,
  alert: Alert,
  unit: string,
): BudgetAssessment {
  const remaining = budgetRemaining(base.total - base.good, base.total, base.target);
  const exhausted = base.total > 0 && remaining <= 0;
  const deploymentId = topBurner(base.burnByDeployment);
  const bad = base.total - base.good;
  const parts = [
    `${round(bad)} bad of ${round(base.total)} ${unit} against ${(base.target * 100).toFixed(2)} %: ${(remaining * 100).toFixed(0)} % of the budget left`,
    ...(exhausted ? ['budget exhausted: promotions other than fixes are frozen'] : []),
    ...(alert.why ? [`${alert.severity}: ${alert.why}`] : []),
    ...(deploymentId
      ? [`most burned by ${deploymentId} (${round(base.burnByDeployment[deploymentId]!)} ${unit})`]
      : []),
  ];
  return { ...base, budgetRemaining: remaining, exhausted, deploymentId, explanation: parts.join('; ') };
}

const round = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(1));

/** Runs or expectation evaluations. Multiwindow rules when events are dense enough, run counts otherwise. */
export function assessDiscrete(input: {
  readonly subject: string;
  readonly slo: SloName;
  readonly target: number;
  readonly events: readonly DiscreteEvent[];
  readonly nowMs: number;
  readonly periodMs: number;
  readonly sparseBelowPerHour: number;
}): BudgetAssessment | null {
  const { events, nowMs, target } = input;
  const period = countEvents(events, nowMs - input.periodMs, nowMs);
  if (period.total === 0) return null;
  const burnRates = rates((f, t) => countEvents(events, f, t), target, nowMs);
  const inLong = countEvents(events, nowMs - WINDOWS['3d'], nowMs).total;
  const dense = inLong / (WINDOWS['3d'] / HOUR) >= input.sparseBelowPerHour;
  const recent = events.filter((e) => e.atMs > nowMs - input.periodMs && e.atMs <= nowMs).map((e) => e.good);
  const alert = dense ? multiwindowAlert(burnRates) : runCountAlert(recent);
  const burn: Record<string, number> = {};
  for (const e of events)
    if (!e.good && e.atMs > nowMs - input.periodMs && e.atMs <= nowMs)
      burn[e.deploymentId ?? 'unknown'] = (burn[e.deploymentId ?? 'unknown'] ?? 0) + 1;
  return finish(
    {
      subject: input.subject,
      slo: input.slo,
      target,
      rule: dense ? 'dense' : 'sparse',
      good: period.good,
      total: period.total,
      burnRates,
      alert: alert.severity,
      burnByDeployment: burn,
    },
    alert,
    input.slo === 'run_success' ? 'runs' : 'evaluations',
  );
}

/** Freshness minutes: always dense (one event a minute), multiwindow rules. */
export function assessFreshness(input: {
  readonly subject: string;
  readonly target: number;
  readonly staleness: Staleness;
  readonly nowMs: number;
  readonly periodMs: number;
}): BudgetAssessment | null {
  const { staleness: s, nowMs, target } = input;
  const period = countMinutes(s, nowMs - input.periodMs, nowMs);
  if (period.total <= 0) return null;
  const burnRates = rates((f, t) => countMinutes(s, f, t), target, nowMs);
  const alert = multiwindowAlert(burnRates);
  const burn: Record<string, number> = {};
  const from = nowMs - input.periodMs;
  for (const iv of s.intervals) {
    const ms = Math.max(0, Math.min(iv.toMs, nowMs) - Math.max(iv.fromMs, from, s.coveredFromMs));
    if (ms > 0) burn[iv.deploymentId ?? 'unknown'] = (burn[iv.deploymentId ?? 'unknown'] ?? 0) + ms / 60_000;
  }
  return finish(
    {
      subject: input.subject,
      slo: 'freshness',
      target,
      rule: 'dense',
      good: period.good,
      total: period.total,
      burnRates,
      alert: alert.severity,
      burnByDeployment: burn,
    },
    alert,
    'minutes',
  );
}
