// `bench backfill`: a backfill on the demo's world at installation, its agreement with the live
// verifier and its effect on the first bad deploy of each bundle. One JSON object with --json.

import { parseArgs } from 'node:util';
import { parseIntFlag } from '../../cli/args.js';
import { defaultSpec } from '../../simulator/default-spec.js';
import type { BenchCommand } from '../command.js';
import { type BackfillBenchReport, runBackfillBench } from './backfill-bench.js';

const HELP = `bench backfill [options]

On the demo's simulated world (a fresh installation with weeks of history and no verdict):
the backfill at installation (deployments judged, verdicts, slices and their wall time); the
replayed day's deployments backfilled on the world left unverified, against the verdicts the live
verifier reached for them (agreement rate, each disagreement with its reason); and each bundle's
first bad deploy after installation, rolled back to a HEALTHY version or blocked NEEDS_HUMAN,
with and without a backfill first (two replays of the demo), on the demo's world and on one whose
bundles deploy every few days.

Options:
  --json         print one JSON object
  --days N       days the backfill at installation reaches (default 21)
  --minutes N    minutes replayed after installation (default 1440, the demo's day)
  --dir DIR      where the worlds are built (default a fresh temporary folder)
  --sparse-deploys-per-day N   deployments a day of the second world, whose bundles deploy every
                 few days so their earlier versions lie beyond the first tick's look-back, and whose
                 replayed deploys are all bad (default 6)
`;

export const backfillCommand: BenchCommand = {
  summary: 'backfill at installation: verdicts, slice time, agreement with live verdicts, cold-start rollbacks',
  async run(ctx) {
    const { values } = parseArgs({
      args: [...ctx.argv],
      options: {
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
        days: { type: 'string' },
        minutes: { type: 'string' },
        dir: { type: 'string' },
        'sparse-deploys-per-day': { type: 'string' },
      },
    });
    if (values.help) {
      ctx.stdout.write(HELP);
      return 0;
    }
    const report = await runBackfillBench({
      spec: defaultSpec(),
      // Every replayed deploy of the sparse world is bad (the history stays healthy): each is the first
      // bad deploy of its bundle after installation.
      sparseSpec: defaultSpec({
        deploysPerDay: parseIntFlag('sparse-deploys-per-day', values['sparse-deploys-per-day'], 6, 1, 30),
        badShare: 1,
      }),
      days: parseIntFlag('days', values.days, 21, 1, 27),
      minutes: parseIntFlag('minutes', values.minutes, 1440, 60, 10_080),
      ...(values.dir ? { dir: values.dir } : {}),
      onProgress: (phase, done, total) => ctx.progress.update(phase, done, total),
    });
    ctx.progress.done();
    ctx.stdout.write(values.json ? `${JSON.stringify(report)}\n` : summary(report));
    return 0;
  },
};

function summary(r: BackfillBenchReport): string {
  const line = (name: string, c: BackfillBenchReport['cold_start']) => {
    const f = c.first_bad;
    return (
      `${name}: first bad deploy of each bundle: without backfill ${f.without_backfill.rolled_back_to_healthy}/${f.without_backfill.first_bad_deploys} rolled back to HEALTHY, ${f.without_backfill.needs_human} NEEDS_HUMAN; ` +
      `with backfill ${f.with_backfill.rolled_back_to_healthy}/${f.with_backfill.first_bad_deploys}, ${f.with_backfill.needs_human} NEEDS_HUMAN`
    );
  };
  return [
    `backfill of ${r.days} days at installation: ${r.at_install.judged} deployments judged ${JSON.stringify(r.at_install.verdicts)}, ` +
      `${r.at_install.bundles_with_healthy_version} bundles with a HEALTHY version, ${r.at_install.slices} slices`,
    `agreement with the live verdicts: ${r.agreement.agreed}/${r.agreement.compared} (${((r.agreement.rate ?? 0) * 100).toFixed(1)}%)`,
    ...Object.entries(r.agreement.reasons).map(([why, n]) => `  ${n} x ${why}`),
    `longest slice: ${r.slice_ms_max} ms`,
    line('demo world', r.cold_start),
    line('sparse deploys', r.cold_start_sparse),
    `wall time ${r.wall_s.toFixed(0)} s`,
    '',
  ].join('\n');
}
