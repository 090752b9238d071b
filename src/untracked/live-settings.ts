// The fast plane of the untracked-change sweep: the live settings of every job, from one paged
// jobs/list for the workspace (never a call per job), hashed the way `postflight record` hashes
// a snapshot and set against the newest snapshot of each. A job whose settings differ from it
// changed since, by someone; who, the audit log says hours later.

import { settingsHash } from '../ci/record.js';
import type { Row } from '../warehouse/port.js';
import type { Workspace } from '../workspace/port.js';
import type { ControlPlaneChange } from './explain.js';

/** A bound on the listing: 200 pages of 100 jobs, far beyond a workspace's job limit. */
const MAX_PAGES = 200;

/** Live settings' hash per job id; null when the control plane cannot list jobs. */
export async function liveJobHashes(ws: Workspace): Promise<Map<string, string> | null> {
  if (!ws.listJobs) return null;
  const out = new Map<string, string>();
  const cut: string[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const listed = await ws.listJobs(token);
    for (const j of listed.jobs) {
      if (j.has_more) cut.push(String(j.job_id));
      else out.set(String(j.job_id), settingsHash(j.settings));
    }
    token = listed.next_page_token;
    if (!token) break;
  }
  // A job with over 100 tasks is listed cut short: only those are read whole, one by one.
  for (const id of cut) {
    const job = await ws.getJob(id);
    if (job) out.set(id, settingsHash(job.settings));
  }
  return out;
}

/**
 * The jobs whose live settings differ from their newest snapshot, as changes seen now, each
 * keyed by the job and its live hash: the same drift seen again is the same change, a further
 * edit a new one. Jobs never snapshotted (never deployed through CI) are not judged here.
 */
export function liveDrifts(
  live: ReadonlyMap<string, string>,
  snapshotRows: readonly Row[],
  nowMs: number,
): ControlPlaneChange[] {
  const expected = new Map<string, { hash: string; bundle: string; target: string; key: string | null }>();
  const recorded = new Set<string>();
  for (const r of snapshotRows) {
    const id = String(r.resource_id);
    expected.set(id, {
      hash: String(r.settings_hash),
      bundle: String(r.bundle),
      target: String(r.target),
      key: r.resource_key === null || r.resource_key === undefined ? null : String(r.resource_key),
    });
    if (r.recorded_change_id !== null && r.recorded_change_id !== undefined) recorded.add(String(r.recorded_change_id));
  }
  const out: ControlPlaneChange[] = [];
  for (const [id, want] of expected) {
    const hash = live.get(id);
    if (hash === undefined || hash === want.hash) continue;
    const changeId = `jobs/list:${id}:${hash}`;
    out.push({
      changeId,
      source: 'jobs/list',
      resourceType: 'job',
      resourceId: id,
      changedMs: nowMs,
      changedBy: null,
      action: 'jobs.settings_differ',
      userAgent: null,
      detail: { live_hash: hash, snapshot_hash: want.hash },
      owner: { bundle: want.bundle, target: want.target, key: want.key },
      recorded: recorded.has(changeId),
    });
  }
  return out.sort((a, b) => (a.resourceId < b.resourceId ? -1 : 1));
}
