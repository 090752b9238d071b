// A backtest's report as a table on a terminal: one line per deployment with the verdict
// postflight would have reached and when, the rollback it would have made, and why, below.

import type { BacktestReport, DeploymentOutcome } from '../backtest/report.js';

const stamp = (iso: string | null) => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : '-');

export function duration(s: number): string {
  if (s < 60) return `${s}s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${h % 24}h`;
}

function rollbackText(d: DeploymentOutcome): string {
  const r = d.rollback;
  if (!r) return '';
  if (r.would === 'block') return `would block (${r.safety ?? 'guard'})`;
  return `would roll back to ${(r.to_version ?? '?').slice(0, 12)} (${r.strategy})`;
}

function table(rows: readonly string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function printBacktest(report: BacktestReport, out: NodeJS.WritableStream): void {
  const n = report.deployments.length;
  out.write(
    `postflight backtest of ${report.from} (workspace ${report.workspace_id}): ${n} deployment${n === 1 ? '' : 's'}, ` +
      `replayed ${stamp(report.replay.from)} to ${stamp(report.replay.to)} UTC in ${report.replay.ticks} ticks ` +
      `(${report.replay.every_minute ? 'every minute' : 'quiet minutes skipped'}); loaded in ${report.load_s.toFixed(1)} s, replayed in ${report.replay_s.toFixed(1)} s\n\n`,
  );
  const rows = [
    ['deployment', 'bundle', 'target', 'version', 'deployed (UTC)', 'verdict', 'reached (UTC)', 'after', 'rollback'],
  ];
  for (const d of report.deployments) {
    rows.push([
      d.deployment_id,
      d.bundle,
      d.target,
      d.version.slice(0, 12),
      stamp(d.deployed_at),
      d.verified ? `${d.verdict ?? 'none'}${d.verdict && !d.final ? ' (open)' : ''}` : `not verified (${d.status})`,
      stamp(d.decided?.at ?? null),
      d.decided ? duration(d.decided.after_s) : '',
      rollbackText(d),
    ]);
  }
  out.write(`${table(rows)}\n`);
  const why = report.deployments.filter((d) => d.verified && d.verdict !== 'HEALTHY' && (d.reason || d.rollback));
  if (why.length) out.write('\n');
  for (const d of why) {
    out.write(`${d.deployment_id}: ${d.verdict ?? 'no verdict'}: ${d.reason ?? ''}\n`);
    if (d.rollback) out.write(`  rollback (dry run): ${d.rollback.detail}\n`);
  }
  const counts = Object.entries(report.verdicts)
    .map(([k, v]) => `${v} ${k}`)
    .join(', ');
  out.write(
    `\n${counts || 'no verdicts'}; would have rolled back ${report.would_roll_back}, would have blocked ${report.would_block} (a backtest acts on nothing)\n`,
  );
  for (const w of report.warnings) out.write(`warning: ${w}\n`);
  for (const e of report.errors.slice(0, 10)) out.write(`measurement error in ${e.ticks} tick(s): ${e.message}\n`);
}
