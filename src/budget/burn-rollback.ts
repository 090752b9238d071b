// Whether a budget's burn is a reason to roll the live deployment back: a page rule the SLO's policy
// lets act (fast multiwindow, slow multiwindow, run counts where runs are sparse), a burn that
// started after the deployment went live and was low before it, and a control group that did not
// burn with it (then the cause is upstream, not the deploy). Pure.

import type { BudgetAssessment } from './assess.js';
import { MULTIWINDOW_RULES, type MultiwindowRule, WINDOWS, type WindowName } from './burn-rate.js';
import type { DiscreteEvent } from './events.js';
import type { RollbackOnBurn } from './slo-policy.js';

export { DEFAULT_ROLLBACK_ON_BURN, type RollbackOnBurn } from './slo-policy.js';

export type BurnRule = 'fast' | 'slow' | 'sparse';

export interface BurnTrigger {
  readonly deploymentId: string;
  readonly subject: string;
  readonly slo: BudgetAssessment['slo'];
  readonly rule: BurnRule;
  /** Burn rates over the rule's long and short windows (null for run counts). */
  readonly long: { readonly window: WindowName; readonly rate: number } | null;
  readonly short: { readonly window: WindowName; readonly rate: number } | null;
  /** Burn rate over the long window just before the deployment went live. */
  readonly before: number | null;
  readonly explanation: string;
}

type Count = (fromMs: number, toMs: number) => { good: number; total: number };

export interface BurnInput {
  readonly assessment: BudgetAssessment;
  /** Good and total events in (from, to], platform failures left out: they are nobody's deploy's. */
  readonly count: Count;
  /** The subject's events oldest first (discrete SLOs), for the run-count rule. */
  readonly events: readonly DiscreteEvent[] | null;
  /** The deployment live for the subject now. */
  readonly live: { readonly deploymentId: string; readonly fromMs: number } | null;
  readonly policy: RollbackOnBurn;
  /** Untouched peers under the same SLO: how many, and how many of them page now. */
  readonly control: { readonly peers: number; readonly paging: number };
  readonly nowMs: number;
}

const RULE_NAMES: readonly BurnRule[] = ['fast', 'slow'];
/** The events before the deploy a run-count page is held against: were they within budget? */
const PRIOR_EVENTS = 20;

function rate(c: { good: number; total: number }, target: number): number | null {
  return c.total > 0 ? (c.total - c.good) / c.total / (1 - target) : null;
}

export function burnTrigger(input: BurnInput): BurnTrigger | null {
  const { assessment: a, live, nowMs } = input;
  if (!live || live.fromMs >= nowMs) return null;
  // A control group that burns alongside says upstream: half of the peers or more paging.
  if (input.control.peers > 0 && input.control.paging * 2 >= input.control.peers) return null;
  const control = input.control.peers
    ? `; ${input.control.paging} of ${input.control.peers} untouched peer(s) under the same SLO page`
    : '';
  return a.rule === 'sparse' ? sparse(input, live, control) : dense(input, live, control);
}

function dense(input: BurnInput, live: NonNullable<BurnInput['live']>, control: string): BurnTrigger | null {
  const a = input.assessment;
  for (const [i, r] of MULTIWINDOW_RULES.entries()) {
    const name = RULE_NAMES[i];
    if (name === undefined || r.severity !== 'page' || !input.policy[name]) continue;
    const found = denseRule(input, live, r);
    if (!found) continue;
    return {
      deploymentId: live.deploymentId,
      subject: a.subject,
      slo: a.slo,
      rule: name,
      long: { window: r.long, rate: found.long },
      short: { window: r.short, rate: found.short },
      before: found.before,
      explanation:
        `${a.slo} budget of ${a.subject} burned ${x(found.long)} over ${r.long} and ${x(found.short)} over ${r.short} ` +
        `since ${live.deploymentId} went live (${name} burn: ${r.burnRate}× over both), ` +
        `${found.before === null ? 'no events' : x(found.before)} in the ${r.long} before it; ` +
        `${pct(a.budgetRemaining)} of the budget left${control}`,
    };
  }
  return null;
}

function denseRule(
  input: BurnInput,
  live: NonNullable<BurnInput['live']>,
  r: MultiwindowRule,
): { long: number; short: number; before: number | null } | null {
  const { count, nowMs } = input;
  const target = input.assessment.target;
  const longMs = WINDOWS[r.long];
  const shortMs = WINDOWS[r.short];
  // Only what happened since the deploy counts for it, and over at least the short window.
  if (nowMs - live.fromMs < shortMs) return null;
  const long = rate(count(Math.max(nowMs - longMs, live.fromMs), nowMs), target);
  const short = rate(count(nowMs - shortMs, nowMs), target);
  if (long === null || short === null || long < r.burnRate || short < r.burnRate) return null;
  const before = rate(count(live.fromMs - longMs, live.fromMs), target);
  if (before !== null && before >= r.burnRate) return null;
  return { long, short, before };
}

function sparse(input: BurnInput, live: NonNullable<BurnInput['live']>, control: string): BurnTrigger | null {
  const { assessment: a, events } = input;
  if (!input.policy.sparse || !events || a.alert !== 'page') return null;
  const mine = events.filter((e) => e.atMs <= input.nowMs && e.deploymentId !== 'platform');
  const last = mine.slice(-2);
  if (last.length < 2 || last.some((e) => e.good || e.atMs <= live.fromMs || e.deploymentId !== live.deploymentId))
    return null;
  // Bad already before the deploy, or burning the budget then: the burn did not start with it.
  const prior = mine.filter((e) => e.atMs <= live.fromMs).slice(-PRIOR_EVENTS);
  if (prior.at(-1)?.good === false) return null;
  const before = prior.length ? prior.filter((e) => !e.good).length / prior.length / (1 - a.target) : null;
  if (before !== null && before >= 1) return null;
  const since = mine.filter((e) => e.atMs > live.fromMs);
  const bad = since.filter((e) => !e.good).length;
  return {
    deploymentId: live.deploymentId,
    subject: a.subject,
    slo: a.slo,
    rule: 'sparse',
    long: null,
    short: null,
    before,
    explanation:
      `${a.slo} budget of ${a.subject}: the last 2 ${a.slo === 'run_success' ? 'runs' : 'evaluations'} were bad, ` +
      `${bad} of ${since.length} since ${live.deploymentId} went live (run-count rule where events are sparse); ` +
      `${pct(a.budgetRemaining)} of the budget left${control}`,
  };
}

const x = (r: number) => `${r >= 10 ? r.toFixed(0) : r.toFixed(1)}×`;
const pct = (r: number) => `${(r * 100).toFixed(0)} %`;
