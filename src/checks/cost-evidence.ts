// A subject's billed runs split the way its runs are: the successful runs of the baseline window
// and those after the deploy, each billed in full (its newest usage record reaching the run's
// end), at the run's own start so that it meets its own slot. Pure.

import type { RunCost, RunRecord } from '../types.js';
import type { SettingsChange } from './config-facts.js';
import type { CostEvidence } from './cost.js';
import type { SubjectEvidence } from './evidence.js';

export function costEvidence(
  s: SubjectEvidence,
  costs: readonly RunCost[],
  baselineRuns: readonly RunRecord[],
  postRuns: readonly RunRecord[],
  settings: SettingsChange | undefined,
): CostEvidence {
  const byRun = new Map(costs.map((c) => [c.runId, c]));
  const billed = (r: RunRecord): RunCost | null => {
    const c = byRun.get(r.runId);
    return c && r.endMs !== null && c.billedToMs >= r.endMs ? { ...c, usageFromMs: r.startMs } : null;
  };
  const ok = (r: RunRecord) => r.result === 'SUCCESS' && r.endMs !== null;
  const baseline = baselineRuns.filter(ok).flatMap((r) => billed(r) ?? []);
  const post: RunCost[] = [];
  const unbilledEndMs: number[] = [];
  for (const r of postRuns.filter(ok)) {
    const c = billed(r);
    if (c) post.push(c);
    else unbilledEndMs.push(r.endMs!);
  }
  return { subject: s.subject, baseline, post, unbilledEndMs, ...(settings ? { settings } : {}) };
}
