// A row of the deployments table (written by CI) as a Deployment. Read by the tick and by the
// rollback ledger alike; a malformed row is an error that names its field and the fix.

import type { CheckName, Deployment, ResourceRef } from '../types.js';
import type { Row } from '../warehouse/port.js';

const CHECKS: readonly CheckName[] = [
  'run_health',
  'row_count',
  'freshness',
  'duration',
  'expectations',
  'backlog',
  'config',
];

export function parseDeployment(r: Row): Deployment {
  const id = String(r.deployment_id);
  const resources = parseJson(r.resources, `deployments.resources of ${id}`);
  if (!Array.isArray(resources))
    throw new Error(`deployments.resources of ${id} must be a JSON array of {type, id, key}`);
  const refs: ResourceRef[] = resources.map((x, i) => {
    const o = x as Record<string, unknown>;
    if ((o.type !== 'job' && o.type !== 'pipeline') || typeof o.id !== 'string' || o.id === '') {
      throw new Error(`deployments.resources[${i}] of ${id} needs type 'job' or 'pipeline' and a non-empty string id`);
    }
    if (o.dbt !== undefined && typeof o.dbt !== 'boolean') {
      throw new Error(
        `deployments.resources[${i}].dbt of ${id} must be true or false (whether the job has a dbt_task), or left out when not known`,
      );
    }
    return {
      type: o.type,
      id: o.id,
      key: typeof o.key === 'string' ? o.key : o.id,
      ...(typeof o.dbt === 'boolean' ? { dbt: o.dbt } : {}),
    };
  });
  const expected =
    r.expected_changes === null || r.expected_changes === undefined
      ? []
      : parseJson(r.expected_changes, `deployments.expected_changes of ${id}`);
  if (!Array.isArray(expected) || !expected.every((c) => CHECKS.includes(c as CheckName))) {
    throw new Error(`deployments.expected_changes of ${id} must be a JSON array of check names (${CHECKS.join(', ')})`);
  }
  if (typeof r.finished_ms !== 'number')
    throw new Error(`deployments.finished_at of ${id} is NULL; a succeeded deployment needs its finish time`);
  return {
    deploymentId: id,
    bundle: String(r.bundle),
    target: String(r.target),
    version: String(r.version),
    previousVersion: (r.previous_version as string | null) ?? null,
    actor: String(r.actor ?? ''),
    startedMs: typeof r.started_ms === 'number' ? r.started_ms : r.finished_ms,
    finishedMs: r.finished_ms,
    // The verifier reads deployments whose deploy reached the workspace: all of it or part of it.
    status: r.status === 'PARTIAL' ? 'PARTIAL' : 'SUCCEEDED',
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
