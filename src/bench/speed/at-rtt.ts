// The production tick as it would run against a workspace: every statement and REST call a round
// trip (round-trips.ts), the tick wired as the job wires it (error budgets, rollbacks). Measured on
// the warm full-scale world in steady state, minute by minute, and on a fresh copy of the world
// from a verifier's very first tick until it has caught up on the deployments without a verdict.

import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { DEFAULT_SLO_POLICY } from '../../budget/slo-policy.js';
import type { Policy } from '../../checks/policy.js';
import { DEFAULT_ROLLBACK_POLICY } from '../../rollback/policy.js';
import { SimWorld } from '../../simulator/world.js';
import { runTick, type TickSummary } from '../../tick/run-tick.js';
import { DuckDbWarehouse } from '../../warehouse/duckdb/duckdb-warehouse.js';
import { EmbeddedWorkspace } from '../../workspace/embedded/embedded-workspace.js';
import {
  type Latency,
  RoundTripLog,
  type RoundTripSummary,
  RoundTripWarehouse,
  RoundTripWorkspace,
  WORKSPACE_LATENCY,
} from './round-trips.js';
import { quantile } from './tick-sampler.js';

/** Ticks a first catch-up may take before the benchmark stops waiting for it. */
export const CATCH_UP_TICKS_AT_MOST = 60;

export interface RttSample extends RoundTripSummary {
  readonly ms: number;
  readonly statements: number;
  readonly historyReads: number;
  readonly restCalls: number;
  readonly judged: number;
  /** Whether the tick left deployments without a verdict for the next one (a catch-up slice). */
  readonly catchingUp: boolean;
}

type OnTick = (i: number) => void;

/** Ticks up to `minutes` minutes at the world's pace, each through the latency; the world moves on without it. */
export async function ticksAtRtt(
  path: string,
  minutes: number,
  policy: Policy,
  latency: Latency,
  opts: { readonly tickFirst?: boolean; readonly untilCaughtUp?: boolean; readonly onTick?: OnTick } = {},
): Promise<RttSample[]> {
  const raw = await DuckDbWarehouse.open(path);
  try {
    const world = (await SimWorld.open(raw))!;
    const log = new RoundTripLog();
    const wh = new RoundTripWarehouse(raw, log, latency);
    const ws = new RoundTripWorkspace(new EmbeddedWorkspace(raw), log, latency);
    // As the job ticks: error budgets kept, failed deployments rolled back.
    const deps = { wh, ws, policy, slos: DEFAULT_SLO_POLICY, rollback: { policy: DEFAULT_ROLLBACK_POLICY } };
    const out: RttSample[] = [];
    for (let m = 0; m < minutes; m++) {
      if (m > 0 || !opts.tickFirst) await world.advance(world.nowMs + 60_000);
      log.reset();
      const t0 = performance.now();
      const s = await runTick(deps, world.nowMs, () => performance.now());
      out.push(sampleOf(s, performance.now() - t0, log.summary()));
      opts.onTick?.(m + 1);
      if (opts.untilCaughtUp && !out[out.length - 1]!.catchingUp) break;
    }
    return out;
  } finally {
    await raw.close();
  }
}

function sampleOf(s: TickSummary, ms: number, trips: RoundTripSummary): RttSample {
  return {
    ...trips,
    ms,
    statements: s.statements - s.historyReads,
    historyReads: s.historyReads,
    restCalls: s.restCalls,
    judged: s.judged,
    catchingUp: s.deferred > 0,
  };
}

function copyOf(from: string, to: string): string {
  for (const p of [to, `${to}.wal`]) rmSync(p, { force: true });
  copyFileSync(from, to);
  if (existsSync(`${from}.wal`)) copyFileSync(`${from}.wal`, `${to}.wal`);
  return to;
}

/** Steady state: a copy of the warm world ticked `minutes` minutes at workspace latency. */
export function steadyAtRtt(warmPath: string, copyPath: string, minutes: number, policy: Policy, onTick?: OnTick) {
  return ticksAtRtt(copyOf(warmPath, copyPath), minutes, policy, WORKSPACE_LATENCY, onTick ? { onTick } : {});
}

/** A verifier's first ticks on a fresh copy of the world (no tick, no watermark, no cache), until caught up. */
export function firstTicksAtRtt(template: string, copyPath: string, policy: Policy, onTick?: OnTick) {
  return ticksAtRtt(copyOf(template, copyPath), CATCH_UP_TICKS_AT_MOST, policy, WORKSPACE_LATENCY, {
    tickFirst: true,
    untilCaughtUp: true,
    ...(onTick ? { onTick } : {}),
  });
}

/** The figures `bench speed` reports of both, named as in its JSON. */
export function rttFigures(steady: readonly RttSample[], first: readonly RttSample[], firstRssMb: number) {
  const q = (xs: readonly number[], p: number) => Math.round(quantile(xs, p));
  const ms = steady.map((s) => s.ms);
  const depth = steady.map((s) => s.criticalPath);
  const deepest = steady.find((s) => s.criticalPath === Math.max(...depth));
  const mean = (f: (s: RttSample) => number) =>
    Math.round((steady.reduce((a, s) => a + f(s), 0) / steady.length) * 100) / 100;
  return {
    rtt_statement_ms: WORKSPACE_LATENCY.statementMs,
    rtt_rest_ms: WORKSPACE_LATENCY.restMs,
    ticks_at_rtt: steady.length,
    tick_ms_p50_at_rtt: q(ms, 0.5),
    tick_ms_p90_at_rtt: q(ms, 0.9),
    tick_ms_max_at_rtt: Math.round(Math.max(...ms)),
    round_trips_critical_path: q(depth, 0.9),
    round_trips_critical_path_p50: q(depth, 0.5),
    round_trips_critical_path_max: Math.max(...depth),
    round_trips_critical_path_max_chain: deepest?.chain ?? [],
    round_trips_per_tick_at_rtt: mean((s) => s.roundTrips),
    rows_returned_per_tick_at_rtt: mean((s) => s.rowsReturned),
    first_tick_slices: first.length,
    first_tick_caught_up: first.length > 0 && !first[first.length - 1]!.catchingUp,
    first_tick_ms: Math.round(first[0]?.ms ?? Number.NaN),
    first_tick_ms_max: Math.round(Math.max(...first.map((s) => s.ms))),
    first_tick_catch_up_ms: Math.round(first.reduce((a, s) => a + s.ms, 0)),
    first_tick_judged: first.map((s) => s.judged),
    first_tick_history_reads_max: Math.max(...first.map((s) => s.historyReads)),
    first_tick_critical_path_max: Math.max(...first.map((s) => s.criticalPath)),
    first_tick_rss_mb_peak: Math.round(firstRssMb * 100) / 100,
  };
}

export type RttFigures = ReturnType<typeof rttFigures>;
