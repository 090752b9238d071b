// The two reads that open a tick: the deployments under verification and where the previous
// tick stopped. A malformed deployment row is reported as malformed evidence of that deployment
// at every tick until it is mended, never allowed to stop the verification of the others.

import type { ChainTail } from '../audit/hash-chain.js';
import { parseDeployment } from '../deployments/deployment-row.js';
import { deploymentRowReason } from '../evidence/validate-deployment.js';
import { MALFORMED, malformedRow } from '../evidence/validate-values.js';
import type { Deployment, MeasurementError } from '../types.js';
import type { Row, Warehouse } from '../warehouse/port.js';
import { type Carried, NOTHING_CARRIED, parseUnfinished } from './tick-budget.js';

export interface ActiveDeployment {
  readonly deployment: Deployment;
  readonly supersededAtMs: number | null;
  readonly verdictState: string | null;
  /** When the deployment was last judged, and when time alone may change its verdict. */
  readonly judgedAtMs: number | null;
  readonly recheckAtMs: number | null;
  /** Final for CI and watched only until its runs' cost is billed (see checks/verdict.ts). */
  readonly costWatched: boolean;
}

export interface TickMarks {
  /** Watermarks by name (see sql/tick/marks.sql). */
  readonly marks: Map<string, number>;
  /** The audit log's recorded head; undefined when none is recorded (the append reads the tail). */
  readonly auditTail: ChainTail | undefined;
  /** What the previous tick's budget left for this one. */
  readonly carried: Carried;
}

export interface TickOpening extends TickMarks {
  readonly active: ActiveDeployment[];
  readonly errors: MeasurementError[];
}

/** Where the previous tick stopped: a narrow read, so what waits on it (the runs listing) starts early. */
export async function readMarks(wh: Warehouse): Promise<TickMarks> {
  const marks = new Map<string, number>();
  let auditTail: ChainTail | undefined;
  let carried = NOTHING_CARRIED;
  for (const r of await wh.query('tick/marks')) {
    if (r.name === 'audit_head') auditTail = { seq: Number(r.value_ms), hash: String(r.text) };
    else if (r.name === 'unfinished') carried = parseUnfinished(r.text === null ? null : String(r.text));
    else marks.set(String(r.name), Number(r.value_ms));
  }
  return { marks, auditTail, carried };
}

/** The deployments under verification, ordered by finish time; malformed rows become errors. */
export async function readDeployments(
  wh: Warehouse,
  nowMs: number,
  lookbackMs: number,
): Promise<{ active: ActiveDeployment[]; errors: MeasurementError[] }> {
  const rows = await wh.query('tick/open', { now_ms: nowMs, since_ms: nowMs - lookbackMs });
  const superseded = supersession(rows);
  const active: ActiveDeployment[] = [];
  const errors: MeasurementError[] = [];
  for (const r of rows) {
    if (r.is_final === true) continue;
    const key = `deployment_id ${String(r.deployment_id)}`;
    const reason = deploymentRowReason(r);
    if (reason !== null) {
      errors.push(malformedRow('deployment', `deployment:${String(r.deployment_id)}`, 'deployments', key, reason));
      continue;
    }
    try {
      active.push({
        deployment: parseDeployment(r),
        supersededAtMs: superseded.get(String(r.deployment_id)) ?? null,
        verdictState: (r.verdict_state as string | null) ?? null,
        judgedAtMs: (r.judged_ms as number | null) ?? null,
        recheckAtMs: (r.recheck_ms as number | null) ?? null,
        costWatched: r.cost_watched === true,
      });
    } catch (e) {
      errors.push({
        kind: 'deployment',
        subject: `deployment:${String(r.deployment_id)}`,
        message: `${MALFORMED}: ${(e as Error).message} (deployments ${key})`,
        fault: MALFORMED,
      });
    }
  }
  active.sort(
    (a, b) =>
      a.deployment.finishedMs - b.deployment.finishedMs || cmp(a.deployment.deploymentId, b.deployment.deploymentId),
  );
  return { active, errors };
}

/** Both opening reads at once, for callers outside the tick (the tick names its reads in discover). */
export async function openTick(wh: Warehouse, nowMs: number, lookbackMs: number): Promise<TickOpening> {
  const [deployments, marks] = await Promise.all([readDeployments(wh, nowMs, lookbackMs), readMarks(wh)]);
  return { ...deployments, ...marks };
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
