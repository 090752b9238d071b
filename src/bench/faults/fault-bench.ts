// The fault benchmark: the same simulated minutes replayed once with healthy ports and once per
// fault rate with both ports failing at random (fault-injection.ts). A tick that fails is a tick
// the job would have seen fail; the next minute's tick starts from the last tick that finished.
// After the replayed minutes a few quiet ticks let the verifier catch up, then the database is
// held against the fault-free one: every verdict, check, budget, rollback and audit row it has
// must be there (lost rows), no rollback it did not make (false rollbacks), none it made missing.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SLO_POLICY } from '../../budget/slo-policy.js';
import { DEFAULT_POLICY } from '../../checks/policy.js';
import { ensureWorldTemplate } from '../../demo/demo.js';
import { DEFAULT_ROLLBACK_POLICY } from '../../rollback/policy.js';
import type { WorldSpec } from '../../simulator/catalog.js';
import { SimWorld } from '../../simulator/world.js';
import { runTick } from '../../tick/run-tick.js';
import { DEFAULT_TICK_BUDGET_MS } from '../../tick/tick-budget.js';
import { DuckDbWarehouse } from '../../warehouse/duckdb/duckdb-warehouse.js';
import type { Warehouse } from '../../warehouse/port.js';
import { EmbeddedWorkspace } from '../../workspace/embedded/embedded-workspace.js';
import type { Workspace } from '../../workspace/port.js';
import { FaultInjectingWarehouse, FaultInjectingWorkspace, type FaultKind, FaultSchedule } from './fault-injection.js';

export interface FaultBenchOptions {
  readonly spec: WorldSpec;
  readonly dir: string;
  readonly minutes: number;
  readonly rates: readonly number[];
  readonly seed: number;
  /** Quiet ticks after the replayed minutes, with healthy ports. */
  readonly settleMinutes: number;
  readonly delayMs: number;
  /** The time budget each tick is given (TickDeps.tickBudgetMs); default the verifier's. */
  readonly tickBudgetMs?: number;
  /** Saves each replay's database in dir (fault-free.duckdb, faults-20.duckdb, ...) to be looked into. */
  readonly keep?: boolean;
  readonly onProgress?: (phase: string, done: number, total: number) => void;
}

export interface RateReport {
  readonly rate: number;
  readonly ticks: number;
  readonly ticks_completed: number;
  readonly false_rollbacks: number;
  readonly missed_rollbacks: number;
  readonly error_measurements: number;
  readonly lost_rows: number;
  readonly lost_by_table: Readonly<Record<string, number>>;
  /** A few of the lost rows of each table, to start looking from. */
  readonly lost_examples: Readonly<Record<string, readonly string[]>>;
  readonly tick_ms_p99: number;
  /** Ticks whose budget ran out and that left work for the next tick. */
  readonly ticks_unfinished: number;
  readonly requests: number;
  readonly faults: Readonly<Partial<Record<FaultKind, number>>>;
  readonly tick_failures: Readonly<Record<string, number>>;
}

export interface FaultBenchReport {
  readonly world: { readonly pipelines: number; readonly days: number; readonly deploys_per_day: number };
  readonly minutes: number;
  readonly settle_minutes: number;
  readonly seed: number;
  readonly tick_budget_ms: number;
  readonly fault_free: { readonly ticks: number; readonly rollbacks: number; readonly tick_ms_p99: number };
  readonly rates: readonly RateReport[];
  readonly wall_s: number;
}

/** The rows a replay must not lose, each as one comparable string, per table. */
const KEPT: Readonly<Record<string, string>> = {
  verdicts: 'SELECT deployment_id FROM postflight.verdicts',
  check_results: 'SELECT DISTINCT deployment_id, check_name, subject FROM postflight.check_results',
  error_budgets: 'SELECT subject, slo, window_end FROM postflight.error_budgets',
  rollbacks: 'SELECT rollback_id FROM postflight.rollbacks',
  // A verdict change is keyed by its run count too, which a tick that failed and came a minute later sees grown.
  audit_log: 'SELECT DISTINCT action, subject FROM postflight.audit_log',
};

interface Replay {
  readonly ticks: number;
  readonly completed: number;
  readonly tickMs: number[];
  readonly failures: Record<string, number>;
  /** Ticks of the replayed minutes that left work for the next tick. */
  readonly unfinished: number;
  readonly kept: Record<string, Set<string>>;
  readonly rolledBack: Set<string>;
  readonly errorMeasurements: number;
}

export async function runFaultBench(opts: FaultBenchOptions): Promise<FaultBenchReport> {
  const t0 = Date.now();
  mkdirSync(opts.dir, { recursive: true });
  const template = await ensureWorldTemplate(opts.dir, opts.spec, opts.onProgress);
  const clean = await replay(opts, template, null);
  const rates: RateReport[] = [];
  for (const rate of opts.rates) {
    const faults = new FaultSchedule({
      seed: opts.seed,
      rate,
      delayMs: opts.delayMs,
      retry: {
        maxAttempts: 5,
        maxTotalMs: 60 * opts.delayMs,
        baseDelayMs: opts.delayMs / 2,
        maxDelayMs: 15 * opts.delayMs,
      },
    });
    const r = await replay(opts, template, faults);
    const lost: Record<string, number> = {};
    const examples: Record<string, string[]> = {};
    for (const [table, rows] of Object.entries(clean.kept)) {
      const gone = [...rows].filter((k) => !r.kept[table]!.has(k));
      if (gone.length) {
        lost[table] = gone.length;
        examples[table] = gone.slice(0, 3);
      }
    }
    rates.push({
      rate,
      ticks: r.ticks,
      ticks_completed: r.completed,
      false_rollbacks: [...r.rolledBack].filter((d) => !clean.rolledBack.has(d)).length,
      missed_rollbacks: [...clean.rolledBack].filter((d) => !r.rolledBack.has(d)).length,
      error_measurements: r.errorMeasurements,
      lost_rows: Object.values(lost).reduce((a, b) => a + b, 0),
      lost_by_table: lost,
      lost_examples: examples,
      tick_ms_p99: p99(r.tickMs),
      ticks_unfinished: r.unfinished,
      requests: faults.counts.requests,
      faults: faults.counts.faults,
      tick_failures: r.failures,
    });
  }
  return {
    world: { pipelines: opts.spec.pipelines, days: opts.spec.days, deploys_per_day: opts.spec.deploysPerDay },
    minutes: opts.minutes,
    settle_minutes: opts.settleMinutes,
    seed: opts.seed,
    tick_budget_ms: opts.tickBudgetMs ?? DEFAULT_TICK_BUDGET_MS,
    fault_free: { ticks: clean.ticks, rollbacks: clean.rolledBack.size, tick_ms_p99: p99(clean.tickMs) },
    rates,
    wall_s: (Date.now() - t0) / 1000,
  };
}

async function replay(opts: FaultBenchOptions, template: string, faults: FaultSchedule | null): Promise<Replay> {
  const label = faults ? `faults at ${Math.round(faults.opts.rate * 100)} %` : 'fault-free';
  const wh = await DuckDbWarehouse.openCopyInMemory(template);
  try {
    const world = (await SimWorld.open(wh))!;
    const ws = new EmbeddedWorkspace(wh);
    const faultyWh: Warehouse = faults ? new FaultInjectingWarehouse(wh, faults) : wh;
    const faultyWs: Workspace = faults ? new FaultInjectingWorkspace(ws, faults) : ws;
    const start = world.nowMs;
    const tickMs: number[] = [];
    const failures: Record<string, number> = {};
    let completed = 0;
    let unfinished = 0;
    const total = opts.minutes + opts.settleMinutes;
    for (let m = 0; m <= total; m++) {
      const at = start + m * 60_000;
      if (m > 0) await world.advance(at);
      const settling = m > opts.minutes;
      const t = Date.now();
      try {
        const tick = await runTick(deps(settling ? wh : faultyWh, settling ? ws : faultyWs, opts.tickBudgetMs), at);
        completed++;
        if (!settling && tick.unfinished?.length) unfinished++;
      } catch (e) {
        const why = (e as Error).name === 'RetriesExhaustedError' ? 'retries exhausted' : firstWords(e);
        failures[why] = (failures[why] ?? 0) + 1;
      }
      if (!settling) tickMs.push(Date.now() - t);
      if (m % 30 === 0) opts.onProgress?.(label, m, total);
    }
    const kept: Record<string, Set<string>> = {};
    for (const [table, sql] of Object.entries(KEPT)) {
      kept[table] = new Set((await wh.session.all(sql)).map((r) => Object.values(r).map(String).join(' ')));
    }
    const rolledBack = new Set(
      (
        await wh.session.all(
          "SELECT deployment_id FROM postflight.rollbacks WHERE state IN ('EXECUTING', 'SUCCEEDED', 'FAILED')",
        )
      ).map((r) => String(r.deployment_id)),
    );
    const [errors] = await wh.session.all("SELECT count(*) AS n FROM postflight.check_results WHERE status = 'ERROR'");
    if (opts.keep)
      await wh.saveTo(
        join(opts.dir, faults ? `faults-${Math.round(faults.opts.rate * 100)}.duckdb` : 'fault-free.duckdb'),
      );
    return {
      ticks: opts.minutes + 1,
      completed: completed - opts.settleMinutes,
      tickMs,
      failures,
      unfinished,
      kept,
      rolledBack,
      errorMeasurements: Number(errors!.n),
    };
  } finally {
    await wh.close();
  }
}

function deps(wh: Warehouse, ws: Workspace, tickBudgetMs = DEFAULT_TICK_BUDGET_MS) {
  return {
    wh,
    ws,
    tickBudgetMs,
    policy: DEFAULT_POLICY,
    slos: DEFAULT_SLO_POLICY,
    rollback: { policy: DEFAULT_ROLLBACK_POLICY },
  };
}

function firstWords(e: unknown): string {
  return String((e as Error).message ?? e)
    .split(/[:\n]/)[0]!
    .slice(0, 80);
}

function p99(xs: readonly number[]): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.99 * s.length) - 1)]!;
}
