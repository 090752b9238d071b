// Changes made to production by hand, in the UI, that no deployment records: the untracked
// changes (SOX) the verifier must catch and page on. One per replay, labelled for scoring. It
// raises a job's max_concurrent_runs, which changes what the audit trail must explain but not
// what the job's runs do, on a job whose last deploy is hours old and that no deploy resets for
// two hours after, so the verdicts and rollbacks of the replay stay what they are without it.

import type { DuckDbWarehouse } from '../warehouse/duckdb/duckdb-warehouse.js';
import type { SimPipeline, WorldSpec } from './catalog.js';
import { BROWSER_AGENT, type ControlAuditRow, writeControlAudit } from './control-audit.js';
import type { DeployPlan } from './plan.js';
import { writeScdRows } from './row-batches.js';

export interface HandEdit {
  readonly atMs: number;
  readonly pipelineIndex: number;
  readonly resourceId: string;
  readonly email: string;
  /** Ground truth: an untracked change to production. */
  readonly label: 'untracked_change';
}

const HOUR = 3_600_000;

/** When in the replay the hand edit is made: early enough for the audit log to show it within a short replay. */
export const HAND_EDIT_AFTER_MS = 3 * HOUR + 17 * 60_000;

export function planHandEdits(spec: WorldSpec, catalog: readonly SimPipeline[], plan: DeployPlan): HandEdit[] {
  const atMs = spec.startMs + HAND_EDIT_AFTER_MS;
  const deploysOf = (p: SimPipeline) => plan.deploys.filter((d) => d.pipelineIndex === p.index).map((d) => d.atMs);
  // A job deployed through CI that no deploy resets for two hours after the edit (the sweep sees it first), the one deployed
  // longest before it (its verification long settled), the first of them on a tie.
  const sinceDeploy = (p: SimPipeline) => atMs - Math.max(-Infinity, ...deploysOf(p).filter((t) => t <= atMs));
  const candidates = catalog.filter(
    (p) =>
      p.resourceType === 'job' &&
      // Deployed through CI before (a job never deployed so is no bundle's, and production of none).
      deploysOf(p).some((t) => t <= atMs) &&
      !deploysOf(p).some((t) => t > atMs && t <= atMs + 2 * HOUR),
  );
  let best: SimPipeline | undefined;
  for (const p of candidates) if (best === undefined || sinceDeploy(p) > sinceDeploy(best)) best = p;
  if (best === undefined || sinceDeploy(best) < 6 * HOUR) return [];
  return [
    { atMs, pipelineIndex: best.index, resourceId: best.id, email: 'dana.ops@example.com', label: 'untracked_change' },
  ];
}

/** The settings after the edit, and the audit log's record of it (a jobs/update from a browser). */
export function applyHandEdit(
  e: HandEdit,
  settings: Readonly<Record<string, unknown>>,
): { settings: Record<string, unknown>; audit: ControlAuditRow } {
  const edited = { ...settings, max_concurrent_runs: Number(settings.max_concurrent_runs ?? 1) + 1 };
  return {
    settings: edited,
    audit: {
      atMs: e.atMs,
      email: e.email,
      userAgent: BROWSER_AGENT,
      resourceType: 'job',
      resourceId: e.resourceId,
      action: 'update',
      settings: { max_concurrent_runs: edited.max_concurrent_runs },
    },
  };
}

/** Writes the step's hand edits: the settings, the history tables' row and the audit log's, the label. */
export async function writeHandEdits(
  wh: DuckDbWarehouse,
  catalog: readonly SimPipeline[],
  edits: readonly HandEdit[],
): Promise<void> {
  const s = wh.session;
  const audit: ControlAuditRow[] = [];
  for (const e of edits) {
    const [row] = await s.all('SELECT settings FROM sim_world.api_resources WHERE resource_id = $id', {
      id: e.resourceId,
    });
    if (!row) continue;
    const done = applyHandEdit(e, JSON.parse(String(row.settings)) as Record<string, unknown>);
    await s.run(
      'UPDATE sim_world.api_resources SET settings = $settings, changed_ms = $at, last_modified = greatest($at, last_modified + 1) WHERE resource_id = $id',
      { settings: JSON.stringify(done.settings), at: e.atMs, id: e.resourceId },
    );
    await s.run('INSERT INTO sim_world.hand_edits VALUES ($id, $at, $email, $label)', {
      id: e.resourceId,
      at: e.atMs,
      email: e.email,
      label: e.label,
    });
    audit.push(done.audit);
  }
  await writeControlAudit(wh, audit);
  await writeScdRows(
    wh,
    edits.map((e) => ({ p: catalog[e.pipelineIndex]!, changeMs: e.atMs })),
  );
}
