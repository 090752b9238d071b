// Audit entries for verdict changes. Written before the verdicts themselves, keyed by the
// transition, so a tick that stops in between leaves the next tick to record the same change once.

import type { Verdict } from '../types.js';
import type { Warehouse } from '../warehouse/port.js';
import { appendAudit } from './audit-log.js';
import type { AuditEntry, ChainTail } from './hash-chain.js';

export interface VerdictChange {
  readonly deploymentId: string;
  readonly from: string | null;
  readonly to: string;
}

export function verdictChangeEntries(
  changed: readonly VerdictChange[],
  verdicts: readonly Verdict[],
  nowMs: number,
): AuditEntry[] {
  const byId = new Map(verdicts.map((v) => [v.deploymentId, v]));
  return changed.map((c) => {
    const v = byId.get(c.deploymentId);
    return {
      atMs: nowMs,
      actor: 'postflight',
      action: 'verdict.changed',
      subject: `deployment:${c.deploymentId}`,
      // The post-run count tells a repeat of the same transition later on from a retried tick.
      eventKey: `verdict:${c.deploymentId}:${c.from ?? 'NONE'}>${c.to}:${v?.postRuns ?? 0}`,
      payload: {
        from: c.from,
        to: c.to,
        final: v?.final ?? null,
        post_runs: v?.postRuns ?? null,
        reason: (v?.reason ?? '').slice(0, 2000),
      },
    };
  });
}

/**
 * `tail`: the log's head as the tick read it, if it did; see appendAudit. Returns the log's last
 * entry after the append where known, for the tick's next append to chain on.
 */
export async function auditVerdictChanges(
  wh: Warehouse,
  changed: readonly VerdictChange[],
  verdicts: readonly Verdict[],
  nowMs: number,
  tail?: ChainTail,
  holdHead?: (write: Promise<unknown>) => void,
): Promise<ChainTail | null | undefined> {
  if (!changed.length) return tail;
  return (await appendAudit(wh, verdictChangeEntries(changed, verdicts, nowMs), nowMs, tail, holdHead)).tail;
}
