// jobs-api: resets every job (Jobs 2.2 jobs/reset) and pipeline (PUT pipelines/{id}) of the
// target version to its settings snapshot. Before touching anything it reads every resource:
// one already holding the target settings was reset by an earlier attempt and is left alone; one
// edited since the rollback was planned, or holding neither version's settings, was changed by
// hand, which stops the rollback. Pipeline edits carry the last_modified just read, so a change
// made in the moment between that read and the edit is refused by the API itself.

import { EditConflictError } from '../../workspace/edit-conflict.js';
import type { Workspace } from '../../workspace/port.js';
import { holdsSettings } from '../settings-diff.js';
import type { SettingsSnapshot } from '../types.js';
import { changedSincePlan, type LiveState, markKey, readLive } from './live-state.js';
import {
  type RestoreAction,
  RestoreError,
  type RestoreOutcome,
  type RestoreRequest,
  type RollbackStrategy,
} from './strategy.js';

const label = (s: SettingsSnapshot) => `${s.type} ${s.key} (${s.id})`;
const HAND = 'resetting would discard that change; a human decides';

export const jobsApiStrategy: RollbackStrategy = {
  name: 'jobs-api',
  async restore(req: RestoreRequest, ws: Workspace): Promise<RestoreOutcome> {
    // Pipelines first: their edits are guarded, so a refused one stops the rollback before any
    // job (whose reset nothing guards) is touched.
    const ordered = [...req.restore].sort((a, b) =>
      a.type !== b.type ? (a.type === 'pipeline' ? -1 : 1) : a.id < b.id ? -1 : 1,
    );
    const failedOf = (s: SettingsSnapshot) => req.failedSettings.find((f) => f.type === s.type && f.id === s.id);
    const todo: Array<{ want: SettingsSnapshot; live: LiveState }> = [];
    const actions: RestoreAction[] = [];
    const changed: string[] = [];
    for (const want of ordered) {
      const live = await readLive(ws, want);
      if (live === null)
        throw new RestoreError(
          `${label(want)} no longer exists in the workspace; a reset cannot bring it back`,
          'block',
        );
      const failed = failedOf(want);
      if (holdsSettings(live.settings, want.settings, failed?.settings)) {
        actions.push({ resource: markKey(want), action: 'found_restored' });
        continue;
      }
      const since = changedSincePlan(live, req.marks.get(markKey(want)));
      if (since) changed.push(`${label(want)} ${since}`);
      else if (failed && !holdsSettings(live.settings, failed.settings, want.settings))
        changed.push(`${label(want)} changed since the failed deploy (its live settings match neither version)`);
      else todo.push({ want, live });
    }
    if (changed.length) throw new RestoreError(`${changed.join('; ')}; ${HAND}`, 'block');
    for (const { want, live } of todo) {
      if (want.type === 'job') {
        await ws.resetJob(want.id, { ...want.settings });
        actions.push({ resource: markKey(want), action: 'reset' });
        continue;
      }
      await editGuarded(ws, want, live, failedOf(want), actions);
      actions.push({ resource: markKey(want), action: 'edited' });
    }
    return { status: 'restored', actions };
  },
};

async function editGuarded(
  ws: Workspace,
  want: SettingsSnapshot,
  live: LiveState,
  failed: SettingsSnapshot | undefined,
  done: readonly RestoreAction[],
): Promise<void> {
  const guard = live.lastModified === null ? undefined : { expectedLastModified: live.lastModified };
  try {
    await ws.editPipeline(want.id, { ...want.settings }, guard);
  } catch (e) {
    if (!(e instanceof EditConflictError)) throw e;
    // A retried request whose first try went through is refused too: the pipeline then holds
    // the target settings, and the edit is done.
    const now = await readLive(ws, want);
    if (now && holdsSettings(now.settings, want.settings, failed?.settings)) return;
    const before = done.filter((a) => a.action !== 'found_restored').map((a) => a.resource);
    throw new RestoreError(
      `${label(want)} was changed in the workspace while the rollback restored it: the Pipelines API refused the edit (${e.message}); ${HAND}${before.length ? `. Already restored: ${before.join(', ')}` : ''}`,
      'block',
      done,
    );
  }
}
