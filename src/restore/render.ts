// A restore plan and an apply's outcomes as text for the person deciding.

import type { ApplyOutcome } from './apply.js';
import type { PlanFile } from './plan-file.js';

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** `out`: where the plan file was written, for the apply command to name. */
export function renderPlan(f: PlanFile, out?: string): string {
  const p = f.plan;
  const lines = [
    `Restore plan ${f.plan_id} for ${p.deploymentId} (${p.bundle} ${p.target} @ ${p.version})`,
    `  the bad version ran from ${iso(p.windowStartMs)} ${p.windowEndMs === null ? 'and still runs' : `to ${iso(p.windowEndMs)} (${p.endReason})`}`,
    '',
  ];
  if (p.restores.length + p.unsafe.length === 0)
    lines.push('  Its jobs and pipelines wrote no table while it ran: nothing to restore.');
  if (p.restores.length) {
    lines.push(`Safe to restore (${p.restores.length}): nobody else wrote them since`);
    for (const r of p.restores)
      lines.push(
        `  ${r.statement};`,
        `    -- undoes version${r.badVersions.length === 1 ? '' : 's'} ${r.badVersions.join(', ')}; newest version now ${r.latestVersion}`,
      );
  }
  if (p.unsafe.length) {
    lines.push(`Not restored (${p.unsafe.length}):`);
    for (const u of p.unsafe) lines.push(`  ${u.table}: ${u.reason}`);
  }
  if (p.rerun.length) {
    lines.push(`Downstream, read the bad data since: re-run (${p.rerun.length})`);
    for (const r of p.rerun)
      lines.push(`  ${r.table}  written by ${r.entityType.toLowerCase()} ${r.entityId}, from ${r.sources.join(', ')}`);
  }
  if (p.restores.length)
    lines.push(
      '',
      out
        ? `Apply with: postflight restore apply --plan ${out} --approve`
        : 'Apply with: postflight restore apply --plan FILE --approve  (write FILE with --out)',
    );
  return `${lines.join('\n')}\n`;
}

export function renderOutcomes(planId: string, outcomes: readonly ApplyOutcome[]): string {
  const label: Record<ApplyOutcome['status'], string> = {
    restored: 'restored',
    already_restored: 'already restored',
    moved: 'NOT restored, moved since the plan',
    failed: 'FAILED',
  };
  const lines = [`Restore plan ${planId}: ${outcomes.length} table${outcomes.length === 1 ? '' : 's'}`];
  for (const o of outcomes) lines.push(`  ${o.table}: ${label[o.status]}: ${o.detail}`);
  return `${lines.join('\n')}\n`;
}
