// The promotion gate: a version goes on to the next environment only when it was HEALTHY in the
// one before for its whole verification window, is not quarantined anywhere, and the target's
// error budget is not spent (a fix may pass a spent budget), nor its cost budget by a verified cost
// rise (a fix, or a rise accepted on purpose, may). Pure: the facts in, the answer out.

import { type CostRise, decideCostGate, type TargetCostBudget } from '../budget/cost-gate.js';
import { decidePromotion, type GateBudgetRow, type GateQuarantineRow } from '../budget/freeze.js';

/** The version's newest deployment in the environment it is promoted from, with its verdict. */
export interface PriorDeployment {
  readonly deploymentId: string;
  readonly status: string;
  readonly state: string | null;
  readonly reason: string | null;
  readonly isFinal: boolean;
}

export interface GateInput {
  readonly bundle: string;
  readonly version: string;
  readonly to: string;
  /** The environment before `to`; null when `to` is the first (nothing to have verified it in). */
  readonly from: string | null;
  readonly prior: PriorDeployment | null;
  readonly quarantined: readonly GateQuarantineRow[];
  readonly budgets: readonly GateBudgetRow[];
  readonly isFix: boolean;
  /** Cost rises verified before `to` and `to`'s cost budget; without it, cost does not gate. */
  readonly cost?: {
    readonly rises: readonly CostRise[];
    readonly budget: TargetCostBudget | null;
    readonly acceptCost: boolean;
  };
}

export interface GateDecision {
  readonly pass: boolean;
  readonly reasons: readonly string[];
}

/** The promotion order when none is given: dev, then staging, then prod. */
export const DEFAULT_ORDER: readonly string[] = ['dev', 'staging', 'prod'];

/** The environment a target is promoted from, in the given order; null for the first. */
export function previousEnvironment(order: readonly string[], to: string): string | null | undefined {
  const i = order.indexOf(to);
  if (i < 0) return undefined;
  return i === 0 ? null : order[i - 1]!;
}

function priorReasons(input: GateInput): string[] {
  const { from, prior, bundle } = input;
  const v = input.version.slice(0, 12);
  if (from === null) return [];
  if (prior === null) return [`${bundle}@${v} was never deployed to ${from}; deploy and verify it there first`];
  if (prior.status !== 'SUCCEEDED') {
    return [
      `${bundle}@${v}'s deploy to ${from} (${prior.deploymentId}) ended ${prior.status}; only a complete deploy is promoted`,
    ];
  }
  if (!prior.isFinal) {
    return [
      `${bundle}@${v} is still under verification on ${from} (${prior.state ?? 'no verdict yet'} so far); wait for its final verdict: postflight wait --deployment ${prior.deploymentId} --until final`,
    ];
  }
  if (prior.state !== 'HEALTHY') {
    return [`${bundle}@${v} ended ${prior.state} on ${from}${prior.reason ? `: ${prior.reason}` : ''}`];
  }
  return [];
}

export function decideGate(input: GateInput): GateDecision {
  const promotion = decidePromotion({ budgets: input.budgets, quarantined: input.quarantined, isFix: input.isFix });
  const cost = input.cost
    ? decideCostGate({ bundle: input.bundle, to: input.to, ...input.cost, isFix: input.isFix })
    : null;
  const reasons = [...priorReasons(input), ...promotion.reasons, ...(cost?.reasons ?? [])];
  return { pass: reasons.length === 0, reasons };
}
