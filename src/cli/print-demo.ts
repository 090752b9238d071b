import type { DemoReport } from '../demo/report.js';

export function printDemo(r: DemoReport, out: NodeJS.WritableStream): void {
  const rows: Array<[string, string]> = [
    ['deployments replayed', String(r.deployments)],
    [
      'verdicts',
      Object.entries(r.verdicts)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    ],
    ['labelled bad', `${r.labelled_bad} (hard failures ${r.labelled_hard})`],
    ['caught', `${r.caught} of ${r.labelled_bad} (hard ${r.caught_hard} of ${r.labelled_hard})`],
    ['healthy wrongly failed', String(r.false_failures)],
    ['upstream incidents failed', `${r.upstream_rolled_back_or_failed} of ${r.upstream_incidents}`],
    ['first verdict after rollout', `p50 ${r.first_verdict_s_p50 ?? '-'} s, max ${r.first_verdict_s_max ?? '-'} s`],
    ['time to catch (p50)', r.detection_s_p50 === null ? '-' : `${Math.round(r.detection_s_p50 / 60)} min`],
    ['rolled back', `${r.rollbacks} (restored version verified HEALTHY: ${r.restored_healthy})`],
    ['rollbacks blocked as unsafe', String(r.rollbacks_blocked_unsafe)],
    ['double rollbacks', String(r.double_rollbacks)],
    [
      'burn-driven failures',
      `failed by the error budget ${r.burn.caught_by_budget} of ${r.burn.episodes} (by a check ${r.burn.caught_by_check}), ` +
        `rolled back ${r.burn.rolled_back}` +
        (r.burn.rollback_after_rise_min.length
          ? `, ${r.burn.rollback_after_rise_min.join(', ')} min after the failure rate rose`
          : ''),
    ],
    [
      'config changes',
      `stopping work caught at the first tick ${r.config.stopping_caught_first_tick} of ${r.config.stopping}, ` +
        `notification removal warned ${r.config.warned} of ${r.config.warn_only}, ` +
        `declared change passed ${r.config.declared_passed} of ${r.config.declared}, ` +
        `not-bad failed by config ${r.config.not_bad_failed_by_config}`,
    ],
    [
      'cost regressions',
      `caught ${r.cost.caught} of ${r.cost.episodes} with the configuration change named ${r.cost.named}, ` +
        `others not bad failed by cost ${r.cost.others_failed}`,
    ],
    [
      'untracked changes',
      `hand edits to production caught ${r.untracked.caught} of ${r.untracked.hand_edits}` +
        (r.untracked.caught_after_s_max === null
          ? ''
          : ` (within ${Math.round(r.untracked.caught_after_s_max / 60)} min)`) +
        `, paged ${r.untracked.paged}, deploys or rollbacks reported untracked ${r.untracked.wrongly_untracked}`,
    ],
    ...restoreRows(r),
    [
      'CI stages recorded',
      Object.entries(r.deployment_events)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    ],
    ['ticks', `${r.ticks} in ${r.wall_s.toFixed(1)} s`],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) out.write(`${k.padEnd(w)}  ${v}\n`);
  if (r.burn.reason) out.write(`  burn: ${r.burn.reason.slice(0, 300)}\n`);
  if (r.cost.explanation) out.write(`  cost: ${r.cost.explanation.slice(0, 300)}\n`);
  for (const m of r.missed) out.write(`  missed: ${m.deployment_id} ${m.kind} x${m.factor} -> ${m.state}\n`);
  for (const o of r.rollback_outcomes.filter((x) => x.state !== 'SUCCEEDED')) {
    out.write(
      `  rollback ${o.state} (${o.safety}): ${o.deployment_id} ${o.kind ?? o.label}: ${(o.detail ?? '').slice(0, 240)}\n`,
    );
  }
}

function restoreRows(r: DemoReport): Array<[string, string]> {
  const x = r.restore;
  if (!x) return [];
  const head = `plans ${x.failed}, ${x.wrote_tables} wrote tables`;
  const notSafe = `${x.unsafe_plans} plan${x.unsafe_plans === 1 ? '' : 's'} not safe (other writers, rewritten or pipeline tables)`;
  if (!x.deployment_id) return [['data restored', `${head}; none safe to restore; ${notSafe}`]];
  const versions = [...new Set(x.to_versions)].join(', ');
  return [
    [
      'data restored',
      `${head}; ${x.restored} table${x.restored === 1 ? '' : 's'} of ${x.deployment_id} restored to version ${versions}; ${notSafe}`,
    ],
    [
      '',
      `  ${x.not_restored} of its tables left as they are, ${x.rerun} downstream to re-run; applied again: ${x.restored_again} restored`,
    ],
    ...x.statements.map((s): [string, string] => ['', `  ${s}`]),
  ];
}
