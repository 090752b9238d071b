// A tick out of time: a first tick on a world with many deployments due, given a budget of a
// millisecond and slices of one bundle, judges one slice, records the deployments it left in its
// row, and the ticks after it judge those first until none is left. The ops rows they end with are
// the ones an unbudgeted verifier writes in its first tick: verdicts, check results, error budgets,
// rollbacks, the audited verdict changes and the untracked changes swept.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SLO_POLICY } from '../../src/budget/slo-policy.js';
import { DEFAULT_POLICY } from '../../src/checks/policy.js';
import { ensureWorldTemplate } from '../../src/demo/demo.js';
import { DEFAULT_ROLLBACK_POLICY } from '../../src/rollback/policy.js';
import { defaultSpec } from '../../src/simulator/default-spec.js';
import { SimWorld } from '../../src/simulator/world.js';
import { runTick, type TickSummary } from '../../src/tick/run-tick.js';
import { DEFAULT_UNTRACKED_POLICY } from '../../src/untracked/sweep.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { EmbeddedWorkspace } from '../../src/workspace/embedded/embedded-workspace.js';

const spec = defaultSpec({ pipelines: 8, days: 10, deploysPerDay: 40, badShare: 0.5, seed: 7 });
/** The fault benchmark's small world: a failed deploy and its rollback within the first hour. */
const rollbackSpec = defaultSpec({ seed: 176, pipelines: 6, days: 14, deploysPerDay: 48, badShare: 0.8 });
const TICKS = 14;
const LATER_MS = 60 * 60_000;

/**
 * The ops rows compared, without what names the tick or its clock (a final verdict's `until` is the
 * time it closed): the ticks of both runs are a millisecond apart, so a deployment judged by a later
 * tick differs only in those columns.
 */
const COMPARED: Readonly<Record<string, string>> = {
  verdicts:
    'SELECT deployment_id, state, reason, is_final, post_runs, recheck_at, page_reason FROM postflight.verdicts',
  // A table's freshness is its age at the tick's clock: its observed age and ratio are left out.
  check_results: `SELECT deployment_id, check_name, subject, look, status, critical,
      CASE WHEN check_name = 'freshness' THEN NULL ELSE observed END, baseline_n, baseline_center, baseline_spread,
      threshold, CASE WHEN check_name = 'freshness' THEN NULL ELSE statistic END, p_value, effect, post_n, plane,
      explanation, suppressed_by
    FROM postflight.check_results`,
  // The freshness minutes counted run to the tick's clock: what is left of a budget is compared to
  // 1e-6, and a freshness budget's burn rates (fractions of those minutes) are left out.
  error_budgets: `SELECT subject, slo, window_end, target, good, total, round(budget_remaining, 6),
      CASE WHEN slo = 'freshness' THEN NULL ELSE burn_rates END, alert, deployment_id, bundle, bundle_target, rule,
      exhausted, CASE WHEN slo = 'freshness' THEN NULL ELSE burn_by_deployment END, explanation
    FROM postflight.error_budgets`,
  rollbacks:
    'SELECT rollback_id, deployment_id, from_version, to_version, reason, safety, strategy, state FROM postflight.rollbacks',
  audit_log: 'SELECT action, subject, event_key FROM postflight.audit_log',
  untracked_changes:
    'SELECT change_id, source, resource_id, changed_by, action, detail FROM postflight.untracked_changes',
};

interface Run {
  readonly ticks: TickSummary[];
  /** The unfinished column of each tick's row, in tick order. */
  readonly recorded: Array<string | null>;
  readonly rows: Record<string, string[]>;
}

async function verify(template: string, budget: { tickBudgetMs?: number; deploymentsPerSlice?: number }): Promise<Run> {
  const wh = await DuckDbWarehouse.openCopyInMemory(template);
  try {
    const world = (await SimWorld.open(wh))!;
    const ws = new EmbeddedWorkspace(wh);
    const deps = {
      wh,
      ws,
      policy: DEFAULT_POLICY,
      slos: DEFAULT_SLO_POLICY,
      rollback: { policy: DEFAULT_ROLLBACK_POLICY },
      untracked: DEFAULT_UNTRACKED_POLICY,
      firstReadsPerTick: Number.POSITIVE_INFINITY,
      ...budget,
    };
    const ticks: TickSummary[] = [];
    // The world stands still between ticks: they see the same evidence, so only the budget tells
    // them apart. First every deployment without a verdict is due; then, an hour later, those whose
    // runs finished in that hour, which a tick after the one that saw those runs finds due only
    // because that tick left them.
    for (let i = 0; i < TICKS; i++) ticks.push(await runTick(deps, world.nowMs + i));
    await world.advance(world.nowMs + LATER_MS);
    for (let i = 0; i < TICKS; i++) ticks.push(await runTick(deps, world.nowMs + i));
    const recorded = (await wh.session.all('SELECT unfinished FROM postflight.ticks ORDER BY started_at')).map((r) =>
      r.unfinished === null ? null : String(r.unfinished),
    );
    const rows: Record<string, string[]> = {};
    for (const [table, sql] of Object.entries(COMPARED)) {
      rows[table] = (await wh.session.all(sql)).map((r) => JSON.stringify(Object.values(r).map(String))).sort();
    }
    return { ticks, recorded, rows };
  } finally {
    await wh.close();
  }
}

let whole: Run;
let budgeted: Run;
let wholeWithRollback: Run;
let budgetedWithRollback: Run;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'postflight-budget-'));
  const template = await ensureWorldTemplate(dir, spec);
  whole = await verify(template, {});
  budgeted = await verify(template, { tickBudgetMs: 1, deploymentsPerSlice: 1 });
  const withRollback = await ensureWorldTemplate(dir, rollbackSpec);
  wholeWithRollback = await verify(withRollback, {});
  budgetedWithRollback = await verify(withRollback, { tickBudgetMs: 1, deploymentsPerSlice: 1 });
}, 300_000);

function expectSameRows(a: Run, b: Run): void {
  for (const table of Object.keys(COMPARED)) {
    expect(b.rows[table]!.length, table).toBe(a.rows[table]!.length);
    const missing = a.rows[table]!.filter((r) => !b.rows[table]!.includes(r));
    expect(missing.slice(0, 3), table).toEqual([]);
  }
}

describe('a tick that runs out of its time budget', () => {
  it('judges everything in one tick when the budget suffices, and records nothing left', () => {
    expect(whole.ticks[0]!.judged).toBeGreaterThan(40);
    expect(whole.ticks[0]!.budgetMs).toBe(50_000);
    expect(whole.ticks.every((t) => t.unfinished?.length === 0)).toBe(true);
    expect(whole.recorded.every((u) => u === null)).toBe(true);
  });

  it('judges one slice, and records the deployments it left in its row and summary', () => {
    const first = budgeted.ticks[0]!;
    expect(first.budgetMs).toBe(1);
    expect(first.elapsedMs).toBeGreaterThanOrEqual(1);
    expect(first.judged).toBeGreaterThan(0);
    expect(first.judged).toBeLessThan(whole.ticks[0]!.judged);
    const left = first.unfinished!;
    expect(left.length).toBe(whole.ticks[0]!.judged - first.judged + 1);
    // The first tick is due the periodic sweep for untracked changes: the budget left it too.
    expect(left.filter((u) => !u.startsWith('deployment:'))).toEqual(['step:untracked']);
    expect(first.untracked).toBeUndefined();
    expect(whole.ticks[0]!.untracked).toBeDefined();
    expect(JSON.parse(budgeted.recorded[0]!)).toEqual(left);
  });

  it('judges what the last tick left first, and leaves less each tick until nothing is left', () => {
    const done = budgeted.ticks.findIndex((t) => t.unfinished!.length === 0);
    expect(done).toBeGreaterThan(1);
    for (let i = 1; i <= done; i++) {
      const before = budgeted.ticks[i - 1]!.unfinished!;
      const now = budgeted.ticks[i]!.unfinished!;
      expect(now.length).toBeLessThan(before.length);
      // Nothing new came due: what a tick leaves is what it was left, less what it judged.
      expect(now.every((u) => before.includes(u))).toBe(true);
      const sweptNow = before.includes('step:untracked') ? 1 : 0;
      expect(budgeted.ticks[i]!.judged).toBe(before.length - now.length - sweptNow);
    }
    // A sweep left once runs in the next tick, whatever its budget.
    expect(budgeted.ticks[1]!.untracked).toBeDefined();
    expect(budgeted.recorded.slice(done, TICKS).every((u) => u === null)).toBe(true);
  });

  it('judges first, the next tick, what the budget left of the deployments new runs made due', () => {
    const later = budgeted.ticks.slice(TICKS);
    expect(whole.ticks[TICKS]!.judged).toBeGreaterThan(budgeted.ticks[TICKS]!.judged);
    const deploymentsIn = (t: TickSummary) => t.unfinished!.filter((u) => u.startsWith('deployment:'));
    const left = deploymentsIn(later[0]!);
    expect(left.length).toBe(whole.ticks[TICKS]!.judged - later[0]!.judged);
    // Unbudgeted, the tick after finds nothing due: the runs were seen by the tick before.
    expect(whole.ticks[TICKS + 1]!.judged).toBe(0);
    expect(later[1]!.judged).toBeGreaterThan(0);
    expect(deploymentsIn(later[1]!).every((u) => left.includes(u))).toBe(true);
    expect(later[1]!.judged).toBe(left.length - deploymentsIn(later[1]!).length);
    expect(later.at(-1)!.unfinished).toEqual([]);
  });

  it('ends with the ops rows of a verifier that judged everything in its first tick', () => {
    expectSameRows(whole, budgeted);
    expect(whole.rows.verdicts!.length).toBeGreaterThan(40);
    expect(whole.rows.check_results!.length).toBeGreaterThan(whole.rows.verdicts!.length);
    expect(whole.rows.error_budgets!.length).toBeGreaterThan(0);
  });

  it('rolls back what an unbudgeted verifier rolls back, once, on a world with a failed deploy', () => {
    expect(budgetedWithRollback.ticks[0]!.unfinished!.length).toBeGreaterThan(1);
    expect(wholeWithRollback.rows.rollbacks!.length).toBeGreaterThan(0);
    expectSameRows(wholeWithRollback, budgetedWithRollback);
  });
});
