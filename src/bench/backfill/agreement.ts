// How a backfill's verdicts compare with the live verifier's for the same deployments, and what a
// backfill changes for the first bad deploy of each bundle after installation. Pure.

import type { PastJudgement } from '../../backfill/run-backfill.js';

export interface LiveVerdict {
  readonly deployment_id: string;
  readonly bundle: string;
  readonly finished_ms: number;
  readonly state: string | null;
  readonly is_final: boolean | null;
  readonly reason: string | null;
  /** When the live verifier asked for this deployment's rollback, if it did. */
  readonly rolled_back_ms: number | null;
  /** The live verifier's first rollback in the same bundle, if any. */
  readonly bundle_rollback_ms: number | null;
}

export interface FirstBad {
  readonly bundle: string;
  readonly deployment_id: string;
  readonly kind: string | null;
  readonly state: string | null;
  readonly rollback_state: string | null;
  readonly safety: string | null;
  readonly to_version: string | null;
  readonly detail: string | null;
  /** HEALTHY when the rollback's target version had a HEALTHY verdict. */
  readonly target_state: string | null;
}

export interface Disagreement {
  readonly deployment_id: string;
  readonly live: string | null;
  readonly backfill: string;
  readonly reason: string;
}

export interface Agreement {
  /** Deployments both judged (the backfill judges only those whose window had closed). */
  readonly compared: number;
  readonly agreed: number;
  readonly rate: number | null;
  /** Disagreements by reason. */
  readonly reasons: Readonly<Record<string, number>>;
  readonly disagreements: readonly Disagreement[];
}

/** A rollback's own verdict states count as the failure they started from. */
const sameAs = (s: string | null) => (s === 'ROLLED_BACK' ? 'FAILED' : s);

function reasonOf(l: LiveVerdict, b: PastJudgement): string {
  if (l.rolled_back_ms !== null) return 'rolled back live: its later evidence differs from the unverified world';
  if (l.bundle_rollback_ms !== null && l.bundle_rollback_ms < l.finished_ms)
    return 'its bundle was rolled back live before it: a different world since';
  if (l.state === null) return 'no live verdict by the end of the replay';
  if (!l.is_final) return 'live verdict still open at the end of the replay';
  if (b.verdict.state === 'INCONCLUSIVE' || l.state === 'INCONCLUSIVE')
    return 'one side could not decide within the window: evidence seen at different moments';
  return 'the checks weighed the same window differently';
}

export function agreementOf(live: readonly LiveVerdict[], judged: readonly PastJudgement[]): Agreement {
  const byId = new Map(live.map((l) => [l.deployment_id, l]));
  const disagreements: Disagreement[] = [];
  let compared = 0;
  for (const b of judged) {
    const l = byId.get(b.deploymentId);
    if (!l) continue;
    compared++;
    if (sameAs(l.state) === b.verdict.state) continue;
    disagreements.push({
      deployment_id: b.deploymentId,
      live: l.state,
      backfill: b.verdict.state,
      reason: reasonOf(l, b),
    });
  }
  const reasons: Record<string, number> = {};
  for (const d of disagreements) reasons[d.reason] = (reasons[d.reason] ?? 0) + 1;
  return {
    compared,
    agreed: compared - disagreements.length,
    rate: compared ? (compared - disagreements.length) / compared : null,
    reasons,
    disagreements,
  };
}

function outcomes(rows: readonly FirstBad[]) {
  const rolledBackToHealthy = rows.filter((r) => r.rollback_state === 'SUCCEEDED' && r.target_state === 'HEALTHY');
  return {
    first_bad_deploys: rows.length,
    rolled_back_to_healthy: rolledBackToHealthy.length,
    needs_human: rows.filter((r) => r.safety === 'NEEDS_HUMAN').length,
    blocked_unsafe: rows.filter((r) => r.safety === 'UNSAFE').length,
    not_failed: rows.filter((r) => r.rollback_state === null).length,
  };
}

/** Each bundle's first bad deploy after installation, without and with a backfill first. */
export function summarizeColdStart(without: readonly FirstBad[], withBackfill: readonly FirstBad[]) {
  return {
    without_backfill: outcomes(without),
    with_backfill: outcomes(withBackfill),
    needs_human_without: without
      .filter((r) => r.safety === 'NEEDS_HUMAN')
      .map((r) => ({ bundle: r.bundle, deployment_id: r.deployment_id, detail: r.detail })),
    needs_human_with: withBackfill
      .filter((r) => r.safety === 'NEEDS_HUMAN')
      .map((r) => ({ bundle: r.bundle, deployment_id: r.deployment_id, detail: r.detail })),
  };
}
