// ci-dispatch: asks CI to redeploy the target git version, which restores code as well as
// settings. The rollback finishes when CI records the redeploy as a deployment of the target
// version (see nextStep's adopt_redeploy); until then it waits, and pages after a timeout.

import type { Workspace } from '../../workspace/port.js';
import type { Dispatcher } from '../ci/dispatcher.js';
import { changedSincePlan, markKey, readLive } from './live-state.js';
import { RestoreError, type RestoreOutcome, type RestoreRequest, type RollbackStrategy } from './strategy.js';

interface DispatchState {
  readonly dispatchedMs?: number;
}

function stateOf(detail: string): DispatchState {
  try {
    const v = JSON.parse(detail) as unknown;
    return v && typeof v === 'object' ? (v as DispatchState) : {};
  } catch {
    return {};
  }
}

export function ciDispatchStrategy(dispatcher: Dispatcher, timeoutMs: number): RollbackStrategy {
  return {
    name: 'ci-dispatch',
    async restore(req: RestoreRequest, ws: Workspace): Promise<RestoreOutcome> {
      const state = stateOf(req.detail);
      if (state.dispatchedMs !== undefined) {
        if (req.nowMs - state.dispatchedMs > timeoutMs) {
          throw new RestoreError(
            `CI was asked to redeploy ${req.toVersion.slice(0, 12)} at ${new Date(state.dispatchedMs).toISOString()} and has not recorded the redeploy within ${Math.round(timeoutMs / 60_000)} min`,
            'fail',
          );
        }
        return { status: 'pending', actions: [], detail: JSON.stringify(state) };
      }
      await refuseOverHandEdits(req, ws);
      // Settings alike say nothing about code, so there is no skipping the dispatch on live state;
      // a dispatch repeated after a crash carries the same rollback id for the receiver to drop.
      await dispatcher.dispatch({
        rollbackId: req.rollbackId,
        bundle: req.bundle,
        target: req.target,
        version: req.toVersion,
        fromVersion: req.fromVersion,
        reason: req.reason,
      });
      return {
        status: 'pending',
        actions: [{ resource: `ci:${req.bundle}`, action: 'dispatched' }],
        detail: JSON.stringify({ dispatchedMs: req.nowMs }),
      };
    },
  };
}

/** A redeploy overwrites whatever was edited by hand since the rollback was planned, so it must not be asked for. */
async function refuseOverHandEdits(req: RestoreRequest, ws: Workspace): Promise<void> {
  const changed: string[] = [];
  for (const s of req.restore) {
    const mark = req.marks.get(markKey(s));
    if (!mark) continue;
    const live = await readLive(ws, s);
    const why = live && changedSincePlan(live, mark);
    if (why) changed.push(`${s.type} ${s.key} (${s.id}) ${why}`);
  }
  if (changed.length)
    throw new RestoreError(
      `${changed.join('; ')}; redeploying ${req.toVersion.slice(0, 12)} through CI would overwrite that change; a human decides`,
      'block',
    );
}
