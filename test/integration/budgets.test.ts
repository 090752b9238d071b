import { describe, expect, it } from 'vitest';
import { decidePromotion } from '../../src/budget/freeze.js';
import { resolveSloPolicy } from '../../src/budget/slo-policy.js';
import type { DeploymentEvidence } from '../../src/checks/evidence.js';
import { updateBudgets } from '../../src/tick/budgets.js';
import type { RunRecord, TableWrite } from '../../src/types.js';
import { BUNDLE, HOUR, JOB, openRollbackWorld, T, V1, V2 } from '../support/rollback-world.js';

// 72 hourly runs of the job up to T; the two after the failed deploy (T - 2 h) failed.
const runs: RunRecord[] = Array.from({ length: 72 }, (_, i) => {
  const start = T - (72 - i) * HOUR + 5 * 60_000;
  return {
    subjectId: JOB.id,
    runId: `r${i}`,
    startMs: start,
    endMs: start + 20 * 60_000,
    result: start > V2.finishedMs ? 'FAILED' : 'SUCCESS',
    rawResult: null,
    cause: 'user',
    failedTasks: [],
    plane: 'fast',
  };
});
const writes: TableWrite[] = runs
  .filter((r) => r.result === 'SUCCESS')
  .map((r) => ({
    table: 'prod.orders.t',
    subjectId: JOB.id,
    runId: r.runId,
    timestampMs: r.endMs!,
    rows: 1000,
    plane: 'fast',
  }));

const evidence: DeploymentEvidence = {
  deployment: {
    deploymentId: V2.id,
    bundle: BUNDLE,
    target: 'prod',
    version: V2.version,
    previousVersion: V1.version,
    actor: 'ci',
    startedMs: V2.finishedMs - 60_000,
    finishedMs: V2.finishedMs,
    status: 'SUCCEEDED',
    resources: [JOB],
    expectedChanges: [],
  },
  supersededAtMs: null,
  subjects: [
    {
      subject: { type: 'job', id: JOB.id, name: JOB.key, targetTables: ['prod.orders.t'], sourceTables: [] },
      runs,
      writes,
      expectations: [],
      backlog: [],
    },
  ],
  errors: [],
  peers: [],
};

describe('error budgets in the embedded warehouse', () => {
  it('writes budgets attributed to the failed deployment, and the gate freezes promotion once one is spent', async () => {
    const wh = await openRollbackWorld();
    const lenient = await updateBudgets({ wh, slos: resolveSloPolicy(undefined) }, [evidence], T);
    // Both page: two failed runs in a row, and 35 of the last 60 minutes stale (burn 58 over 1 h and 100 over 5 min).
    // The live deploy's runs failed twice in a row since it went live: a reason to roll it back. Its
    // freshness burn is not counted against it: the tables' max age (2 h) has not passed since the deploy.
    expect(lenient).toEqual({
      rows: 2,
      exhausted: 0,
      pages: 2,
      errors: [],
      burns: [expect.objectContaining({ deploymentId: V2.id, slo: 'run_success', rule: 'sparse', long: null })],
    });
    const rows = await wh.session.all(
      "SELECT slo, good, total, alert, deployment_id, exhausted, rule, burn_by_deployment, epoch_ms(window_end) AS we FROM postflight.error_budgets WHERE slo = 'run_success'",
    );
    expect(rows).toEqual([
      {
        slo: 'run_success',
        good: 70,
        total: 72,
        alert: 'page',
        deployment_id: V2.id,
        exhausted: false,
        rule: 'sparse',
        burn_by_deployment: `{"${V2.id}":2}`,
        we: T + HOUR,
      },
    ]);
    const [fresh] = await wh.session.all(
      "SELECT alert, deployment_id, good, total FROM postflight.error_budgets WHERE slo = 'freshness'",
    );
    // Writes hourly, SLA twice that: the last write was 2 h 35 min ago, so 35 stale minutes, all since dep-v2.
    expect(fresh).toMatchObject({ deployment_id: V2.id, alert: 'page' });
    expect(Number(fresh!.total) - Number(fresh!.good)).toBe(35);

    // A stricter SLO for the bundle's tag (tags come from the deployed settings): 2 bad of 72 spends a 99 % budget.
    const strict = resolveSloPolicy({
      overrides: [{ match: { tag: `bundle=${BUNDLE}` }, runSuccess: { target: 0.99 } }],
    });
    expect((await updateBudgets({ wh, slos: strict }, [evidence], T + 60_000)).exhausted).toBe(1);
    const gate = await wh.query('gate/budget_frozen', { bundle: BUNDLE, target: 'prod', since_ms: T - HOUR });
    expect(await wh.query('gate/budget_frozen', { bundle: BUNDLE, target: 'staging', since_ms: T - HOUR })).toEqual([]);
    const budgets = gate.map((g) => ({
      subject: String(g.subject),
      slo: String(g.slo),
      exhausted: Boolean(g.exhausted),
      budgetRemaining: Number(g.budget_remaining),
      deploymentId: g.deployment_id as string | null,
      explanation: String(g.explanation),
    }));
    expect(budgets.find((b) => b.slo === 'run_success')).toMatchObject({ exhausted: true, subject: `job:${JOB.id}` });
    expect(budgets.find((b) => b.slo === 'run_success')!.budgetRemaining).toBeCloseTo(1 - 2 / 0.72, 9);
    expect(decidePromotion({ budgets, quarantined: [], isFix: false }).frozen).toBe(true);
    expect(decidePromotion({ budgets, quarantined: [], isFix: true }).frozen).toBe(false);
    await wh.close();
  });
});
