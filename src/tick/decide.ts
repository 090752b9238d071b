// Step 4, decide: each judged deployment's verdict from its check results, and which verdicts
// changed. Pure: evidence, results, policy and the tick's time in.

import type { VerdictChange } from '../audit/verdict-changes.js';
import { decideVerdict } from '../checks/verdict.js';
import type { CheckResult, Verdict } from '../types.js';
import { type JudgedEvidence, underOwnPolicy } from './judge.js';
import type { ActiveDeployment } from './open.js';
import type { TickDeps } from './types.js';

export interface Decisions {
  readonly results: ReadonlyArray<{ deploymentId: string; result: CheckResult }>;
  readonly verdicts: readonly Verdict[];
  readonly changed: readonly VerdictChange[];
}

/** `judged` holds the deployments of `due`, in the same order. */
export function decide(
  deps: Pick<TickDeps, 'policy' | 'policies'>,
  due: readonly ActiveDeployment[],
  judged: readonly JudgedEvidence[],
  nowMs: number,
): Decisions {
  const results: Array<{ deploymentId: string; result: CheckResult }> = [];
  const verdicts: Verdict[] = [];
  const changed: VerdictChange[] = [];
  for (const [i, { evidence, results: rs }] of judged.entries()) {
    const { own, judged: ev } = underOwnPolicy(deps, evidence);
    const v = decideVerdict(ev, rs, own, nowMs);
    for (const r of rs) results.push({ deploymentId: evidence.deployment.deploymentId, result: r });
    verdicts.push(v);
    const before = due[i]!.verdictState;
    if (before !== v.state) changed.push({ deploymentId: v.deploymentId, from: before, to: v.state });
  }
  return { results, verdicts, changed };
}
