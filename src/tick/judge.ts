// Step 3, judge: every check of each due deployment, under its bundle's own policy with its
// expected changes applied. The control group is read only for the deployments whose own evidence
// fails a volume check, and those are judged again with it.

import type { DeploymentEvidence } from '../checks/evidence.js';
import { judgeDeployment } from '../checks/judge.js';
import type { Policy } from '../checks/policy.js';
import type { CheckResult } from '../types.js';
import type { GatheredEvidence } from './gather.js';
import type { TickDeps } from './types.js';

export interface JudgedEvidence {
  readonly evidence: DeploymentEvidence;
  readonly results: readonly CheckResult[];
}

/** A deployment's own policy, and its evidence with the expected changes the policy file declares. */
export function underOwnPolicy(
  deps: Pick<TickDeps, 'policy' | 'policies'>,
  ev: DeploymentEvidence,
): { own: Policy; judged: DeploymentEvidence } {
  if (!deps.policies) return { own: deps.policy, judged: ev };
  const expectedChanges = deps.policies.expectedChanges(ev.deployment);
  return {
    own: deps.policies.forBundle(ev.deployment.bundle),
    judged: { ...ev, deployment: { ...ev.deployment, expectedChanges } },
  };
}

export async function judge(
  deps: Pick<TickDeps, 'policy' | 'policies'>,
  gathered: GatheredEvidence,
  nowMs: number,
): Promise<JudgedEvidence[]> {
  const checks = (evidence: DeploymentEvidence): JudgedEvidence => {
    const { own, judged } = underOwnPolicy(deps, evidence);
    return { evidence, results: judgeDeployment(judged, own, nowMs) };
  };
  const first = gathered.evidence.map(checks);
  const anomalous = new Set(
    first
      .filter((j) => j.results.some((r) => r.check === 'row_count' && r.status === 'FAIL'))
      .map((j) => j.evidence.deployment.deploymentId),
  );
  if (anomalous.size === 0) return first;
  const withPeers = await gathered.withControlGroup(anomalous);
  return withPeers.map((ev, i) => (anomalous.has(ev.deployment.deploymentId) ? checks(ev) : first[i]!));
}
