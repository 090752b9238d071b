// Which of the tick's budgets burn fast enough, and attributably enough, to roll their live
// deployment back: each subject's page is held against the deployment live for it and against
// the untouched subjects of the same bundle target under the same SLO (the control group).

import type { BudgetAssessment } from '../budget/assess.js';
import { type BurnTrigger, burnTrigger, type RollbackOnBurn } from '../budget/burn-rollback.js';
import type { DiscreteEvent } from '../budget/events.js';

export interface BurnProbe {
  readonly assessment: BudgetAssessment;
  readonly count: (fromMs: number, toMs: number) => { good: number; total: number };
  readonly events: readonly DiscreteEvent[] | null;
  readonly live: { readonly deploymentId: string; readonly fromMs: number; readonly resources: string } | null;
  readonly target: string;
  readonly subjectId: string;
  readonly policy: RollbackOnBurn;
}

/** One trigger per deployment at most: the first of its subjects' burns, in subject order. */
export function burnTriggers(probes: readonly BurnProbe[], nowMs: number): BurnTrigger[] {
  const out = new Map<string, BurnTrigger>();
  const ordered = [...probes].sort((a, b) =>
    a.assessment.subject === b.assessment.subject
      ? a.assessment.slo.localeCompare(b.assessment.slo)
      : a.assessment.subject.localeCompare(b.assessment.subject),
  );
  for (const p of ordered) {
    if (!p.live || p.assessment.alert !== 'page' || out.has(p.live.deploymentId)) continue;
    const live = p.live;
    const peers = probes.filter(
      (q) =>
        q !== p &&
        q.target === p.target &&
        q.assessment.slo === p.assessment.slo &&
        !live.resources.includes(`"${q.subjectId}"`),
    );
    const t = burnTrigger({
      assessment: p.assessment,
      count: p.count,
      events: p.events,
      live,
      policy: p.policy,
      control: { peers: peers.length, paging: peers.filter((q) => q.assessment.alert === 'page').length },
      nowMs,
    });
    if (t) out.set(t.deploymentId, t);
  }
  return [...out.values()];
}
