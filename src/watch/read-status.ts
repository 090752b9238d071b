// The two reads `postflight watch` makes after each tick, through the warehouse port.

import type { Warehouse } from '../warehouse/port.js';
import type { OpenDeployment, WatchedRollback } from './status.js';

const HOUR = 3_600_000;

export async function readWatchStatus(
  wh: Warehouse,
  nowMs: number,
): Promise<{ open: OpenDeployment[]; rollbacks: WatchedRollback[] }> {
  const [open, rollbacks] = await Promise.all([
    wh.query('explain/watch_open', { now_ms: nowMs }),
    wh.query('explain/watch_rollbacks', { since_ms: nowMs - HOUR }),
  ]);
  return {
    open: open.map((r) => ({
      deploymentId: String(r.deployment_id),
      bundle: String(r.bundle),
      version: String(r.version),
      state: String(r.state),
      finishedMs: r.finished_ms === null || r.finished_ms === undefined ? null : Number(r.finished_ms),
    })),
    rollbacks: rollbacks.map((r) => ({
      rollbackId: String(r.rollback_id),
      deploymentId: String(r.deployment_id),
      bundle: r.bundle === null || r.bundle === undefined ? null : String(r.bundle),
      state: String(r.state),
      safety: r.safety === null || r.safety === undefined ? null : String(r.safety),
      requestedMs: r.requested_ms === null || r.requested_ms === undefined ? null : Number(r.requested_ms),
    })),
  };
}
