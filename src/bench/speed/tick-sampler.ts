// Runs the production tick minute by minute on a simulated world and records what each tick
// cost: wall time of the tick alone (not the simulator), statements, history reads, REST calls.

import type { Policy } from '../../checks/policy.js';
import type { SimWorld } from '../../simulator/world.js';
import { runTick, type TickSummary } from '../../tick/run-tick.js';
import type { DuckDbWarehouse } from '../../warehouse/duckdb/duckdb-warehouse.js';
import type { EmbeddedWorkspace } from '../../workspace/embedded/embedded-workspace.js';

export interface TickSample {
  readonly ms: number;
  /** Set-based statements: everything but DESCRIBE HISTORY, which is per table. */
  readonly statements: number;
  readonly historyReads: number;
  readonly restCalls: number;
  readonly newRuns: number;
  readonly active: number;
  readonly judged: number;
}

export interface Sampling {
  readonly wh: DuckDbWarehouse;
  readonly ws: EmbeddedWorkspace;
  readonly world: SimWorld;
  readonly policy: Policy;
}

function sampleOf(s: TickSummary): TickSample {
  return {
    ms: s.durationMs,
    statements: s.statements - s.historyReads,
    historyReads: s.historyReads,
    restCalls: s.restCalls,
    newRuns: s.newRuns,
    active: s.deployments,
    judged: s.judged,
  };
}

/** Advances the world one minute at a time and ticks after each step. */
export async function sampleTicks(ctx: Sampling, minutes: number, onTick?: (i: number) => void): Promise<TickSample[]> {
  const out: TickSample[] = [];
  for (let m = 1; m <= minutes; m++) {
    await ctx.world.advance(ctx.world.nowMs + 60_000);
    const s = await runTick({ wh: ctx.wh, ws: ctx.ws, policy: ctx.policy }, ctx.world.nowMs, () => performance.now());
    out.push(sampleOf(s));
    onTick?.(m);
  }
  return out;
}

export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}
