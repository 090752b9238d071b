// What the workspace holds for a job or pipeline when the rollback looks: its settings and, for a
// pipeline, the API's last_modified. A mark taken when the rollback is planned lets the restore
// tell a change made by hand in between, whatever fields that change touched; a pipeline's mark is
// also what its guarded edit sends back as expected_last_modified.

import { settingsHash } from '../../ci/record.js';
import type { Workspace } from '../../workspace/port.js';
import type { SettingsSnapshot } from '../types.js';

export interface LiveState {
  readonly settings: Record<string, unknown>;
  /** Pipelines only: when the settings last changed (epoch ms). The Jobs API keeps no such field. */
  readonly lastModified: number | null;
}

/** A job or pipeline as it was when the rollback was planned, kept in the ledger row's plan. */
export interface LiveMark {
  readonly type: 'job' | 'pipeline';
  readonly id: string;
  readonly settingsHash: string;
  readonly lastModified: number | null;
  readonly atMs: number;
}

export const markKey = (r: { readonly type: string; readonly id: string }) => `${r.type}:${r.id}`;

export async function readLive(ws: Workspace, s: Pick<SettingsSnapshot, 'type' | 'id'>): Promise<LiveState | null> {
  if (s.type === 'job') {
    const job = await ws.getJob(s.id);
    return job ? { settings: job.settings, lastModified: null } : null;
  }
  const p = await ws.getPipeline(s.id);
  return p ? { settings: p.spec, lastModified: p.last_modified ?? null } : null;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Why the resource is no longer as it was when the rollback was planned; null when it is (or no mark was taken). */
export function changedSincePlan(live: LiveState, mark: LiveMark | undefined): string | null {
  if (!mark) return null;
  if (live.lastModified !== null && mark.lastModified !== null) {
    return live.lastModified === mark.lastModified
      ? null
      : `was edited in the workspace after the rollback was planned (last_modified ${iso(live.lastModified)}, ${iso(mark.lastModified)} when planned)`;
  }
  return settingsHash(live.settings) === mark.settingsHash
    ? null
    : `was edited in the workspace after the rollback was planned (its settings differ from those read at ${iso(mark.atMs)})`;
}

/**
 * Marks of the resources a rollback will restore, read now. A resource that cannot be read gets
 * none: its restore then rests on the checks made when it runs.
 */
export async function readMarks(
  ws: Workspace,
  restore: readonly Pick<SettingsSnapshot, 'type' | 'id'>[],
  atMs: number,
): Promise<LiveMark[]> {
  const lives = await Promise.all(restore.map((s) => readLive(ws, s).catch(() => null)));
  const marks: LiveMark[] = [];
  restore.forEach((s, i) => {
    const live = lives[i];
    if (live)
      marks.push({
        type: s.type,
        id: s.id,
        settingsHash: settingsHash(live.settings),
        lastModified: live.lastModified,
        atMs,
      });
  });
  return marks;
}

/** The marks a ledger row's plan holds (none for rows planned before marks were taken). */
export function marksOfPlan(plan: string): ReadonlyMap<string, LiveMark> {
  try {
    const live = (JSON.parse(plan) as { live?: unknown }).live;
    if (!Array.isArray(live)) return new Map();
    return new Map(
      (live as LiveMark[])
        .filter((m) => m && typeof m.id === 'string' && typeof m.settingsHash === 'string')
        .map((m) => [markKey(m), m]),
    );
  } catch {
    return new Map();
  }
}
