// The demo: build (or reuse) a simulated platform, replay a day minute by minute with a tick
// per minute, and score the verdicts against the simulator's labels. The replay always starts
// from a pristine copy of the world, so running it twice gives the same result.

import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  type CostBudgetPolicy,
  DEFAULT_COST_BUDGET_POLICY,
  resolveCostBudgetPolicy,
} from '../budget/cost-budget-policy.js';
import { DEFAULT_SLO_POLICY, resolveSloPolicy } from '../budget/slo-policy.js';
import { DEFAULT_POLICY, type Policy } from '../checks/policy.js';
import type { PolicySet } from '../config/policy-file.js';
import { type RollbackPolicy, resolveRollbackPolicy } from '../rollback/policy.js';
import type { WorldSpec } from '../simulator/catalog.js';
import { hashKey } from '../simulator/random.js';
import { SimWorld, WORLD_FORMAT } from '../simulator/world.js';
import { runTick, type TickSummary } from '../tick/run-tick.js';
import { DEFAULT_UNTRACKED_POLICY } from '../untracked/sweep.js';
import { DuckDbWarehouse } from '../warehouse/duckdb/duckdb-warehouse.js';
import { loadSql } from '../warehouse/sql-files.js';
import { EmbeddedWorkspace } from '../workspace/embedded/embedded-workspace.js';
import { type DemoReport, type DemoRow, scoreReplay } from './report.js';
import { restoreDemo } from './restore-demo.js';
import { scoreUntracked, type UntrackedDemoRow } from './untracked-score.js';

export interface DemoOptions {
  readonly dir: string;
  readonly spec: WorldSpec;
  readonly policy?: Policy;
  readonly policies?: PolicySet;
  readonly rollback?: RollbackPolicy;
  readonly replayMinutes?: number;
  readonly onProgress?: (phase: string, done: number, total: number) => void;
  readonly onTick?: (s: TickSummary) => void;
  /** Run on the world before the first tick (a backfill of the history, say); the demo itself runs none. */
  readonly beforeFirstTick?: (wh: DuckDbWarehouse, nowMs: number) => Promise<void>;
}

/** Where the world of this spec is kept once built. */
export function worldTemplatePath(dir: string, spec: WorldSpec): string {
  // The template holds the ops tables too, so a schema or simulator change must not reuse an old one.
  const key = [
    JSON.stringify(spec),
    WORLD_FORMAT,
    loadSql('ddl/ops'),
    loadSql('ddl/system'),
    loadSql('ddl/event_log'),
    loadSql('ddl/elementary'),
  ].join('\n');
  return join(dir, `world-${hashKey(key).toString(16)}.duckdb`);
}

/** The demo's cost budgets when its policy file sets none: a month per target, prod the largest. */
const DEMO_COST_BUDGETS: CostBudgetPolicy = { ...DEFAULT_COST_BUDGET_POLICY, default: { prod: 3000, '*': 1000 } };

/** Builds the world's history once per spec and keeps it as a template file. */
export async function ensureWorldTemplate(
  dir: string,
  spec: WorldSpec,
  onProgress?: DemoOptions['onProgress'],
): Promise<string> {
  const template = worldTemplatePath(dir, spec);
  if (existsSync(template)) return template;
  mkdirSync(dir, { recursive: true });
  const tmp = `${template}.building`;
  rmSync(tmp, { force: true });
  const wh = await DuckDbWarehouse.open(tmp);
  await SimWorld.create(wh, spec, (d, t) => onProgress?.('building history', d, t));
  await wh.session.run('CHECKPOINT');
  await wh.close();
  copyFileSync(tmp, template);
  rmSync(tmp, { force: true });
  return template;
}

export async function runDemo(opts: DemoOptions): Promise<DemoReport> {
  const t0 = Date.now();
  const template = await ensureWorldTemplate(opts.dir, opts.spec, opts.onProgress);
  const path = join(opts.dir, 'workspace.duckdb');
  // The replay runs on a copy in memory (no file write per statement) and is saved once at the
  // end, where `postflight tick` and `audit verify` find it.
  const wh = await DuckDbWarehouse.openCopyInMemory(template);
  // The simulator writes on a connection of its own, so it can write the next minute while the
  // verifier judges this one (see replay).
  const simWh = await wh.connect();
  let saved = false;
  try {
    const world = (await SimWorld.open(simWh))!;
    const ws = new EmbeddedWorkspace(wh);
    const policy = opts.policy ?? DEFAULT_POLICY;
    const rollback = { policy: opts.rollback ?? resolveRollbackPolicy(opts.policies?.rollback) };
    const slos = opts.policies ? resolveSloPolicy(opts.policies.slos) : DEFAULT_SLO_POLICY;
    // The simulated platform runs no verifier job or warehouse of its own: only the bundles are priced.
    const cost = {
      policy: resolveCostBudgetPolicy(opts.policies?.costBudgets) ?? DEMO_COST_BUDGETS,
      own: { verifierJobId: null, warehouseId: null },
    };
    const start = world.nowMs;
    const minutes = opts.replayMinutes ?? 1440;
    const tick = (atMs: number, onDecided?: () => void) =>
      runTick(
        {
          wh,
          ws,
          policy,
          policies: opts.policies,
          rollback,
          slos,
          onDecided,
          untracked: DEFAULT_UNTRACKED_POLICY,
          cost,
        },
        atMs,
      );
    await opts.beforeFirstTick?.(wh, start);
    // A first tick at the start judges the recent past, so earlier versions have verdicts.
    opts.onTick?.(await tick(start));
    await replay(world, ws, start, minutes, tick, (s, m) => {
      opts.onTick?.(s);
      if (m % 60 === 0) opts.onProgress?.('replaying', m, minutes);
    });
    const rows = (await wh.session.all(loadSql('demo/report'), {
      from_ms: start,
      to_ms: start + minutes * 60_000,
    })) as unknown as DemoRow[];
    const events = await wh.session.all(loadSql('demo/events_by_stage'), {
      from_ms: start,
      to_ms: start + minutes * 60_000,
    });
    const untracked = (await wh.session.all(loadSql('demo/untracked'), {
      from_ms: start,
      to_ms: start + minutes * 60_000,
    })) as unknown as UntrackedDemoRow[];
    // After the score is read: restoring a table changes no verdict, only the world's Delta logs.
    const restore = await restoreDemo(wh, start, start + minutes * 60_000, world.nowMs);
    await wh.saveTo(path);
    saved = true;
    const byStage = Object.fromEntries(events.map((e) => [String(e.stage), Number(e.n)]));
    return { ...scoreReplay(rows, minutes + 1, (Date.now() - t0) / 1000, byStage, scoreUntracked(untracked)), restore };
  } finally {
    // A replay that failed half way is still saved, to be looked into.
    if (!saved) await wh.saveTo(path).catch(() => undefined);
    await simWh.close();
    await wh.close();
  }
}

/**
 * Minute by minute: the world moves on a minute, then the verifier ticks. While a tick runs, the
 * world writes the next minute in a transaction of its own and keeps it only if the tick changed
 * no job or pipeline (a rollback changes what the next minute's runs do); otherwise the minute is
 * written again after the tick. Either way the result is that of taking the steps one by one. The
 * minute is kept or dropped as soon as the tick has decided, while it writes its heartbeat row.
 */
async function replay(
  world: SimWorld,
  ws: EmbeddedWorkspace,
  start: number,
  minutes: number,
  tick: (atMs: number, onDecided: () => void) => Promise<TickSummary>,
  done: (s: TickSummary, minute: number) => void,
): Promise<void> {
  let written = false;
  for (let m = 1; m <= minutes; m++) {
    const at = start + m * 60_000;
    if (!written) await world.advance(at);
    const edits = ws.edits;
    // A step that cannot be written ahead is written after the tick, where a real fault shows.
    const ahead = m < minutes ? world.stepAhead(at + 60_000).catch(() => null) : Promise.resolve(null);
    let settled: Promise<boolean> | null = null;
    const settle = () =>
      (settled ??= ahead.then(async (next) => {
        if (next === null) return false;
        if (ws.edits === edits) return next.commit();
        await next.abort();
        return false;
      }));
    let summary: TickSummary;
    try {
      summary = await tick(at, settle);
    } catch (e) {
      // A tick that failed before deciding leaves the minute unkept.
      if (settled === null) await (await ahead)?.abort();
      else await settled;
      throw e;
    }
    written = await settle();
    done(summary, m);
  }
}
