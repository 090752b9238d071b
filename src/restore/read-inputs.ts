// What a restore plan is made from: the deployment and when its version stopped running, the
// commits of the tables its jobs wrote (the commit cache, completed by DESCRIBE HISTORY) and the
// lineage of those tables. Reads only.

import { parseDeployment } from '../deployments/deployment-row.js';
import { type DeploymentRef, refParams } from '../explain/deployment-ref.js';
import type { RowBatch, Warehouse } from '../warehouse/port.js';
import type { LineageEvent, PlanInput, RestoreDeployment, TableCommit } from './plan.js';

/** How far back DESCRIBE HISTORY reads each table, beside the cache. */
const HISTORY_ROWS = 1000;
/** A bound for a window still open: the version runs until now and beyond. */
const OPEN_END_MS = 253_402_300_799_000;

export async function readPlanInput(wh: Warehouse, ref: DeploymentRef): Promise<PlanInput | null> {
  const [row] = await wh.query('explain/deployment', refParams(ref));
  if (!row) return null;
  const dep = parseDeployment(row);
  const [win] = await wh.query('restore/window', { deployment_id: dep.deploymentId });
  const rolledBack = numberOrNull(win?.rolled_back_ms);
  const superseded = numberOrNull(win?.superseded_ms);
  const endMs = rolledBack === null ? superseded : superseded === null ? rolledBack : Math.min(rolledBack, superseded);
  const deployment: RestoreDeployment = {
    deploymentId: dep.deploymentId,
    bundle: dep.bundle,
    target: dep.target,
    version: dep.version,
    finishedMs: dep.finishedMs,
    endMs,
    endReason: endMs === null ? null : endMs === rolledBack ? 'rolled back' : 'superseded',
    jobIds: dep.resources.filter((r) => r.type === 'job').map((r) => r.id),
    pipelineIds: dep.resources.filter((r) => r.type === 'pipeline').map((r) => r.id),
  };
  const ids = [...deployment.jobIds, ...deployment.pipelineIds];
  if (ids.length === 0) return { deployment, commits: [], lineage: [] };
  const written = await wh.query(
    'restore/written',
    { since_ms: dep.finishedMs, until_ms: endMs ?? OPEN_END_MS },
    column('id', ids),
  );
  const tables = [...new Set(written.map((r) => String(r.table_name)))].sort();
  if (tables.length === 0) return { deployment, commits: [], lineage: [] };
  const [cached, lineageRows] = await Promise.all([
    wh.query('restore/commits', { since_ms: dep.finishedMs }, column('name', tables)),
    wh.query('restore/lineage', { since_ms: dep.finishedMs }, column('name', tables)),
  ]);
  const commits = cached.map(
    (r): TableCommit => ({
      table: String(r.table_name),
      version: Number(r.version),
      commitMs: Number(r.commit_ms),
      operation: String(r.operation ?? ''),
      rowsWritten: numberOrNull(r.rows_written),
      jobId: r.job_id === null || r.job_id === undefined ? null : String(r.job_id),
    }),
  );
  commits.push(...(await historyBeyondCache(wh, tables, commits, dep.finishedMs)));
  const lineage = lineageRows.map(
    (r): LineageEvent => ({
      source: r.source === null || r.source === undefined ? null : String(r.source),
      target: r.target === null || r.target === undefined ? null : String(r.target),
      entityType: String(r.entity_type),
      entityId: String(r.entity_id),
      firstMs: Number(r.first_ms),
      lastMs: Number(r.last_ms),
      events: Number(r.events),
    }),
  );
  return { deployment, commits, lineage };
}

/**
 * The commits the cache does not hold: tables the tick does not watch, and what was written since
 * its last read. Only the version before the deploy and what came after it matter.
 */
async function historyBeyondCache(
  wh: Warehouse,
  tables: readonly string[],
  cached: readonly TableCommit[],
  sinceMs: number,
): Promise<TableCommit[]> {
  const held = new Set(cached.map((c) => `${c.table}\u0000${c.version}`));
  const out: TableCommit[] = [];
  for (const table of tables) {
    const history = await wh.describeHistory(table, HISTORY_ROWS);
    const before = history.find((h) => h.timestampMs <= sinceMs);
    for (const h of history) {
      if (h.timestampMs <= sinceMs && h !== before) continue;
      if (held.has(`${table}\u0000${h.version}`)) continue;
      out.push({
        table,
        version: h.version,
        commitMs: h.timestampMs,
        operation: h.operation,
        rowsWritten: rowsOf(h.operationMetrics),
        jobId: h.jobId,
      });
    }
  }
  return out;
}

function rowsOf(m: Readonly<Record<string, string>>): number | null {
  const v = m.numOutputRows ?? m.numTargetRowsInserted;
  return v === undefined ? null : Number(v);
}

/** A one-column batch of text: the ids or table names a statement's `{{rows}}` reads. */
export function column(name: string, values: readonly string[]): RowBatch {
  return { columns: [{ name, type: 'STRING' }], rows: values.map((v) => [v]) };
}

function numberOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}
