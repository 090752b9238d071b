// The readable form of the quality report: the headline figures, recall per effect, and every
// target with whether it was met.

import type { QualityReport } from './quality.js';
import type { QualityFigures } from './score.js';
import type { CodeVersion } from './version.js';

const fmt = (x: number | null | undefined, digits = 3) =>
  x === null || x === undefined ? '-' : String(Number(x.toFixed(digits)));

function figures(f: QualityFigures, title: string): string[] {
  const lines = [
    `${title}`,
    `  healthy episodes       ${f.healthy_episodes}   bad ${f.bad_episodes}   upstream incidents ${f.upstream_episodes}`,
    `  false rollbacks        ${f.false_rollbacks}  = ${fmt(f.frr_per_1000)} per 1,000 (95% upper ${fmt(f.frr_upper_95_per_1000)}; hard ${fmt(f.frr_hard_per_1000)}, statistical ${fmt(f.frr_statistical_per_1000)})`,
    `  the oracle's           ${fmt(f.oracle_frr_per_1000)} per 1,000 (known level and noise, same alpha and gates)`,
    `  by check               ${
      Object.entries(f.frr_by_check)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || 'none'
    }`,
    `  recall, hard failures  ${fmt(f.recall_hard)}`,
    `  delay (large effects)  p50 ${fmt(f.delay_runs_p50)} runs, p90 ${fmt(f.delay_runs_p90)} runs`,
    `  inconclusive           ${fmt(f.inconclusive_rate)} (healthy ${fmt(f.inconclusive_rate_by_class.healthy)}, bad ${fmt(f.inconclusive_rate_by_class.bad)})`,
    `  upstream rollbacks     ${f.upstream_rollbacks}`,
    '  effect                 recall   within target   gate ceiling   oracle   recall/oracle   delay p50/p90   recall where a rollback was possible',
  ];
  for (const [effect, r] of Object.entries(f.recall)) {
    const w = f.recall_within_target[effect];
    const d = f.delay_runs_by_effect[effect];
    const e = f.bad_by_effect[effect];
    const c = f.recall_ceiling_within_target[effect];
    const delay = `${fmt(d?.p50)}/${fmt(d?.p90)}`;
    // The oracle's power beside the recall it bounds: within the target's runs where there is one.
    const o = f.oracle_power_within_target[effect]?.power ?? f.oracle_power[effect];
    lines.push(
      `  ${effect.padEnd(22)} ${fmt(r).padEnd(8)} ${(w ? `${fmt(w.recall)} in ${w.within_runs}` : '').padEnd(15)} ${(c ? fmt(c.ceiling) : '').padEnd(14)} ${(o === undefined ? '' : fmt(o)).padEnd(8)} ${(effect in f.recall_over_oracle ? fmt(f.recall_over_oracle[effect]) : '').padEnd(15)} ${delay.padEnd(15)} ${fmt(f.recall_eligible[effect])} (${e?.eligible ?? 0} of ${e?.episodes ?? 0})`,
    );
  }
  return lines;
}

export function printQuality(report: QualityReport & { code_version: CodeVersion }, out: NodeJS.WritableStream): void {
  const v = report.code_version;
  const lines = [
    `postflight ${v.package} ${v.git_sha?.slice(0, 12) ?? ''}${v.git_dirty ? ' (modified)' : ''}, seed ${report.seed}`,
    '',
    ...figures(report, 'Simulated deployments'),
  ];
  if (report.nab) {
    lines.push('', ...figures(report.nab, 'NAB episodes'));
    const o = report.nab.oracle;
    lines.push(
      `  hindsight oracle       undecided ${fmt(o.inconclusive_rate)}; recall ${Object.entries(o.recall)
        .map(([k, v]) => `${k} ${fmt(v)}`)
        .join(', ')} (level known in hindsight, alpha, beta and gates as the checks')`,
    );
    for (const [name, s] of Object.entries(report.nab.series)) {
      lines.push(
        `  ${name.padEnd(40)} ${s.split.padEnd(6)} ${s.role.padEnd(8)} healthy ${s.healthy_episodes} (false rollbacks ${s.false_rollbacks}), bad ${s.bad_episodes} (rolled back ${s.rolled_back})`,
      );
    }
  }
  const sla = report.stated_sla;
  lines.push(
    '',
    "Stated SLAs (a job's or task's timeout_seconds, RUN_DURATION_SECONDS health rule)",
    `  breaking it             ${sla.breach_episodes}   rolled back ${sla.rolled_back}, at the first run ${sla.rolled_back_at_first_run}`,
    `  keeping it              ${sla.kept_episodes}   rolled back ${sla.kept_rolled_back} (by duration ${sla.kept_failed_by_duration}), healthy ${sla.kept_healthy}`,
  );
  const b = report.burn;
  lines.push(
    '',
    'Burn-driven releases (runs pass while verified, then fail one in five)',
    `  episodes                ${b.episodes}   caught ${b.caught} (recall ${fmt(b.recall)}): by the error budget ${b.caught_by_budget}, by a check ${b.caught_by_check}`,
    `  delay after the rise    p50 ${b.delay_min_p50 ?? '-'} min, max ${b.delay_min_max ?? '-'} min`,
  );
  lines.push('', 'Targets');
  for (const [name, t] of Object.entries(report.targets))
    lines.push(`  ${t.met ? 'met   ' : 'MISSED'} ${name.padEnd(40)} ${fmt(t.value)} (${t.target})`);
  out.write(`${lines.join('\n')}\n`);
}
