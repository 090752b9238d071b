// The data side of a rollback in the demo: a restore plan for every failed deployment of the
// replay, and the first plan with a table to restore applied, then applied again, as a person
// running `postflight restore apply --plan FILE --approve` twice would.

import { applyPlan } from '../restore/apply.js';
import { planRestore } from '../restore/plan.js';
import { planFile } from '../restore/plan-file.js';
import { readPlanInput } from '../restore/read-inputs.js';
import type { Warehouse } from '../warehouse/port.js';

export interface RestoreDemo {
  /** Failed deployments of the replay, and those whose runs wrote a table while they ran. */
  readonly failed: number;
  readonly wrote_tables: number;
  /** Plans that wrote tables and had none safe to restore (other writers, rewritten, pipelines). */
  readonly unsafe_plans: number;
  /** The plan applied: its deployment, statements, what it would not restore, what to re-run. */
  readonly deployment_id: string | null;
  readonly plan_id: string | null;
  readonly statements: readonly string[];
  /** The version each restored table went back to, in the order of `statements`. */
  readonly to_versions: readonly number[];
  readonly not_restored: number;
  readonly rerun: number;
  readonly restored: number;
  /** Tables restored when the same plan was applied a second time: 0. */
  readonly restored_again: number;
}

export async function restoreDemo(wh: Warehouse, fromMs: number, toMs: number, nowMs: number): Promise<RestoreDemo> {
  const failed = await wh.query('demo/failed_deployments', { from_ms: fromMs, to_ms: toMs });
  let wrote = 0;
  let unsafePlans = 0;
  let chosen: ReturnType<typeof planFile> | null = null;
  for (const row of failed) {
    const input = await readPlanInput(wh, { pick: 'id', deploymentId: String(row.deployment_id) });
    if (!input) continue;
    const plan = planRestore(input);
    if (plan.restores.length + plan.unsafe.length > 0) wrote++;
    if (plan.restores.length === 0 && plan.unsafe.length > 0) unsafePlans++;
    if (!chosen && plan.restores.length > 0) chosen = planFile(plan, nowMs);
  }
  const base = { failed: failed.length, wrote_tables: wrote, unsafe_plans: unsafePlans };
  if (!chosen)
    return {
      ...base,
      deployment_id: null,
      plan_id: null,
      statements: [],
      to_versions: [],
      not_restored: 0,
      rerun: 0,
      restored: 0,
      restored_again: 0,
    };
  const restoredBy = async () =>
    (await applyPlan(wh, chosen, 'demo', () => nowMs)).filter((o) => o.status === 'restored').length;
  const restored = await restoredBy();
  return {
    ...base,
    deployment_id: chosen.plan.deploymentId,
    plan_id: chosen.plan_id,
    statements: chosen.plan.restores.map((r) => r.statement),
    to_versions: chosen.plan.restores.map((r) => r.toVersion),
    not_restored: chosen.plan.unsafe.length,
    rerun: chosen.plan.rerun.length,
    restored,
    restored_again: await restoredBy(),
  };
}
