// The replay: the production tick run at the replay world's clock, from the first deployment to the
// export's end, at the minutes src/backtest/schedule.ts picks. Rollbacks are decided in dry run
// (a backtest reports what it would have rolled back and acts on nothing).

import type { SloPolicy } from '../budget/slo-policy.js';
import { DEFAULT_POLICY } from '../checks/policy.js';
import type { PolicySet } from '../config/policy-file.js';
import type { Logger } from '../log.js';
import type { RollbackPolicy } from '../rollback/policy.js';
import { runTick } from '../tick/run-tick.js';
import type { TickSummary } from '../tick/types.js';
import type { DuckDbWarehouse } from '../warehouse/duckdb/duckdb-warehouse.js';
import { loadSql } from '../warehouse/sql-files.js';
import { ReplayWorkspace } from './replay-workspace.js';
import type { ReplayWorld } from './replay-world.js';
import { nextTickMs } from './schedule.js';

const MINUTE = 60_000;

export interface ReplayOptions {
  readonly wh: DuckDbWarehouse;
  readonly world: ReplayWorld;
  readonly policies?: PolicySet | undefined;
  readonly rollback: RollbackPolicy;
  readonly slos: SloPolicy;
  readonly everyMinute: boolean;
  /**
   * Start here rather than at the first deployment: a verifier installed then, whose first tick
   * judges the deployments of its look-back window.
   */
  readonly sinceMs?: number | undefined;
  /** Stop here rather than at the export's end. */
  readonly untilMs?: number | undefined;
  readonly log?: Logger | undefined;
  readonly onTick?: (s: TickSummary, doneMs: number, totalMs: number) => void;
}

export interface ReplayResult {
  readonly ticks: number;
  readonly fromMs: number;
  readonly toMs: number;
  /** Measurement errors the ticks met, each message once with how often. */
  readonly errors: ReadonlyArray<{ readonly message: string; readonly ticks: number }>;
}

/** Dry run everywhere: the policy's own setting and every bundle's override. */
export function neverAct(p: RollbackPolicy): RollbackPolicy {
  const bundles = Object.fromEntries(Object.entries(p.bundles).map(([b, o]) => [b, { ...o, dryRun: true }]));
  return { ...p, dryRun: true, bundles };
}

export async function replay(o: ReplayOptions): Promise<ReplayResult> {
  const { wh, world } = o;
  const deps = {
    wh,
    ws: new ReplayWorkspace(wh),
    policy: DEFAULT_POLICY,
    ...(o.policies ? { policies: o.policies } : {}),
    rollback: { policy: neverAct(o.rollback), ...(o.log ? { log: o.log } : {}) },
    slos: o.slos,
  };
  if (o.sinceMs !== undefined && o.sinceMs > world.nowMs) await world.advance(Math.ceil(o.sinceMs / MINUTE) * MINUTE);
  const fromMs = world.nowMs;
  const endMs = Math.min(o.untilMs ?? Infinity, world.info.endMs);
  const errors = new Map<string, number>();
  let ticks = 0;
  let at = fromMs;
  for (;;) {
    const summary = await runTick(deps, at);
    ticks++;
    for (const m of new Set(summary.errors.map((e) => `${e.subject}: ${e.message}`)))
      errors.set(m, (errors.get(m) ?? 0) + 1);
    o.onTick?.(summary, at - fromMs, endMs - fromMs);
    const [r] = await wh.session.all(loadSql('embedded/replay_next_recheck'), { now_ms: at });
    const next = nextTickMs(at, {
      events: world.info.eventMinutes,
      recheckMs: r?.recheck_ms === null || r?.recheck_ms === undefined ? null : Number(r.recheck_ms),
      busy: summary.changed.length > 0 || (summary.rollbacks?.decided.length ?? 0) > 0,
      endMs,
      everyMinute: o.everyMinute,
    });
    if (next === null) break;
    await world.advance(next);
    at = next;
  }
  return { ticks, fromMs, toMs: at, errors: [...errors].map(([message, n]) => ({ message, ticks: n })) };
}
