// `bench speed`: the production tick at mission scale on a cached full-scale simulated world.
// One JSON object with --json, a readable summary otherwise.

import { parseArgs } from 'node:util';
import { parseIntFlag } from '../../cli/args.js';
import type { BenchCommand } from '../command.js';
import { CHILD_FLAG } from './measure-child.js';
import { FULL_SCALE, runSpeed, type SpeedReport, serveMeasure } from './speed.js';

const HELP = `bench speed [options]

Builds (once, then cached under .postflight/) a simulated platform at mission scale, warms the
verifier's caches, then measures the production tick minute by minute.

Options:
  --json                print one JSON object instead of a summary
  --pipelines N         pipelines (default 250)
  --days N              days of history (default 90; a world of --short-days is measured too)
  --short-days N        days of history of the comparison world (default 30)
  --deploys-per-day N   deployments a day (default 600)
  --warmup N            minutes ticked before measuring (default 30)
  --minutes N           minutes measured (default 60)
  --job-runs N          ticks run as the job runs them, a process each, for peak memory (default 60: an hour, so every periodic duty runs)
  --rtt-minutes N       minutes ticked at workspace latency (150 ms a statement, 100 ms a REST call; default 30)
`;

export const speedCommand: BenchCommand = {
  summary: 'tick time, statements, history reads and REST calls at mission scale',
  async run(ctx) {
    if (ctx.argv[0] === CHILD_FLAG) {
      await serveMeasure(ctx.argv[1] ?? '{}');
      return 0;
    }
    const { values } = parseArgs({
      args: [...ctx.argv],
      options: {
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
        pipelines: { type: 'string' },
        days: { type: 'string' },
        'short-days': { type: 'string' },
        'deploys-per-day': { type: 'string' },
        warmup: { type: 'string' },
        minutes: { type: 'string' },
        'job-runs': { type: 'string' },
        'rtt-minutes': { type: 'string' },
      },
    });
    if (values.help) {
      ctx.stdout.write(HELP);
      return 0;
    }
    const report = await runSpeed({
      dir: '.postflight',
      pipelines: parseIntFlag('pipelines', values.pipelines, FULL_SCALE.pipelines, 1, 5000),
      days: parseIntFlag('days', values.days, FULL_SCALE.days, 2, 400),
      shortDays: parseIntFlag('short-days', values['short-days'], FULL_SCALE.shortDays, 1, 400),
      deploysPerDay: parseIntFlag('deploys-per-day', values['deploys-per-day'], FULL_SCALE.deploysPerDay, 1, 10_000),
      warmupMinutes: parseIntFlag('warmup', values.warmup, FULL_SCALE.warmupMinutes, 1, 1440),
      measureMinutes: parseIntFlag('minutes', values.minutes, FULL_SCALE.measureMinutes, 2, 1440),
      jobRuns: parseIntFlag('job-runs', values['job-runs'], FULL_SCALE.jobRuns, 1, 1440),
      rttMinutes: parseIntFlag('rtt-minutes', values['rtt-minutes'], FULL_SCALE.rttMinutes, 1, 1440),
      onProgress: (phase, done, total) => ctx.progress.update(phase, done, total),
    });
    ctx.progress.done();
    ctx.stdout.write(values.json ? `${JSON.stringify(report)}\n` : summary(report));
    return 0;
  },
};

function summary(r: SpeedReport): string {
  return [
    `scale: ${r.pipelines} pipelines, ${r.days} days of history, ${r.deploys_per_day} deployments a day (${r.active_deployments_p50} under verification, median)`,
    `tick: p50 ${r.tick_ms_p50} ms, p90 ${r.tick_ms_p90} ms; ${r.days}d vs ${r.days === 0 ? '?' : ''}short world ratio ${r.tick_ms_ratio_90d_vs_30d}`,
    `statements per tick: ${r.statements_per_tick} (max ${r.statements_per_tick_max}); at ${r.active_at_statement_points.join(' / ')} active: ${r.statements_at_10_100_300_active.join(' / ')}`,
    `history reads: ${r.history_reads_per_tick} per tick, ${r.history_reads_per_new_run} per new run; REST calls per tick: ${r.rest_calls_per_tick}`,
    `at workspace latency (${r.rtt_statement_ms} ms a statement, ${r.rtt_rest_ms} ms a REST call): tick p50 ${r.tick_ms_p50_at_rtt} ms, p90 ${r.tick_ms_p90_at_rtt} ms; round trips one after another p90 ${r.round_trips_critical_path} (p50 ${r.round_trips_critical_path_p50}, max ${r.round_trips_critical_path_max})`,
    `first ticks at workspace latency: ${r.first_tick_slices} slices${r.first_tick_caught_up ? '' : ' (not caught up)'}, longest ${r.first_tick_ms_max} ms, ${r.first_tick_catch_up_ms} ms in all, RSS peak ${r.first_tick_rss_mb_peak} MB`,
    `first verdict: p50 ${r.first_verdict_s_p50} s, max ${r.first_verdict_s_max} s; RSS peak of a tick process ${r.rss_mb_peak} MB over ${r.job_runs} job runs (tick ${r.tick_ms_p50_job_run} ms, run ${r.job_run_ms_p50} ms; ticking and simulating in one process ${r.rss_mb_peak_with_simulator} MB; cold start ${r.rss_mb_peak_cold_start} MB); ${r.cores} cores`,
    `peers' per-deployment gathering: ${r.naive_statements} statements vs ${r.setbased_statements}, ${r.naive_vs_setbased_ratio}x the time`,
    `results with and without the cache: ${r.cache.identical ? 'identical' : `${r.cache.differing} of ${r.cache.compared} differ`}`,
    '',
  ].join('\n');
}
