// A small simulated world replayed with rollbacks on: safe failed deployments are rolled back
// and their restored version verifies, the schema-breaking one is blocked with an explanation,
// nothing is rolled back twice, and the audit log verifies (and fails once tampered with).

import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { runAuditCommand } from '../../src/cli/audit.js';
import { runRestoreCommand } from '../../src/cli/restore-command.js';
import { runDemo } from '../../src/demo/demo.js';
import type { DemoReport } from '../../src/demo/report.js';
import { createLogger } from '../../src/log.js';
import { defaultSpec } from '../../src/simulator/default-spec.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';

const spec = defaultSpec({ pipelines: 10, days: 21, deploysPerDay: 40, badShare: 0.5, seed: 1 });
let dir: string;
let report: DemoReport;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'postflight-rb-'));
  report = await runDemo({ dir, spec, replayMinutes: 8 * 60 });
}, 300_000);

async function withWarehouse<T>(path: string, f: (wh: DuckDbWarehouse) => Promise<T>): Promise<T> {
  const wh = await DuckDbWarehouse.open(path);
  try {
    return await f(wh);
  } finally {
    await wh.close();
  }
}

describe('untracked changes in a replayed world', () => {
  it('catches the hand edit to production and pages on it; no deploy or rollback is reported untracked', () => {
    expect(report.rollbacks).toBeGreaterThanOrEqual(1);
    expect(report.untracked).toMatchObject({ hand_edits: 1, caught: 1, paged: 1, wrongly_untracked: 0 });
    // The audit log shows a change an hour late and the sweep runs every 15 minutes.
    expect(report.untracked.caught_after_s_max).toBeLessThanOrEqual(90 * 60);
  });
});

describe('rollbacks in a replayed world', () => {
  it('rolls back safe failures, blocks the unsafe one, never twice', () => {
    expect(report.rollbacks).toBeGreaterThanOrEqual(1);
    expect(report.rollbacks_blocked_unsafe).toBeGreaterThanOrEqual(1);
    expect(report.double_rollbacks).toBe(0);
    expect(report.restored_healthy).toBeGreaterThanOrEqual(1);
    for (const o of report.rollback_outcomes) {
      // Each simulated bundle has one job or pipeline: a rollback resets it exactly once.
      if (o.safety === 'SAFE')
        expect({ id: o.deployment_id, state: o.state, resets: o.resets }).toEqual({
          id: o.deployment_id,
          state: 'SUCCEEDED',
          resets: 1,
        });
      if (o.safety === 'UNSAFE') {
        expect(o.state).toBe('BLOCKED');
        expect(o.detail).toMatch(/UNSAFE: table .* changed schema after the failed deploy \(ADD COLUMNS/);
      }
    }
    expect(report.rollback_outcomes.find((o) => o.kind === 'schema_break')?.state).toBe('BLOCKED');
    // Judging what runs cost fails no deployment that is not a cost regression.
    expect(report.cost.others_failed).toBe(0);
  });

  it('restores healthy runs in the simulated world after a reset to the earlier version', async () => {
    // Ground truth: every run of the simulated world, jobs and pipelines alike.
    const rows = await withWarehouse(join(dir, 'workspace.duckdb'), (wh) =>
      wh.session.all(`
        WITH runs AS (
          SELECT job_id AS id, start_ms, result_state = 'SUCCESS' AS ok FROM sim_world.api_runs
          UNION ALL
          SELECT pipeline_id, epoch_ms(period_start_time), result_state = 'COMPLETED' FROM sim_world.system_lakeflow__pipeline_update_timeline
        ),
        rolled AS (
          SELECT r.rollback_id, epoch_ms(d.finished_at) AS deployed_ms, epoch_ms(r.requested_at) AS requested_ms, epoch_ms(r.updated_at) AS done_ms,
            json_extract_string(j.value, '$.id') AS id
          FROM postflight.rollbacks r
          JOIN postflight.deployments d ON d.deployment_id = r.deployment_id
          JOIN sim_world.labels l ON l.deployment_id = r.deployment_id AND l.kind = 'failing_runs'
          JOIN json_each(d.resources) j ON true
          WHERE r.state = 'SUCCEEDED'
        )
        SELECT x.rollback_id,
          count(*) FILTER (WHERE u.start_ms > x.deployed_ms AND u.start_ms < x.requested_ms AND NOT u.ok) AS bad_before,
          count(*) FILTER (WHERE u.start_ms > x.done_ms) AS runs_after,
          count(*) FILTER (WHERE u.start_ms > x.done_ms AND NOT u.ok) AS bad_after
        FROM rolled x JOIN runs u ON u.id = x.id
        GROUP BY x.rollback_id`),
    );
    expect(rows.length).toBeGreaterThanOrEqual(1);
    for (const r of rows) {
      expect(Number(r.bad_before)).toBeGreaterThan(0);
      expect(Number(r.runs_after)).toBeGreaterThan(0);
      expect(Number(r.bad_after)).toBe(0);
    }
  });

  it('pages the blocked rollback through the alert query', async () => {
    const pages = await withWarehouse(join(dir, 'workspace.duckdb'), (wh) =>
      wh.query('alerts/rollback_pages', { since_ms: 0 }),
    );
    const blocked = pages.filter((p) => p.rollback_state === 'BLOCKED' && p.safety === 'UNSAFE');
    expect(blocked.length).toBeGreaterThanOrEqual(1);
    expect(String(blocked[0]!.page_reason)).toMatch(/^rollback BLOCKED \(UNSAFE\): UNSAFE: table/);
  });

  it('keeps error budgets the promotion gate can read', async () => {
    const [b] = await withWarehouse(join(dir, 'workspace.duckdb'), (wh) =>
      wh.session.all(
        'SELECT bundle, bundle_target, count(*) AS n FROM postflight.error_budgets GROUP BY ALL ORDER BY n DESC LIMIT 1',
      ),
    );
    expect(Number(b!.n)).toBeGreaterThan(0);
    const gate = await withWarehouse(join(dir, 'workspace.duckdb'), (wh) =>
      wh.query('gate/budget_frozen', { bundle: String(b!.bundle), target: String(b!.bundle_target), since_ms: 0 }),
    );
    expect(gate.length).toBeGreaterThan(0);
    expect(gate.map((g) => g.slo)).toContain('run_success');
  });

  it('passes audit verify on the replay and fails it on a tampered copy', async () => {
    const out = new PassThrough();
    expect(await withWarehouse(join(dir, 'workspace.duckdb'), (wh) => runAuditCommand(wh, out, false))).toBe(0);
    for (const tamper of [
      "UPDATE postflight.audit_log SET payload = replace(payload, 'FAILED', 'HEALTHY') WHERE seq = (SELECT min(seq) FROM postflight.audit_log WHERE action = 'verdict.changed' AND payload LIKE '%FAILED%')",
      'DELETE FROM postflight.audit_log WHERE seq = 5',
    ]) {
      const copy = join(dir, `tampered-${Math.random().toString(36).slice(2)}.duckdb`);
      copyFileSync(join(dir, 'workspace.duckdb'), copy);
      await withWarehouse(copy, (wh) => wh.session.run(tamper));
      const text = new PassThrough();
      expect(await withWarehouse(copy, (wh) => runAuditCommand(wh, text, false))).toBe(1);
      expect(String(text.read())).toMatch(/audit log TAMPERED/);
    }
  });
});

describe('data restored in a replayed world', () => {
  it('plans a restore for each failed deployment, applies one, and restores nothing twice', async () => {
    const r = report.restore!;
    expect(r.failed).toBeGreaterThanOrEqual(1);
    expect(r.wrote_tables).toBeGreaterThanOrEqual(1);
    expect(r.deployment_id).not.toBeNull();
    expect(r.statements.length).toBeGreaterThanOrEqual(1);
    for (const s of r.statements) expect(s).toMatch(/^RESTORE TABLE `[^`]+`\.`[^`]+`\.`[^`]+` TO VERSION AS OF \d+$/);
    expect(r.restored).toBe(r.statements.length);
    expect(r.restored_again).toBe(0);
    const rows = await withWarehouse(join(dir, 'workspace.duckdb'), async (wh) => ({
      restores: await wh.session.all('SELECT plan_id, deployment_id, table_name FROM postflight.restores'),
      commits: await wh.session.all(
        "SELECT table_name, operationParameters['version'] AS to_version FROM sim_world.delta_commits WHERE operation = 'RESTORE'",
      ),
      audited: await wh.session.all("SELECT subject FROM postflight.audit_log WHERE action = 'restore_table'"),
    }));
    expect(rows.restores).toHaveLength(r.statements.length);
    expect(rows.restores.every((x) => x.plan_id === r.plan_id && x.deployment_id === r.deployment_id)).toBe(true);
    expect(rows.commits).toHaveLength(r.statements.length);
    expect(rows.audited.map((a) => a.subject).sort()).toEqual(rows.restores.map((x) => x.table_name).sort());
  });

  it('plans again from the command line and finds nothing left to restore once it was restored', async () => {
    const r = report.restore!;
    const [planPath, warehouse] = [join(dir, 'restore-plan.json'), `duckdb:${join(dir, 'workspace.duckdb')}`];
    const log = createLogger();
    expect(await runRestoreCommand(['plan', r.deployment_id!, '--out', planPath, '--warehouse', warehouse], log)).toBe(
      0,
    );
    const again = JSON.parse(readFileSync(planPath, 'utf8'));
    expect(again.plan.deploymentId).toBe(r.deployment_id);
    // Each table now has the RESTORE commit after the bad ones: restoring again would undo it.
    expect(again.plan.restores).toEqual([]);
    expect(again.plan.unsafe.filter((u: { kind: string }) => u.kind === 'restored')).toHaveLength(r.statements.length);
    const restoreCommits = () =>
      withWarehouse(join(dir, 'workspace.duckdb'), async (wh) =>
        wh.session.all(
          "SELECT table_name, version FROM sim_world.delta_commits WHERE operation = 'RESTORE' ORDER BY 1, 2",
        ),
      );
    const before = await restoreCommits();
    expect(before).toHaveLength(r.statements.length);
    expect(await runRestoreCommand(['apply', '--plan', planPath, '--approve', '--warehouse', warehouse], log)).toBe(0);
    // Applied again, by hand this time: no table gains another RESTORE commit.
    expect(await restoreCommits()).toEqual(before);
  });
});
