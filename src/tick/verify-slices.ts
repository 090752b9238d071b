// Steps 2 to 5 (gather, judge, decide, apply) over the due deployments, a slice at a time while the
// tick's budget lasts (tick-budget.ts). Most ticks are one slice and run the steps once, as a tick
// always has. Each slice is applied whole before the budget is looked at again, so what the tick
// leaves is a set of deployments it has written nothing for; the rollback step runs once, after
// the last slice the tick judged, on every decision it made.

import type { VerdictChange } from '../audit/verdict-changes.js';
import type { CheckResult, MeasurementError, Verdict } from '../types.js';
import { type Applied, apply, applyRollbacks } from './apply.js';
import type { BudgetTickSummary } from './budgets.js';
import { type Decisions, decide } from './decide.js';
import type { Discovery } from './discover.js';
import { gather } from './gather.js';
import { type JudgedEvidence, judge } from './judge.js';
import type { ActiveDeployment } from './open.js';
import { DEPLOYMENTS_PER_SLICE, slices, type TickBudget } from './tick-budget.js';
import type { TickDeps } from './types.js';

export interface SlicedWork {
  readonly decided: Decisions;
  readonly applied: Applied;
  /** The due deployments judged and written this tick. */
  readonly judged: readonly ActiveDeployment[];
  /** The due deployments the budget left for the next tick, untouched. */
  readonly left: readonly ActiveDeployment[];
  /** Every check result of the slices judged, for the tick's errors by kind. */
  readonly evidence: readonly JudgedEvidence[];
}

export async function verifyInSlices(
  deps: TickDeps,
  tick: { tickId: string; nowMs: number; found: Discovery },
  budget: TickBudget,
): Promise<SlicedWork> {
  const { tickId, nowMs, found } = tick;
  const parts = slices(
    found.due,
    found.carried?.deployments ?? new Set(),
    deps.deploymentsPerSlice ?? DEPLOYMENTS_PER_SLICE,
  );
  if (parts.length <= 1) {
    const gathered = await gather(deps, found, nowMs);
    const judged = await judge(deps, gathered, nowMs);
    const decided = decide(deps, found.due, judged, nowMs);
    const applied = await apply(deps, { tickId, nowMs, found, gathered, judged, decided, budgetLeft: budget.left });
    return { decided, applied, judged: found.due, left: [], evidence: judged };
  }
  // Each slice starts from discovery's errors; what a slice's reads add is the tick's as well.
  const discovered = [...found.errors];
  const added: MeasurementError[] = [];
  const results: Array<{ deploymentId: string; result: CheckResult }> = [];
  const verdicts: Verdict[] = [];
  const changed: VerdictChange[] = [];
  const budgets: BudgetTickSummary[] = [];
  const evidence: JudgedEvidence[] = [];
  let applied: Applied | undefined;
  let auditTail = found.auditTail as Applied['auditTail'];
  let failed = false;
  let done = 0;
  // The first slice always runs: a tick that ran out before judging anything still moves on.
  while (done < parts.length && (done === 0 || budget.left())) {
    const part = parts[done]!;
    const last = done === parts.length - 1;
    const errors = [...discovered];
    const slice: Discovery = { ...found, due: part, errors, auditTail: auditTail ?? undefined };
    const gathered = await gather(deps, slice, nowMs);
    const judged = await judge(deps, gathered, nowMs);
    const decided = decide(deps, part, judged, nowMs);
    applied = await apply(deps, {
      tickId,
      nowMs,
      found: slice,
      gathered,
      judged,
      decided,
      withRollbacks: last,
      failedEarlier: failed,
      budgetLeft: budget.left,
    });
    added.push(...errors.slice(discovered.length));
    evidence.push(...judged);
    results.push(...decided.results);
    verdicts.push(...decided.verdicts);
    changed.push(...decided.changed);
    if (applied.budgets) budgets.push(applied.budgets);
    failed ||= decided.changed.some((c) => c.to === 'FAILED') || applied.burned === true;
    auditTail = applied.auditTail;
    done++;
  }
  found.errors.push(...added);
  const stoppedEarly = done < parts.length;
  const rollbacks = stoppedEarly
    ? await applyRollbacks(deps, { tickId, nowMs, found, failedNow: failed, budgetLeft: budget.left }, auditTail)
    : applied!.rollbacks;
  return {
    decided: { results, verdicts, changed },
    applied: { budgets: mergeBudgets(budgets), rollbacks, auditTail },
    judged: parts.slice(0, done).flat(),
    left: parts.slice(done).flat(),
    evidence,
  };
}

function mergeBudgets(all: readonly BudgetTickSummary[]): BudgetTickSummary | null {
  if (all.length === 0) return null;
  return {
    rows: all.reduce((n, b) => n + b.rows, 0),
    exhausted: all.reduce((n, b) => n + b.exhausted, 0),
    pages: all.reduce((n, b) => n + b.pages, 0),
    burns: all.flatMap((b) => b.burns),
    errors: all.flatMap((b) => b.errors),
  };
}
