// Reads the deployments under verification. A malformed deployment row is reported and skipped,
// never allowed to stop the verification of the others.

import type { Deployment, MeasurementError, ResourceRef, CheckName } from '../types.js';
import type { Row, Warehouse } from '../warehouse/port.js';

export interface ActiveDeployment {
  readonly deployment: Deployment;
  readonly supersededAtMs: number | null;
  readonly verdictState: string | null;
  /** When the deployment was last judged, and when time alone may change its verdict. */
  readonly judgedAtMs: number | null;
  readonly recheckAtMs: number | null;
}

const CHECKS: readonly CheckName[] = ['run_health', 'row_count', 'freshness', 'duration', 'expectations', 'backlog'];

export function parseDeployment(r: Row): Deployment {
  const id = String(r.deployment_id);
  const resources = parseJson(r.resources, `deployments.resources of ${id}`);
  if (!Array.isArray(resources)) throw new Error(`deployments.resources of ${id} must be a JSON array of {type, id, key}`);
  const refs: ResourceRef[] = resources.map((x, i) => {
    const o = x as Record<string, unknown>;
    if ((o.type !== 'job' && o.type !== 'pipeline') || typeof o.id !== 'string' || o.id === '') {
      throw new Error(`deployments.resources[${i}] of ${id} needs type 'job' or 'pipeline' and a non-empty string id`);
    }
    return { type: o.type, id: o.id, key: typeof o.key === 'string' ? o.key : o.id };
  });
  const expected = r.expected_changes === null || r.expected_changes === undefined ? [] : parseJson(r.expected_changes, `deployments.expected_changes of ${id}`);
  if (!Array.isArray(expected) || !expected.every((c) => CHECKS.includes(c as CheckName))) {
    throw new Error(`deployments.expected_changes of ${id} must be a JSON array of check names (${CHECKS.join(', ')})`);
  }
  if (typeof r.finished_ms !== 'number') throw new Error(`deployments.finished_at of ${id} is NULL; a succeeded deployment needs its finish time`);
  return {
    deploymentId: id,
    bundle: String(r.bundle),
    target: String(r.target),
    version: String(r.version),
    previousVersion: (r.previous_version as string | null) ?? null,
    actor: String(r.actor ?? ''),
    startedMs: typeof r.started_ms === 'number' ? r.started_ms : r.finished_ms,
    finishedMs: r.finished_ms,
    status: 'SUCCEEDED',
    resources: refs,
    expectedChanges: expected as CheckName[],
  };
}

function parseJson(v: unknown, field: string): unknown {
  try {
    return JSON.parse(String(v));
  } catch {
    throw new Error(`${field} is not valid JSON: '${String(v).slice(0, 60)}'`);
  }
}

export async function discover(wh: Warehouse, nowMs: number, lookbackMs: number): Promise<{ active: ActiveDeployment[]; errors: MeasurementError[] }> {
  const rows = await wh.query('tick/discover', { now_ms: nowMs, since_ms: nowMs - lookbackMs });
  const active: ActiveDeployment[] = [];
  const errors: MeasurementError[] = [];
  for (const r of rows) {
    try {
      active.push({ deployment: parseDeployment(r), supersededAtMs: (r.superseded_ms as number | null) ?? null, verdictState: (r.verdict_state as string | null) ?? null,
        judgedAtMs: (r.judged_ms as number | null) ?? null,
        recheckAtMs: (r.recheck_ms as number | null) ?? null,
      });
    } catch (e) {
      errors.push({ kind: 'deployment', subject: `deployment:${String(r.deployment_id)}`, message: (e as Error).message });
    }
  }
  return { active, errors };
}
