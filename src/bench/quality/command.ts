// `bench quality`: the detection quality benchmark on simulated episodes and, with --nab DIR,
// on episodes cut from NAB series. One JSON object with --json, a readable summary otherwise.

import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { DEFAULT_POLICY } from '../../checks/policy.js';
import { parseIntFlag } from '../../cli/args.js';
import { createLogger } from '../../log.js';
import { type BenchCommand, BenchUsageError } from '../command.js';
import { readNab } from './nab-data.js';
import { type QualityOptions, replayInThisThread, runQuality } from './quality.js';
import { printQuality } from './table.js';
import { codeVersion } from './version.js';
import { type QualityWorkerData, replayOnWorkers, serveQualityPart } from './workers.js';

const HELP = `bench quality [options]

Replays simulated deployments (and, with --nab, deployments cut from NAB series) through the
production checks run by run, and reports false rollbacks, recall by effect size and delays.

Options:
  --json           print one JSON object instead of a summary
  --nab DIR        also score episodes cut from a NAB copy (DIR holds data/ and labels/)
  --seed N         seed of the simulated episodes (default 7)
  --healthy N      healthy simulated deployments (default 3000)
  --bad N          bad simulated deployments, spread over every effect (default 1000)
  --upstream N     upstream-incident deployments (default 100)
  --stated-sla N   job deployments whose settings state a timeout or duration health rule, half
                   breaking it and half keeping it near their slowest run (default 200), scored apart
  --burn N         burn-driven releases: pass while verified, then fail one run in five (default 40),
                   scored apart: recall and delay of the error budget's live watch
  --pipelines N    pipelines in the simulated catalog (default 60)
  --workers N      threads replaying episodes (default 2, or 1 on a single core)
  --check          exit 1 when a target is missed
`;

export const qualityCommand: BenchCommand = {
  summary: 'false rollbacks, recall and delay of the production checks on simulated and NAB episodes',
  async run(ctx) {
    const { values } = parseArgs({
      args: [...ctx.argv],
      options: {
        json: { type: 'boolean', default: false },
        nab: { type: 'string' },
        seed: { type: 'string' },
        healthy: { type: 'string' },
        bad: { type: 'string' },
        upstream: { type: 'string' },
        'stated-sla': { type: 'string' },
        burn: { type: 'string' },
        pipelines: { type: 'string' },
        workers: { type: 'string' },
        check: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
    if (values.help) {
      ctx.stdout.write(HELP);
      return 0;
    }
    let opts: QualityOptions;
    let workers: number;
    try {
      workers = parseIntFlag('workers', values.workers, Math.min(2, availableParallelism()), 1, 64);
      opts = {
        seed: parseIntFlag('seed', values.seed, 7, 0, 2 ** 31),
        healthy: parseIntFlag('healthy', values.healthy, 3000, 0, 1_000_000),
        bad: parseIntFlag('bad', values.bad, 1000, 0, 1_000_000),
        upstream: parseIntFlag('upstream', values.upstream, 100, 0, 100_000),
        statedSla: parseIntFlag('stated-sla', values['stated-sla'], 200, 0, 100_000),
        burn: parseIntFlag('burn', values.burn, 40, 0, 10_000),
        pipelines: parseIntFlag('pipelines', values.pipelines, 60, 5, 2000),
        nab: values.nab === undefined ? null : readNab(values.nab),
        nabStrideHours: 5,
        nabMinHistoryDays: 7,
        policy: DEFAULT_POLICY,
      };
    } catch (e) {
      throw new BenchUsageError((e as Error).message);
    }
    const started = Date.now();
    const parts =
      Math.min(workers, opts.healthy + opts.bad + opts.upstream + (opts.statedSla ?? 0) + (opts.nab ? 1 : 0)) || 1;
    const run = parts > 1 ? replayOnWorkers : replayInThisThread;
    const report = {
      code_version: codeVersion(),
      ...(await runQuality(opts, run, parts, (done, total) => ctx.progress.update('episodes', done, total))),
    };
    ctx.progress.done();
    createLogger('info', ctx.stderr).info(
      {
        elapsed_s: (Date.now() - started) / 1000,
        healthy: report.healthy_episodes,
        bad: report.bad_episodes,
        nab: report.nab?.healthy_episodes ?? null,
      },
      'quality benchmark done',
    );
    if (values.json) ctx.stdout.write(`${JSON.stringify(report)}\n`);
    else printQuality(report, ctx.stdout);
    return values.check && Object.values(report.targets).some((t) => !t.met) ? 1 : 0;
  },
  serveWorker(data, post) {
    serveQualityPart(data as QualityWorkerData, post);
  },
};
