// The way peer tools gather evidence: one query per deployment per check. Timed against
// postflight's set-based gathering of the same deployments, on the same warm caches.

import { baselineHorizons } from '../../checks/baseline-window.js';
import type { Policy } from '../../checks/policy.js';
import { gatherEvidence } from '../../tick/gather.js';
import { judge } from '../../tick/judge.js';
import { readLineage } from '../../tick/lineage.js';
import { openTick } from '../../tick/open.js';
import { readRuns } from '../../tick/runs.js';
import { readTableWrites } from '../../tick/table-history.js';
import type { MeasurementError } from '../../types.js';
import type { Warehouse } from '../../warehouse/port.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

export interface GatherComparison {
  readonly deployments: number;
  readonly naiveMs: number;
  readonly naiveStatements: number;
  readonly setBasedMs: number;
  readonly setBasedStatements: number;
}

export async function compareGathering(wh: Warehouse, nowMs: number, policy: Policy): Promise<GatherComparison> {
  const { active, marks } = await openTick(wh, nowMs, (policy.window.maxHours + 24) * HOUR);

  let s0 = wh.stats.statements;
  let t0 = performance.now();
  const errors: MeasurementError[] = [];
  const gathered = await gatherEvidence(wh, { active, nowMs, finishedSince: new Set(), marks, policy, errors });
  await judge({ policy }, gathered, nowMs);
  const setBasedMs = performance.now() - t0;
  const setBasedStatements = wh.stats.statements - s0;

  s0 = wh.stats.statements;
  t0 = performance.now();
  for (const a of active) {
    const ids = a.deployment.resources.map((r) => r.id);
    const since = baselineHorizons(a.deployment.finishedMs, policy);
    const lineage = await readLineage(wh, ids, nowMs - 7 * DAY);
    const tables = new Map<string, string>();
    for (const id of ids) for (const t of lineage.targets.get(id) ?? []) tables.set(t, id);
    const cached = new Set(tables.keys());
    await readRuns(wh, ids, since); // run health
    await readRuns(wh, ids, since); // duration and SLA
    await readTableWrites(wh, tables, new Map(), since, nowMs, { cachedOnly: cached }); // row count
    await readTableWrites(wh, tables, new Map(), since, nowMs, { cachedOnly: cached }); // freshness
    await readTableWrites(wh, tables, new Map(), since, nowMs, { cachedOnly: cached }); // expectations and backlog
  }
  return {
    deployments: active.length,
    naiveMs: performance.now() - t0,
    naiveStatements: wh.stats.statements - s0,
    setBasedMs,
    setBasedStatements,
  };
}
