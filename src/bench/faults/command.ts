// `bench faults`: a simulated replay with both ports failing at random, at several rates, held
// against the same replay without faults. One JSON object with --json.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, parseIntFlag } from '../../cli/args.js';
import { tickBudgetMsOf } from '../../cli/tick-deps.js';
import { defaultSpec } from '../../simulator/default-spec.js';
import { type BenchCommand, BenchUsageError } from '../command.js';
import { type FaultBenchReport, runFaultBench } from './fault-bench.js';

const HELP = `bench faults [options]

Replays a simulated world minute by minute, a tick a minute, once with healthy ports and once per
fault rate with the warehouse and the workspace failing at random: statement errors, timeouts,
HTTP 429 and 503 with Retry-After, slow answers, connections dropped before or after the request
took effect. Throttling, 5xx and dropped connections are retried below the port as the Databricks
adapters do. After the replayed minutes, quiet ticks let the verifier catch up; then every
verdict, check, budget, rollback and audit row of the fault-free replay must exist.

Per rate: ticks, ticks_completed, false_rollbacks (must be 0), missed_rollbacks,
error_measurements (check results with status ERROR), lost_rows (must be 0), tick_ms_p99.
Exit 1 with --check when a false rollback or a lost row is found.

Options:
  --json           print one JSON object
  --check          exit 1 when false_rollbacks or lost_rows is not 0
  --world NAME     small (default: 6 pipelines, 14 days, a failed deploy and its rollback within
                   the first hour) or demo (the demo's world: 24 pipelines, 28 days)
  --minutes N      minutes replayed (default 90 on the small world, 1440 on the demo's)
  --rates LIST     fault rates in percent, comma-separated (default 5,20,50)
  --settle N       quiet ticks after the replay (default 5)
  --seed N         seed of the faults (default 1)
  --delay-ms N     real wait of a slow answer, a timeout or a Retry-After (default 20)
  --tick-budget-s N  the time budget of each tick, as the verifier's --tick-budget-s (default 50);
                   ticks_unfinished counts the ticks that ran out of it and left work for the next
  --dir DIR        where the world is built (default a fresh temporary folder)
  --keep           save each replay's database in DIR (fault-free.duckdb, faults-20.duckdb, ...)
`;

export const faultsCommand: BenchCommand = {
  summary: 'ticks while both ports fail at random (5/20/50 %): lost rows, false and missed rollbacks',
  async run(ctx) {
    const { values } = parseArgs({
      args: [...ctx.argv],
      options: {
        json: { type: 'boolean', default: false },
        check: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
        world: { type: 'string', default: 'small' },
        minutes: { type: 'string' },
        rates: { type: 'string', default: '5,20,50' },
        settle: { type: 'string' },
        seed: { type: 'string' },
        'delay-ms': { type: 'string' },
        'tick-budget-s': { type: 'string' },
        dir: { type: 'string' },
        keep: { type: 'boolean', default: false },
      },
    });
    if (values.help) {
      ctx.stdout.write(HELP);
      return 0;
    }
    const small = values.world === 'small';
    if (!small && values.world !== 'demo')
      throw new BenchUsageError(`--world '${values.world}' is not known; choose small or demo`);
    const rates = values.rates.split(',').map((r) => {
      if (!/^\d+$/.test(r.trim()) || Number(r) > 100)
        throw new BenchUsageError(`--rates '${values.rates}' must be whole percentages from 0 to 100, e.g. 5,20,50`);
      return Number(r) / 100;
    });
    let options: Parameters<typeof runFaultBench>[0];
    try {
      options = {
        spec: small
          ? defaultSpec({ seed: 176, pipelines: 6, days: 14, deploysPerDay: 48, badShare: 0.8 })
          : defaultSpec(),
        dir: values.dir ?? mkdtempSync(join(tmpdir(), 'postflight-faults-')),
        minutes: parseIntFlag('minutes', values.minutes, small ? 90 : 1440, 1, 10_080),
        rates,
        seed: parseIntFlag('seed', values.seed, 1, 0, 2 ** 31),
        settleMinutes: parseIntFlag('settle', values.settle, 5, 0, 120),
        keep: values.keep,
        delayMs: parseIntFlag('delay-ms', values['delay-ms'], 20, 0, 60_000),
        tickBudgetMs: tickBudgetMsOf(values['tick-budget-s']),
        onProgress: (phase, done, total) => ctx.progress.update(phase, done, total),
      };
    } catch (e) {
      if (e instanceof ConfigError) throw new BenchUsageError(e.message);
      throw e;
    }
    const report = await runFaultBench(options);
    ctx.progress.done();
    ctx.stdout.write(values.json ? `${JSON.stringify(report)}\n` : summary(report));
    const bad = report.rates.some((r) => r.false_rollbacks > 0 || r.lost_rows > 0);
    return values.check && bad ? 1 : 0;
  },
};

function summary(r: FaultBenchReport): string {
  return [
    `tick budget ${r.tick_budget_ms} ms`,
    `fault-free: ${r.fault_free.ticks} ticks, ${r.fault_free.rollbacks} rollbacks, tick p99 ${r.fault_free.tick_ms_p99} ms`,
    ...r.rates.map(
      (x) =>
        `faults at ${Math.round(x.rate * 100)} %: ${x.ticks_completed}/${x.ticks} ticks completed, ` +
        `${x.false_rollbacks} false and ${x.missed_rollbacks} missed rollbacks, ${x.error_measurements} ERROR measurements, ` +
        `${x.lost_rows} rows lost, tick p99 ${x.tick_ms_p99} ms, ${x.ticks_unfinished} ticks out of budget`,
    ),
    `wall time ${r.wall_s.toFixed(0)} s`,
    '',
  ].join('\n');
}
