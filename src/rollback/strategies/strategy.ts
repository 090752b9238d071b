// How a rollback brings the workspace back to the target version. Both strategies are safe to
// call again after a crash: they look at the live state first and act only where it is not
// restored yet.

import type { Workspace } from '../../workspace/port.js';
import type { SettingsSnapshot, StrategyName } from '../types.js';
import type { LiveMark } from './live-state.js';

export interface RestoreRequest {
  readonly rollbackId: string;
  readonly bundle: string;
  readonly target: string;
  readonly fromVersion: string;
  readonly toVersion: string;
  readonly reason: string;
  readonly restore: readonly SettingsSnapshot[];
  readonly failedSettings: readonly SettingsSnapshot[];
  /** Each resource as it was when the rollback was planned, by markKey: a change since is a human's. */
  readonly marks: ReadonlyMap<string, LiveMark>;
  /** What earlier attempts left in the ledger (ci-dispatch keeps its dispatch time there). */
  readonly detail: string;
  readonly nowMs: number;
}

export interface RestoreAction {
  /** job:<id> or pipeline:<id>, or ci:<bundle> for a dispatch. */
  readonly resource: string;
  readonly action: 'reset' | 'edited' | 'found_restored' | 'dispatched';
}

export type RestoreOutcome =
  | { readonly status: 'restored'; readonly actions: readonly RestoreAction[] }
  /** Waiting for something outside (CI redeploying); `detail` is kept in the ledger for the next attempt. */
  | { readonly status: 'pending'; readonly actions: readonly RestoreAction[]; readonly detail: string };

/**
 * A restore that could not finish. `retry`: try again next tick (until maxAttempts); `fail`:
 * give up and page; `block`: a human must decide (the live state is not what was planned for).
 */
export class RestoreError extends Error {
  constructor(
    message: string,
    readonly kind: 'retry' | 'fail' | 'block',
    readonly actions: readonly RestoreAction[] = [],
  ) {
    super(message);
    this.name = 'RestoreError';
  }
}

export interface RollbackStrategy {
  readonly name: StrategyName;
  restore(req: RestoreRequest, ws: Workspace): Promise<RestoreOutcome>;
}

export async function liveSettings(
  ws: Workspace,
  s: Pick<SettingsSnapshot, 'type' | 'id'>,
): Promise<Record<string, unknown> | null> {
  if (s.type === 'job') return (await ws.getJob(s.id))?.settings ?? null;
  return (await ws.getPipeline(s.id))?.spec ?? null;
}
