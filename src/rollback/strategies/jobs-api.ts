// jobs-api: resets every job (Jobs 2.2 jobs/reset) and pipeline (PUT pipelines/{id}) of the
// target version to its settings snapshot. Before touching anything it reads every resource:
// one already holding the target settings was reset by an earlier attempt and is left alone, and
// one holding neither version's settings was changed by hand, which stops the rollback.

import type { Workspace } from '../../workspace/port.js';
import { holdsSettings } from '../settings-diff.js';
import type { SettingsSnapshot } from '../types.js';
import {
  liveSettings,
  type RestoreAction,
  RestoreError,
  type RestoreOutcome,
  type RestoreRequest,
  type RollbackStrategy,
} from './strategy.js';

const label = (s: SettingsSnapshot) => `${s.type} ${s.key} (${s.id})`;

export const jobsApiStrategy: RollbackStrategy = {
  name: 'jobs-api',
  async restore(req: RestoreRequest, ws: Workspace): Promise<RestoreOutcome> {
    const ordered = [...req.restore].sort((a, b) => (`${a.type}:${a.id}` < `${b.type}:${b.id}` ? -1 : 1));
    const todo: SettingsSnapshot[] = [];
    const actions: RestoreAction[] = [];
    const drifted: string[] = [];
    for (const want of ordered) {
      const live = await liveSettings(ws, want);
      if (live === null)
        throw new RestoreError(
          `${label(want)} no longer exists in the workspace; a reset cannot bring it back`,
          'block',
        );
      const failed = req.failedSettings.find((f) => f.type === want.type && f.id === want.id);
      if (holdsSettings(live, want.settings, failed?.settings))
        actions.push({ resource: `${want.type}:${want.id}`, action: 'found_restored' });
      else if (failed && !holdsSettings(live, failed.settings, want.settings)) drifted.push(label(want));
      else todo.push(want);
    }
    if (drifted.length) {
      throw new RestoreError(
        `${drifted.join(', ')} changed since the failed deploy (its live settings match neither version); resetting would discard that change`,
        'block',
      );
    }
    for (const want of todo) {
      if (want.type === 'job') await ws.resetJob(want.id, { ...want.settings });
      else await ws.editPipeline(want.id, { ...want.settings });
      actions.push({ resource: `${want.type}:${want.id}`, action: want.type === 'job' ? 'reset' : 'edited' });
    }
    return { status: 'restored', actions };
  },
};
