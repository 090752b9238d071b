// The production tick as it would run against a workspace: every statement and REST call a round
// trip (round-trips.ts). Measured on the warm full-scale world in steady state, minute by minute,
// and on a fresh copy of the world from a verifier's very first tick until it has caught up.

import type { Policy } from '../../checks/policy.js';
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
} from './round-trips.js';

export interface RttSample extends RoundTripSummary {
  readonly ms: number;
  readonly statements: number;
  readonly historyReads: number;
  readonly restCalls: number;
  readonly judged: number;
  /** Whether the tick left part of a first catch-up for the next one. */
  readonly catchingUp: boolean;
}

type OnTick = (i: number) => void;

/** Ticks `minutes` minutes at the world's pace, each through the latency; the world moves on without it. */
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
    const out: RttSample[] = [];
    for (let m = 0; m < minutes; m++) {
      if (m > 0 || !opts.tickFirst) await world.advance(world.nowMs + 60_000);
      log.reset();
      const t0 = performance.now();
      const s = await runTick({ wh, ws, policy }, world.nowMs, () => performance.now());
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

/** The chain seen most often among the ticks with the longest critical path, to say where it goes. */
export function longestChain(samples: readonly RttSample[]): readonly string[] {
  const deepest = Math.max(...samples.map((s) => s.criticalPath));
  const counts = new Map<string, number>();
  for (const s of samples) {
    if (s.criticalPath !== deepest) continue;
    const key = s.chain.join(' > ');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const [top] = [...counts].sort((a, b) => b[1] - a[1]);
  return top ? top[0].split(' > ') : [];
}
