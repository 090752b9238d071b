import { describe, expect, it } from 'vitest';
import { verifyAuditLog } from '../../src/audit/audit-log.js';
import { resolveSloPolicy } from '../../src/budget/slo-policy.js';
import { DEFAULT_ROLLBACK_POLICY, resolveRollbackPolicy } from '../../src/rollback/policy.js';
import { failOnBurn } from '../../src/tick/burn-verdicts.js';
import { decideRollbacks } from '../../src/tick/decide-rollbacks.js';
import { liveWatchSubjects, readLiveBurns } from '../../src/tick/live-burn.js';
import { observedRunRows } from '../../src/tick/runs.js';
import type { RunRecord } from '../../src/types.js';
import type { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { EmbeddedWorkspace } from '../../src/workspace/embedded/embedded-workspace.js';
import { HOUR, JOB, liveVersion, openRollbackWorld, T, type Version } from '../support/rollback-world.js';

const MIN = 60_000;
const OLD: Version = {
  id: 'dep-v1',
  version: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
  finishedMs: T - 72 * HOUR,
  verdict: 'HEALTHY',
};
// Verified HEALTHY after its first runs; no check looks at it any more.
const LIVE: Version = {
  id: 'dep-v2',
  version: 'ffeeddccbbaa99887766554433221100ffeeddcc',
  finishedMs: T - 10 * HOUR,
  verdict: 'HEALTHY',
};

/** Runs of the job every 30 min for three days up to T; `bad(startMs)` says which failed. */
function runs(bad: (startMs: number) => boolean, cause: RunRecord['cause'] = 'user'): RunRecord[] {
  const out: RunRecord[] = [];
  for (let start = T - 72 * HOUR + 5 * MIN; start + 20 * MIN <= T; start += 30 * MIN) {
    const failed = bad(start);
    out.push({
      subjectId: JOB.id,
      runId: `r${start}`,
      startMs: start,
      endMs: start + 20 * MIN,
      result: failed ? 'FAILED' : 'SUCCESS',
      rawResult: failed ? 'FAILED' : 'SUCCESS',
      cause: failed ? cause : 'user',
      failedTasks: [],
      plane: 'fast',
    });
  }
  return out;
}

// The last two runs failed, and one earlier after the rise; none before the deploy.
const lastTwo = (start: number) => start >= T - 65 * MIN || start === T - 4 * HOUR + 5 * MIN;

async function world(rs: RunRecord[], live: Version = LIVE): Promise<DuckDbWarehouse> {
  const wh = await openRollbackWorld([OLD, live]);
  await wh.execute('tick/merge_observed_runs', {}, observedRunRows(rs, T));
  return wh;
}

describe("the error budget's watch over live versions", () => {
  it('rolls back a HEALTHY live version whose runs now fail twice in a row, saying which budget burned', async () => {
    const rs = runs(lastTwo);
    const wh = await world(rs);
    const slos = resolveSloPolicy(undefined);
    // A bad run new in this tick, of a subject no deployment judged this tick covers.
    expect(liveWatchSubjects(rs.slice(-1), [])).toEqual([JOB.id]);
    const burns = await readLiveBurns(wh, slos, [JOB.id], 24, T);
    expect(burns).toHaveLength(1);
    expect(burns[0]).toMatchObject({
      from: 'HEALTHY',
      burn: { deploymentId: LIVE.id, rule: 'sparse', slo: 'run_success' },
    });
    expect(burns[0]!.burn.explanation).toMatch(
      /run_success budget of job:4242: the last 2 runs were bad, 3 of \d+ since dep-v2/,
    );

    await failOnBurn(wh, burns, T, undefined);
    const [v] = await wh.session.all(
      "SELECT state, is_final, reason FROM postflight.verdicts WHERE deployment_id = 'dep-v2'",
    );
    expect(v).toMatchObject({ state: 'FAILED', is_final: true });
    expect(String(v!.reason)).toMatch(/^error_budget: run_success budget of job:4242/);

    const ws = new EmbeddedWorkspace(wh);
    const out = await decideRollbacks({ wh, ws, policy: DEFAULT_ROLLBACK_POLICY }, 'tick-burn', T);
    expect(out.errors).toEqual([]);
    expect(out.decided).toMatchObject([{ deploymentId: LIVE.id, state: 'REQUESTED', safety: 'SAFE' }]);
    expect(out.executed.map((e) => e.result)).toEqual(['SUCCEEDED']);
    expect(await liveVersion(wh, JOB)).toBe(OLD.version);
    const [rb] = await wh.session.all('SELECT reason, to_version FROM postflight.rollbacks');
    expect(rb!.to_version).toBe(OLD.version);
    expect(String(rb!.reason)).toMatch(/^error_budget: /);
    const audit = await wh.session.all('SELECT action, payload FROM postflight.audit_log ORDER BY seq');
    expect(audit[0]!.action).toBe('verdict.changed');
    expect(JSON.parse(String(audit[0]!.payload))).toMatchObject({ from: 'HEALTHY', to: 'FAILED', rule: 'sparse' });
    expect((await verifyAuditLog(wh)).ok).toBe(true);
    // Once FAILED (and rolled back), the live watch finds nothing more to do.
    expect(await readLiveBurns(wh, slos, [JOB.id], 24, T + MIN)).toEqual([]);
    await wh.close();
  });

  it('decides and records in dry-run, and acts on nothing', async () => {
    const wh = await world(runs(lastTwo));
    await failOnBurn(wh, await readLiveBurns(wh, resolveSloPolicy(undefined), [JOB.id], 24, T), T, undefined);
    const policy = resolveRollbackPolicy({ dryRun: true });
    const out = await decideRollbacks({ wh, ws: new EmbeddedWorkspace(wh), policy }, 'tick-dry', T);
    expect(out.decided).toMatchObject([{ deploymentId: LIVE.id, state: 'DRY_RUN' }]);
    expect(out.executed).toEqual([]);
    expect(await liveVersion(wh, JOB)).toBe(LIVE.version);
    await wh.close();
  });

  it('leaves alone a burn that began before the deploy, platform failures, a policy that says no, and a version still verified', async () => {
    const slos = resolveSloPolicy(undefined);
    // Failing since before the deploy: the burn did not start with it.
    const straddle = await world(runs((s) => s > LIVE.finishedMs - 35 * MIN && s < LIVE.finishedMs + 60 * MIN));
    expect(await readLiveBurns(straddle, slos, [JOB.id], 24, LIVE.finishedMs + 60 * MIN)).toEqual([]);
    await straddle.close();
    const platform = await world(runs(lastTwo, 'infrastructure'));
    expect(liveWatchSubjects(runs(lastTwo, 'infrastructure').slice(-1), [])).toEqual([]);
    expect(await readLiveBurns(platform, slos, [JOB.id], 24, T)).toEqual([]);
    await platform.close();
    const off = await world(runs(lastTwo));
    const no = resolveSloPolicy({ defaults: { runSuccess: { rollbackOnBurn: false } } });
    expect(await readLiveBurns(off, no, [JOB.id], 24, T)).toEqual([]);
    // Too old to roll back: outside the candidate window.
    expect(await readLiveBurns(off, slos, [JOB.id], 6, T)).toEqual([]);
    await off.close();
    const verifying = await world(runs(lastTwo), { ...LIVE, verdict: 'VERIFYING' });
    expect(await readLiveBurns(verifying, slos, [JOB.id], 24, T)).toEqual([]);
    await verifying.close();
  });
});
