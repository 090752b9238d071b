// `postflight backtest` end to end on a small export written by hand from the documented Databricks
// schemas (test/fixtures/backtest/export): two daily jobs and a pipeline with three weeks of
// history, and four deployments: three healthy, and one whose first run fails. The verdicts and
// their times are those the rows imply: a run's outcome is seen when the Jobs API shows it (its
// end), not when the system tables do (hours later). Nothing is acted on. A replay that skips
// quiet minutes decides exactly what one that ticks every minute decides.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_LAGS } from '../../src/backtest/export-catalog.js';
import { loadExport } from '../../src/backtest/load-export.js';
import { replay } from '../../src/backtest/replay.js';
import { ReplayWorkspace } from '../../src/backtest/replay-workspace.js';
import { ReplayWorld } from '../../src/backtest/replay-world.js';
import type { BacktestReport } from '../../src/backtest/report.js';
import { parseTimestamp } from '../../src/backtest/row-values.js';
import { DEFAULT_SLO_POLICY } from '../../src/budget/slo-policy.js';
import { runBacktestCommand } from '../../src/cli/backtest-command.js';
import { printBacktest } from '../../src/cli/print-backtest.js';
import { createLogger } from '../../src/log.js';
import { DEFAULT_ROLLBACK_POLICY } from '../../src/rollback/policy.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';

const FIXTURE = join(import.meta.dirname, '../fixtures/backtest/export');
const MIN = 60_000;
const dir = mkdtempSync(join(tmpdir(), 'pf-backtest-'));
const db = join(dir, 'backtest.duckdb');
const log = createLogger('silent');

const rowsOf = (name: string) =>
  readFileSync(join(FIXTURE, `${name}.ndjson`), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const ms = (v: unknown) => parseTimestamp(String(v))!;
const minuteAfter = (t: number) => new Date(Math.ceil(t / MIN) * MIN).toISOString();
const deployments = new Map(rowsOf('ops.deployments').map((d) => [String(d.deployment_id), d]));
const deployedMs = (id: string) => ms(deployments.get(id)!.finished_at);

/** End of the k-th run of a job that started after a deploy (from the exported run timeline). */
function runEnd(jobId: string, afterMs: number, k: number): number {
  const ends = rowsOf('system.lakeflow.job_run_timeline')
    .filter((r) => r.job_id === jobId && ms(r.period_start_time) > afterMs)
    .map((r) => ms(r.period_end_time))
    .sort((a, b) => a - b);
  return ends[k - 1]!;
}

/** End of the k-th pipeline update after a deploy (its update_progress event in the event log). */
function updateEnd(afterMs: number, k: number): number {
  return rowsOf('event_log')
    .filter((e) => e.event_type === 'update_progress' && ms(e.timestamp) > afterMs)
    .map((e) => ms(e.timestamp))
    .sort((a, b) => a - b)[k - 1]!;
}

let report: BacktestReport;
let code: number;

beforeAll(async () => {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    code = await runBacktestCommand(['--from', FIXTURE, '--warehouse', `duckdb:${db}`, '--json'], log);
  } finally {
    spy.mockRestore();
  }
  report = JSON.parse(out) as BacktestReport;
}, 240_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const outcome = (id: string) => report.deployments.find((d) => d.deployment_id === id)!;

describe('the hand-written export, replayed', () => {
  it('loads every file and replays from the first deployment to the export end', () => {
    expect(report.files.map((f) => f.table).sort()).toEqual(
      [
        'delta_history',
        'event_log',
        'ops.deployment_events',
        'ops.deployments',
        'ops.resource_snapshots',
        'system.access.audit',
        'system.access.table_lineage',
        'system.lakeflow.job_run_timeline',
        'system.lakeflow.job_task_run_timeline',
        'system.lakeflow.job_tasks',
        'system.lakeflow.jobs',
        'system.lakeflow.pipeline_update_timeline',
        'system.lakeflow.pipelines',
      ].sort(),
    );
    expect(report.files.find((f) => f.table === 'system.lakeflow.job_run_timeline')!.rows).toBe(38);
    expect(report.workspace_id).toBe('1234567890123456');
    const first = Math.min(...[...deployments.keys()].map(deployedMs));
    expect(report.replay.from).toBe(new Date(Math.floor(first / MIN) * MIN).toISOString());
    // The export's last fact is the pipeline's last update.
    expect(report.replay.to).toBe(minuteAfter(updateEnd(0, 19)));
    expect(report.errors).toEqual([]);
    expect(report.warnings).toEqual([]);
  });

  it('fails the bad deploy at the end of its first run, from the Jobs API, and would roll back to the healthy version', () => {
    const bad = outcome('orders-prod-e7c2b9d4-18');
    const failedRunEnd = runEnd('881234567890123', deployedMs(bad.deployment_id), 1);
    expect(bad.verdict).toBe('FAILED');
    expect(bad.decided!.at).toBe(minuteAfter(failedRunEnd));
    // Not 90 minutes later, when the system table would show the run.
    expect(ms(bad.decided!.at) - failedRunEnd).toBeLessThan(MIN);
    expect(bad.reason).toMatch(
      /^run_health: 1 of 1 post-deploy runs of orders_daily failed; .*in task build_orders \(RUN_EXECUTION_ERROR\)/,
    );
    expect(bad.rollback).toEqual({
      would: 'roll back',
      to_version: 'a41f9c2e7b1d4e6a8c0f2b3d5e7a9c1b3d5f7e92',
      strategy: 'jobs-api',
      safety: 'SAFE',
      at: bad.decided!.at,
      detail: 'would roll back to a41f9c2e7b1d with jobs-api',
    });
    expect(code).toBe(1);
  });

  it('finds the healthy deploys HEALTHY once their third run is in, and no sooner', () => {
    const cases: Array<[string, number]> = [
      ['orders-prod-a41f9c2e-17', runEnd('881234567890123', deployedMs('orders-prod-a41f9c2e-17'), 3)],
      ['customers-prod-c19d7e3f-9', runEnd('881234567890456', deployedMs('customers-prod-c19d7e3f-9'), 3)],
      ['clickstream-prod-8f2a6c4e-31', updateEnd(deployedMs('clickstream-prod-8f2a6c4e-31'), 3)],
    ];
    for (const [id, thirdEnd] of cases) {
      const d = outcome(id);
      expect(d.verdict, id).toBe('HEALTHY');
      expect(d.final, id).toBe(true);
      expect(d.decided!.at, id).toBe(minuteAfter(thirdEnd));
      expect(d.rollback, id).toBeNull();
      // Verifying from the first tick after the deploy until then.
      expect(
        d.changes.map((c) => [c.to, c.at]),
        id,
      ).toEqual([
        ['VERIFYING', minuteAfter(deployedMs(id))],
        ['HEALTHY', minuteAfter(thirdEnd)],
      ]);
    }
    expect(report.verdicts).toEqual({ HEALTHY: 3, FAILED: 1 });
    expect(report).toMatchObject({ would_roll_back: 1, would_block: 0 });
  });

  it('acts on nothing: the rollback is a dry-run decision, no job was reset, the version stays FAILED', async () => {
    const wh = await DuckDbWarehouse.open(db);
    try {
      const world = await ReplayWorld.open(wh);
      expect(world?.info.workspaceId).toBe('1234567890123456');
      expect(await wh.session.all('SELECT * FROM sim_world.api_changes')).toEqual([]);
      const ledger = await wh.session.all('SELECT deployment_id, state FROM postflight.rollbacks');
      expect(ledger).toEqual([{ deployment_id: 'orders-prod-e7c2b9d4-18', state: 'DRY_RUN' }]);
      const [health] = await wh.session.all(
        "SELECT plane FROM postflight.check_results WHERE deployment_id = 'orders-prod-e7c2b9d4-18' AND check_name = 'run_health' AND status = 'FAIL'",
      );
      expect(health?.plane).toBe('fast');
      await expect(new ReplayWorkspace(wh).resetJob('881234567890123')).rejects.toThrow(
        /a backtest never changes a job/,
      );
    } finally {
      await wh.close();
    }
  });

  it('prints a table with each verdict, when it was reached and the rollback it would have made', () => {
    const chunks: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        chunks.push(String(chunk));
        done();
      },
    });
    printBacktest(report, sink);
    const text = chunks.join('');
    expect(text).toMatch(/4 deployments, replayed 2026-03-02 10:00 to 2026-03-06 04:05 UTC/);
    expect(text).toMatch(
      /orders-prod-e7c2b9d4-18 +orders +prod +e7c2b9d4f1a3 +2026-03-05 11:00 +FAILED +2026-03-06 02:02 +15h01m +would roll back to a41f9c2e7b1d \(jobs-api\)/,
    );
    expect(text).toMatch(
      /3 HEALTHY, 1 FAILED; would have rolled back 1, would have blocked 0 \(a backtest acts on nothing\)/,
    );
  });
});

describe('a replay from a later time', () => {
  it('judges at its first tick what a verifier installed then would, and goes on from there', async () => {
    let out = '';
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    });
    try {
      const argv = ['--from', FIXTURE, '--warehouse', `duckdb:${join(dir, 'since.duckdb')}`, '--json'];
      const window = ['--since', '2026-03-06T01:00:00Z', '--until', '2026-03-06T02:30:00Z'];
      expect(await runBacktestCommand([...argv, ...window], log)).toBe(1);
    } finally {
      spy.mockRestore();
    }
    const later = JSON.parse(out) as BacktestReport;
    expect(later.replay.from).toBe('2026-03-06T01:00:00.000Z');
    const at = (id: string) => later.deployments.find((d) => d.deployment_id === id)!;
    // Deployed within the verifier's look-back (96 hours): judged at once, on the runs since.
    expect(at('orders-prod-a41f9c2e-17').changes.map((c) => [c.to, c.at])).toEqual([
      ['HEALTHY', '2026-03-06T01:00:00.000Z'],
    ]);
    // The failure is seen when it was before; the rollback target is the version judged at start.
    expect(at('orders-prod-e7c2b9d4-18').decided).toEqual(outcome('orders-prod-e7c2b9d4-18').decided);
    expect(at('orders-prod-e7c2b9d4-18').rollback?.to_version).toBe('a41f9c2e7b1d4e6a8c0f2b3d5e7a9c1b3d5f7e92');
  });
});

describe('skipping quiet minutes', () => {
  it('decides what a verifier ticking every minute decides, at the same times', async () => {
    // The first day: the first deploy, its first run, the second deploy (a minute-by-minute replay
    // of the whole export, 5,400 ticks, also agrees; it takes about two minutes).
    const untilMs = Date.parse('2026-03-03T10:00:00Z');
    const outcomes: string[] = [];
    const ticks: number[] = [];
    for (const everyMinute of [false, true]) {
      const { wh, world } = await loadExport({ dir: FIXTURE, lags: DEFAULT_LAGS });
      try {
        const r = await replay({
          wh,
          world,
          rollback: DEFAULT_ROLLBACK_POLICY,
          slos: DEFAULT_SLO_POLICY,
          everyMinute,
          untilMs,
        });
        ticks.push(r.ticks);
        const tables = await Promise.all([
          wh.session.all('SELECT * EXCLUDE (tick_id) FROM postflight.check_results ORDER BY ALL'),
          wh.session.all('SELECT * EXCLUDE (tick_id) FROM postflight.verdicts ORDER BY ALL'),
          wh.session.all(
            "SELECT logged_at, subject, payload FROM postflight.audit_log WHERE action = 'verdict.changed' ORDER BY seq",
          ),
        ]);
        expect(tables[0]!.length).toBeGreaterThan(0);
        outcomes.push(JSON.stringify(tables));
      } finally {
        await wh.close();
      }
    }
    expect(ticks[1]).toBe((untilMs - Date.parse('2026-03-02T10:00:00Z')) / MIN + 1);
    expect(ticks[0]).toBeLessThan(ticks[1]! / 5);
    expect(outcomes[0]).toBe(outcomes[1]);
  }, 240_000);
});
