// What the deployed jobs' runs and pipelines' updates cost, read once for every deployment due
// (tick/cost_usage), back to the oldest baseline any of them needs. Billing is the slow plane:
// hours late, so a run's cost arrives long after its outcome. A failed read leaves the cost check
// of every subject unmeasured (an ERROR) and nothing else.

import { validateCostRows } from '../evidence/validate-cost.js';
import type { MeasurementError, RunCost } from '../types.js';
import type { RowBatch, Warehouse } from '../warehouse/port.js';
import type { ActiveDeployment } from './open.js';

export interface CostRead {
  /** Billed runs by subject id. */
  readonly bySubject: ReadonlyMap<string, RunCost[]>;
  /** Malformed rows and failed reads, by the subject they leave unmeasured. */
  readonly errors: MeasurementError[];
}

export const NO_COSTS: CostRead = { bySubject: new Map(), errors: [] };

/** One row per deployed job or pipeline: its type and id. */
export function costRows(active: readonly ActiveDeployment[]): RowBatch {
  const subjects = new Map<string, 'job' | 'pipeline'>();
  for (const a of active) for (const r of a.deployment.resources) subjects.set(r.id, r.type);
  return {
    columns: [
      { name: 'subject_type', type: 'STRING' },
      { name: 'subject_id', type: 'STRING' },
    ],
    rows: [...subjects].map(([id, type]) => [type, id]),
  };
}

export async function readCosts(
  wh: Warehouse,
  active: readonly ActiveDeployment[],
  sinceMs: number,
): Promise<CostRead> {
  const batch = costRows(active);
  if (batch.rows.length === 0) return NO_COSTS;
  let rows: Awaited<ReturnType<Warehouse['query']>>;
  try {
    rows = await wh.query('tick/cost_usage', { since_ms: sinceMs }, batch);
  } catch (e) {
    return {
      bySubject: new Map(),
      errors: batch.rows.map(([type, id]) => ({
        kind: 'cost',
        subject: `${String(type)}:${String(id)}`,
        message: `billing usage unavailable: ${(e as Error).message}`,
      })),
    };
  }
  const { costs, errors } = validateCostRows(rows);
  const bySubject = new Map<string, RunCost[]>();
  for (const c of costs) {
    const list = bySubject.get(c.subjectId) ?? [];
    list.push(c);
    bySubject.set(c.subjectId, list);
  }
  // In time order, whatever order the engine grouped them in: sums over the runs are then the same
  // to the last bit on every engine.
  for (const list of bySubject.values()) list.sort((a, b) => a.usageFromMs - b.usageFromMs || cmp(a.runId, b.runId));
  return { bySubject, errors };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
