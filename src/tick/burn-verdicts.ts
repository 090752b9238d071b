// A live deployment whose budget burns past policy fails like one whose critical check fails: the
// change is audited first, then its verdict turns FAILED (final) with the burn as its reason, and
// the rollback step takes it from there under the same guards, safety classification and ledger.

import { appendAudit } from '../audit/audit-log.js';
import type { AuditEntry, ChainTail } from '../audit/hash-chain.js';
import type { BurnTrigger } from '../budget/burn-rollback.js';
import { markVerdict } from '../rollback/ledger.js';
import type { Verdict } from '../types.js';
import type { Warehouse } from '../warehouse/port.js';

/** The verdict reason's prefix, the way a check's name prefixes a failed check's explanation. */
export const BURN_REASON = 'error_budget';

/** A burn to fail its deployment on, with the verdict it had. */
export interface BurnToFail {
  readonly burn: BurnTrigger;
  readonly from: string;
}

/** Burns of deployments judged this tick whose verdict is not already FAILED. */
export function burnsToFail(burns: readonly BurnTrigger[], verdicts: readonly Verdict[]): BurnToFail[] {
  const state = new Map(verdicts.map((v) => [v.deploymentId, v.state as string]));
  return burns.flatMap((burn) => {
    const from = state.get(burn.deploymentId);
    return from === undefined || from === 'FAILED' ? [] : [{ burn, from }];
  });
}

export function burnEntries(burns: readonly BurnToFail[], nowMs: number): AuditEntry[] {
  return burns.map(({ burn: b, from }) => ({
    atMs: nowMs,
    actor: 'postflight',
    action: 'verdict.changed',
    subject: `deployment:${b.deploymentId}`,
    eventKey: `verdict:${b.deploymentId}:${from}>FAILED:burn`,
    payload: {
      from,
      to: 'FAILED',
      final: true,
      cause: 'error_budget_burn',
      subject: b.subject,
      slo: b.slo,
      rule: b.rule,
      burn_long: b.long,
      burn_short: b.short,
      burn_before: b.before,
      reason: `${BURN_REASON}: ${b.explanation}`.slice(0, 2000),
    },
  }));
}

/** Audits and fails the deployments of `burns`. Returns the audit log's tail after the append. */
export async function failOnBurn(
  wh: Warehouse,
  burns: readonly BurnToFail[],
  nowMs: number,
  tail: ChainTail | null | undefined,
): Promise<ChainTail | null | undefined> {
  if (!burns.length) return tail;
  const out = await appendAudit(wh, burnEntries(burns, nowMs), nowMs, tail);
  // One after another: every one of them writes the verdicts table.
  for (const { burn: b } of burns)
    await markVerdict(wh, b.deploymentId, 'FAILED', `${BURN_REASON}: ${b.explanation}`, null, nowMs);
  return out.tail;
}
