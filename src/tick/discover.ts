// Opens a tick with two reads issued together: the deployments under verification and where the
// previous tick stopped. A malformed deployment row is reported and skipped, never allowed to stop
// the verification of the others.

import type { ChainTail } from '../audit/hash-chain.js';
import type { CheckName, Deployment, MeasurementError, ResourceRef } from '../types.js';
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

export interface TickMarks {
  /** Watermarks by name (see sql/tick/marks.sql). */
  readonly marks: Map<string, number>;
  /** The audit log's recorded head; undefined when none is recorded (the append reads the tail). */
  readonly auditTail: ChainTail | undefined;
}

export interface TickOpening extends TickMarks {
  readonly active: ActiveDeployment[];
  readonly errors: MeasurementError[];
}

/** Where the previous tick stopped: a narrow read, so what waits on it (the runs listing) starts early. */
export async function readMarks(wh: Warehouse): Promise<TickMarks> {
  const marks = new Map<string, number>();
  let auditTail: ChainTail | undefined;
  for (const r of await wh.query('tick/marks')) {
    if (r.name === 'audit_head') auditTail = { seq: Number(r.value_ms), hash: String(r.text) };
    else marks.set(String(r.name), Number(r.value_ms));
  }
  return { marks, auditTail };
}

export async function openTick(
  wh: Warehouse,
  nowMs: number,
  lookbackMs: number,
  marksRead: Promise<TickMarks> = readMarks(wh),
): Promise<TickOpening> {
  const [rows, { marks, auditTail }] = await Promise.all([
    wh.query('tick/open', { now_ms: nowMs, since_ms: nowMs - lookbackMs }),
    marksRead,
  ]);
  const superseded = supersession(rows);
  const active: ActiveDeployment[] = [];
  const errors: MeasurementError[] = [];
  for (const r of rows) {
    if (r.is_final === true) continue;
    try {
      active.push({
        deployment: parseDeployment(r),
        supersededAtMs: superseded.get(String(r.deployment_id)) ?? null,
        verdictState: (r.verdict_state as string | null) ?? null,
        judgedAtMs: (r.judged_ms as number | null) ?? null,
        recheckAtMs: (r.recheck_ms as number | null) ?? null,
      });
    } catch (e) {
      errors.push({
        kind: 'deployment',
        subject: `deployment:${String(r.deployment_id)}`,
        message: (e as Error).message,
      });
    }
  }
  active.sort(
    (a, b) =>
      a.deployment.finishedMs - b.deployment.finishedMs || cmp(a.deployment.deploymentId, b.deployment.deploymentId),
  );
  return { active, errors, marks, auditTail };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * When the next deployment of the same bundle and target finished, per deployment: deployments
 * are ordered by finish time, then id, so two finishing in the same instant still supersede in a
 * fixed order. (A window function did this in SQL; on the embedded warehouse it cost more than
 * the rest of the statement.)
 */
export function supersession(rows: readonly Row[]): Map<string, number> {
  const byTarget = new Map<string, Array<{ id: string; finishedMs: number }>>();
  for (const r of rows) {
    if (typeof r.finished_ms !== 'number') continue;
    const key = JSON.stringify([r.bundle, r.target]);
    const list = byTarget.get(key) ?? byTarget.set(key, []).get(key)!;
    list.push({ id: String(r.deployment_id), finishedMs: r.finished_ms });
  }
  const out = new Map<string, number>();
  for (const list of byTarget.values()) {
    list.sort((a, b) => a.finishedMs - b.finishedMs || cmp(a.id, b.id));
    for (let i = 0; i + 1 < list.length; i++) out.set(list[i]!.id, list[i + 1]!.finishedMs);
  }
  return out;
}
