// The scale benchmark: a full-scale simulated platform (cached as a template), the production
// tick measured minute by minute once its caches are warm, the same on a world with a third of
// the history, statement counts at different numbers of deployments under verification, the
// peers' one-query-per-deployment-per-check gathering for comparison, and a check that the
// caches change cost but not results.

import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_POLICY, type Policy } from '../../checks/policy.js';
import { ensureWorldTemplate } from '../../demo/demo.js';
import type { WorldSpec } from '../../simulator/catalog.js';
import { defaultSpec } from '../../simulator/default-spec.js';
import { SimWorld } from '../../simulator/world.js';
import { runTick } from '../../tick/run-tick.js';
import { DuckDbWarehouse } from '../../warehouse/duckdb/duckdb-warehouse.js';
import { EmbeddedWorkspace } from '../../workspace/embedded/embedded-workspace.js';
import { CATCH_UP_TICKS_AT_MOST, firstTicksAtRtt, type RttSample, rttFigures, steadyAtRtt } from './at-rtt.js';
import { compareWithoutCache } from './cache-equivalence.js';
import { measureJobRuns } from './job-runs.js';
import { measureInChild, serveChildMeasure } from './measure-child.js';
import { compareGathering, type GatherComparison } from './naive.js';
import type { SpeedReport } from './speed-report.js';
import { quantile, sampleTicks, type TickSample } from './tick-sampler.js';

export interface SpeedOptions {
  readonly dir: string;
  readonly pipelines: number;
  readonly days: number;
  readonly shortDays: number;
  readonly deploysPerDay: number;
  readonly warmupMinutes: number;
  readonly measureMinutes: number;
  /** Ticks run the way the job runs them, a process each. */
  readonly jobRuns: number;
  /** Minutes ticked at workspace latency in steady state. */
  readonly rttMinutes: number;
  readonly onProgress?: (phase: string, done: number, total: number) => void;
}

export const FULL_SCALE: Omit<SpeedOptions, 'dir' | 'onProgress'> = {
  pipelines: 250,
  days: 90,
  shortDays: 30,
  deploysPerDay: 600,
  warmupMinutes: 30,
  measureMinutes: 60,
  jobRuns: 60,
  rttMinutes: 30,
};

interface Measured {
  readonly samples: TickSample[];
  readonly firstVerdictS: number[];
  readonly path: string;
  readonly nowMs: number;
}

async function openCopy(template: string, path: string): Promise<DuckDbWarehouse> {
  rmSync(path, { force: true });
  rmSync(`${path}.wal`, { force: true });
  copyFileSync(template, path);
  return DuckDbWarehouse.open(path);
}

/** The child process's side of `measureInChild`: one phase per process. */
export function serveMeasure(raw: string): Promise<void> {
  return serveChildMeasure(raw, async (req, onProgress) => {
    const progress = (phase: string, total: number) => (i: number) => onProgress(phase, i, total);
    switch (req.phase) {
      case 'warm':
        return warm(req.template, req.path, req.warmupMinutes, DEFAULT_POLICY, req.label, onProgress);
      case 'measure':
        return sample(req.path, req.measureMinutes, DEFAULT_POLICY, req.label, onProgress);
      case 'rtt':
        return steadyAtRtt(
          req.template,
          req.path,
          req.measureMinutes,
          DEFAULT_POLICY,
          progress(req.label, req.measureMinutes),
        );
      case 'first-tick':
        return firstTicksAtRtt(req.template, req.path, DEFAULT_POLICY, progress(req.label, CATCH_UP_TICKS_AT_MOST));
      default:
        return advanceOneMinute(req.path);
    }
  });
}

type OnProgress = (phase: string, done: number, total: number) => void;

/** A fresh verifier on a copy of the world: its first tick reads everything once, warm-up ticks fill the caches. */
async function warm(
  template: string,
  path: string,
  minutes: number,
  policy: Policy,
  label: string,
  onProgress: OnProgress,
): Promise<null> {
  const wh = await openCopy(template, path);
  try {
    const world = (await SimWorld.open(wh))!;
    const ws = new EmbeddedWorkspace(wh);
    await runTick({ wh, ws, policy }, world.nowMs);
    await sampleTicks({ wh, ws, world, policy }, minutes, (i) => onProgress(`${label}: warming caches`, i, minutes));
    await wh.session.run('CHECKPOINT');
    return null;
  } finally {
    await wh.close();
  }
}

/** Moves the simulated platform one minute on, with no tick. */
async function advanceOneMinute(path: string): Promise<null> {
  const wh = await DuckDbWarehouse.open(path);
  try {
    const world = (await SimWorld.open(wh))!;
    await world.advance(world.nowMs + 60_000);
    return null;
  } finally {
    await wh.close();
  }
}

/** The verifier in steady state: a process that opens the warm world and ticks minute by minute. */
async function sample(
  path: string,
  minutes: number,
  policy: Policy,
  label: string,
  onProgress: OnProgress,
): Promise<Measured> {
  const wh = await DuckDbWarehouse.open(path);
  try {
    const world = (await SimWorld.open(wh))!;
    const ws = new EmbeddedWorkspace(wh);
    const from = world.nowMs;
    const samples = await sampleTicks({ wh, ws, world, policy }, minutes, (i) =>
      onProgress(`${label}: measuring ticks`, i, minutes),
    );
    const rows = await wh.session.all(
      `SELECT (epoch_ms(v.first_verdict_at) - epoch_ms(d.finished_at)) / 1000.0 AS s
       FROM postflight.deployments d JOIN postflight.verdicts v USING (deployment_id)
       WHERE d.finished_at > make_timestamp($from * 1000) AND v.first_verdict_at IS NOT NULL`,
      { from },
    );
    await wh.session.run('CHECKPOINT');
    return { samples, firstVerdictS: rows.map((r) => Number(r.s)), path, nowMs: world.nowMs };
  } finally {
    await wh.close();
  }
}

/**
 * Set-based statements of a tick that judges exactly `active` deployments: on a warm copy, every
 * verdict is made final except those of the `active` newest deployments, which are marked as never
 * judged, so the next tick discovers and judges all of them.
 */
async function statementsAt(
  warmPath: string,
  scratch: string,
  active: number,
  policy: Policy,
): Promise<{ active: number; judged: number; statements: number }> {
  const wh = await openCopy(warmPath, join(scratch, `active-${active}.duckdb`));
  try {
    const world = (await SimWorld.open(wh))!;
    const lookbackMs = (policy.window.maxHours + 24) * 3_600_000;
    await wh.session.run('UPDATE postflight.verdicts SET is_final = true');
    await wh.session.run(
      `UPDATE postflight.verdicts SET is_final = false, updated_at = NULL WHERE deployment_id IN (
         SELECT deployment_id FROM postflight.deployments
         WHERE status = 'SUCCEEDED' AND finished_at <= make_timestamp($now * 1000) AND finished_at >= make_timestamp(($now - $lookback) * 1000)
         ORDER BY finished_at DESC LIMIT $n)`,
      { now: world.nowMs, lookback: lookbackMs, n: active },
    );
    const [s] = await sampleTicks({ wh, ws: new EmbeddedWorkspace(wh), world, policy }, 1);
    return { active: s!.active, judged: s!.judged, statements: s!.statements };
  } finally {
    await wh.close();
  }
}

export type { SpeedReport } from './speed-report.js';

export async function runSpeed(opts: SpeedOptions): Promise<SpeedReport> {
  const scratch = join(opts.dir, 'speed');
  mkdirSync(scratch, { recursive: true });
  const spec = (days: number): WorldSpec =>
    defaultSpec({ pipelines: opts.pipelines, days, deploysPerDay: opts.deploysPerDay });
  const longTpl = await ensureWorldTemplate(opts.dir, spec(opts.days), (_phase, d, t) =>
    opts.onProgress?.(`building ${opts.days}-day world`, d, t),
  );
  const shortTpl = await ensureWorldTemplate(opts.dir, spec(opts.shortDays), (_phase, d, t) =>
    opts.onProgress?.(`building ${opts.shortDays}-day world`, d, t),
  );
  const policy = DEFAULT_POLICY;

  // Warming and measuring run in processes of their own, so the peak memory reported is that of a
  // verifier in steady state, not of the cold start or of the process that built the worlds.
  const inChild = async (template: string, file: string, label: string) => {
    const req = {
      template,
      path: join(scratch, file),
      label,
      warmupMinutes: opts.warmupMinutes,
      measureMinutes: opts.measureMinutes,
    };
    const cold = await measureInChild<null>({ ...req, phase: 'warm' }, opts.onProgress);
    return {
      ...(await measureInChild<Measured>({ ...req, phase: 'measure' }, opts.onProgress)),
      coldRssMb: cold.rssMbPeak,
    };
  };
  const { result: long, rssMbPeak: rssLong, coldRssMb } = await inChild(longTpl, 'long.duckdb', `${opts.days} days`);
  const { result: short, rssMbPeak: rssShort } = await inChild(shortTpl, 'short.duckdb', `${opts.shortDays} days`);
  const jobRuns = await measureJobRuns(long.path, scratch, opts.jobRuns, opts.onProgress);
  // At workspace latency, each in a process of its own: the steady tick on a copy of the warm
  // world, and a verifier's first ticks on a copy of the world as built, until it has caught up.
  const atRtt = (phase: 'rtt' | 'first-tick', template: string, file: string, label: string, minutes: number) =>
    measureInChild<RttSample[]>(
      { phase, template, path: join(scratch, file), label, warmupMinutes: 0, measureMinutes: minutes },
      opts.onProgress,
    );
  const steady = await atRtt('rtt', long.path, 'rtt.duckdb', 'ticks at workspace latency', opts.rttMinutes);
  const first = await atRtt('first-tick', longTpl, 'first-tick.duckdb', 'first ticks at workspace latency', 0);

  opts.onProgress?.('statements by deployments under verification', 0, 3);
  const points = [];
  for (const [i, n] of [10, 100, 300].entries()) {
    points.push(await statementsAt(long.path, scratch, n, policy));
    opts.onProgress?.('statements by deployments under verification', i + 1, 3);
  }

  opts.onProgress?.('naive gathering for comparison', 0, 1);
  const wh = await DuckDbWarehouse.open(long.path);
  let gather: GatherComparison;
  try {
    gather = await compareGathering(wh, long.nowMs, policy);
  } finally {
    await wh.close();
  }
  opts.onProgress?.('results with and without the cache', 0, 1);
  const cache = await compareWithoutCache(long.path, scratch, long.nowMs + 60_000, policy);

  const s = long.samples;
  const sum = (f: (x: TickSample) => number) => s.reduce((a, x) => a + f(x), 0);
  const q = (f: (x: TickSample) => number, p: number, of: readonly TickSample[] = s) => quantile(of.map(f), p);
  const p50 = q((x) => x.ms, 0.5);
  const p50Short = q((x) => x.ms, 0.5, short.samples);
  return {
    pipelines: opts.pipelines,
    days: opts.days,
    deploys_per_day: opts.deploysPerDay,
    active_deployments_p50: q((x) => x.active, 0.5),
    tick_ms_p50: round(p50),
    tick_ms_p90: round(q((x) => x.ms, 0.9)),
    statements_per_tick: q((x) => x.statements, 0.5),
    statements_per_tick_max: Math.max(...s.map((x) => x.statements)),
    history_reads_per_tick: round(sum((x) => x.historyReads) / s.length),
    history_reads_per_new_run: round(
      sum((x) => x.historyReads) /
        Math.max(
          1,
          sum((x) => x.newRuns),
        ),
    ),
    rest_calls_per_tick: round(sum((x) => x.restCalls) / s.length),
    rss_mb_peak: round(jobRuns.rssMbPeak),
    rss_mb_p50: round(jobRuns.rssMbP50),
    job_runs: jobRuns.runs,
    tick_ms_p50_job_run: round(jobRuns.tickMsP50),
    job_run_ms_p50: round(jobRuns.processMsP50),
    job_run_ms_max: round(jobRuns.processMsMax),
    ...rttFigures(steady.result, first.result, first.rssMbPeak),
    rss_mb_peak_with_simulator: round(Math.max(rssLong, rssShort)),
    rss_mb_peak_cold_start: round(coldRssMb),
    tick_ms_p50_30d: round(p50Short),
    tick_ms_ratio_90d_vs_30d: round(p50 / p50Short),
    statements_at_10_100_300_active: points.map((p) => p.statements),
    active_at_statement_points: points.map((p) => p.active),
    judged_at_statement_points: points.map((p) => p.judged),
    first_verdict_s_p50: round(quantile(long.firstVerdictS, 0.5)),
    first_verdict_s_max: round(Math.max(...long.firstVerdictS)),
    naive_vs_setbased_ratio: round(gather.naiveMs / gather.setBasedMs),
    naive_statements: gather.naiveStatements,
    setbased_statements: gather.setBasedStatements,
    cache,
    cores: availableParallelism(),
  };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
