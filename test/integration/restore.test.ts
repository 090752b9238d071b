// `postflight restore` on the embedded warehouse: a failed deployment's plan read from the commit
// cache, Delta history and lineage; applied once, then again (nothing twice); a table that moved
// since the plan is refused, and a RESTORE that ran before its record is found, not run again.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRestoreCommand } from '../../src/cli/restore-command.js';
import { parseDeploymentRef } from '../../src/explain/deployment-ref.js';
import { createLogger } from '../../src/log.js';
import { applyPlan } from '../../src/restore/apply.js';
import { planRestore } from '../../src/restore/plan.js';
import { type PlanFile, planFile } from '../../src/restore/plan-file.js';
import { readPlanInput } from '../../src/restore/read-inputs.js';
import type { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { emptyWorldAt } from '../support/empty-world.js';

const H = 3_600_000;
const T0 = Date.UTC(2026, 10, 2);
const at = (h: number) => T0 + h * H;
let wh: DuckDbWarehouse;
let file: PlanFile;

async function commit(table: string, version: number, h: number, job: string | null, operation = 'WRITE') {
  await wh.session.run(
    `INSERT INTO sim_world.delta_commits (table_name, version, "timestamp", operation, operationParameters, job, operationMetrics, _visible_at)
     VALUES ($t, $v, to_timestamp($s), $op, map(['mode'], ['Append']),
       CASE WHEN $job IS NULL THEN NULL ELSE struct_pack(jobId := $job::VARCHAR, jobName := 'etl', runId := 'r1') END,
       map(['numOutputRows'], ['100']), to_timestamp($s))`,
    { t: table, v: version, s: at(h) / 1000, op: operation, job },
  );
}

async function count(sql: string): Promise<number> {
  return Number((await wh.session.all(sql))[0]!.n);
}

beforeAll(async () => {
  wh = await emptyWorldAt(at(30));
  const res = JSON.stringify([{ type: 'job', id: 'job-bad', key: 'etl' }]);
  for (const [id, h, state] of [
    ['dep-bad', 10, 'ROLLED_BACK'],
    ['dep-next', 40, 'HEALTHY'],
  ] as const) {
    await wh.session.run(
      `INSERT INTO postflight.deployments (deployment_id, bundle, target, version, started_at, finished_at, status, resources, recorded_at)
       VALUES ($id, 'sales', 'prod', $id, to_timestamp($f), to_timestamp($f), 'SUCCEEDED', $res, to_timestamp($f))`,
      { id, f: at(h) / 1000, res },
    );
    await wh.session.run(`INSERT INTO postflight.verdicts (deployment_id, state) VALUES ($id, $state)`, { id, state });
  }
  await wh.session.run(
    `INSERT INTO postflight.rollbacks (rollback_id, deployment_id, bundle, target, state, requested_at, updated_at)
     VALUES ('rb-1', 'dep-bad', 'sales', 'prod', 'SUCCEEDED', to_timestamp($r), to_timestamp($u))`,
    { r: at(15) / 1000, u: at(16) / 1000 },
  );
  // orders, items and returns: only the bad version wrote them after the deploy. ledger: another
  // job wrote it since. archive: the bad job wrote it again only after its rollback.
  for (const t of ['main.sales.orders', 'main.sales.items', 'main.sales.returns']) {
    await commit(t, 4, 5, 'job-bad');
    await commit(t, 5, 11, 'job-bad');
    await commit(t, 6, 12, 'job-bad');
  }
  await commit('main.sales.ledger', 1, 5, 'job-other');
  await commit('main.sales.ledger', 2, 11, 'job-bad');
  await commit('main.sales.ledger', 3, 13, 'job-other');
  await commit('main.sales.ledger', 4, 14, null, 'STREAMING UPDATE');
  await commit('main.sales.late', 7, 20, 'job-bad');
  // The tick's cache holds orders up to its first bad commit only: the rest comes from DESCRIBE HISTORY.
  for (const [v, h] of [
    [4, 5],
    [5, 11],
  ] as const)
    await wh.session.run(
      `INSERT INTO postflight.table_commits (table_name, version, commit_time, operation, rows_written, job_id)
       VALUES ('main.sales.orders', $v, to_timestamp($s), 'WRITE', 100, 'job-bad')`,
      { v, s: at(h) / 1000 },
    );
  const lineage = [
    ['JOB', 'job-bad', 'main.raw.orders', 'main.sales.orders', 11],
    ['JOB', 'job-bad', 'main.raw.orders', 'main.sales.items', 11],
    ['JOB', 'job-bad', 'main.raw.orders', 'main.sales.returns', 11],
    ['JOB', 'job-bad', 'main.raw.orders', 'main.sales.ledger', 11],
    ['JOB', 'job-rev', 'main.sales.orders', 'main.gold.revenue', 13],
    ['PIPELINE', 'pipe-kpi', 'main.sales.ledger', 'main.gold.kpis', 14],
    ['JOB', 'job-early', 'main.sales.orders', 'main.gold.early', 9],
  ] as const;
  for (const [type, id, source, target, h] of lineage)
    await wh.session.run(
      `INSERT INTO sim_world.system_access__table_lineage (workspace_id, entity_type, entity_id, source_table_full_name,
         target_table_full_name, event_time, event_date, _visible_at)
       VALUES ('4242', $type, $id, $source, $target, to_timestamp($s), CAST(to_timestamp($s) AS DATE), to_timestamp($s))`,
      { type, id, source, target, s: at(h) / 1000 },
    );
  const input = await readPlanInput(wh, parseDeploymentRef('latest-failed'));
  file = planFile(planRestore(input!), at(30));
}, 60_000);

afterAll(async () => {
  await wh?.close();
});

describe('restore plan', () => {
  it('restores what only the bad version wrote, within its run until the rollback', () => {
    expect(file.plan.deploymentId).toBe('dep-bad');
    expect(file.plan.windowEndMs).toBe(at(16));
    expect(file.plan.endReason).toBe('rolled back');
    expect(file.plan.restores.map((r) => [r.table, r.toVersion, r.badVersions, r.latestVersion])).toEqual([
      ['main.sales.items', 4, [5, 6], 6],
      ['main.sales.orders', 4, [5, 6], 6],
      ['main.sales.returns', 4, [5, 6], 6],
    ]);
    expect(file.plan.restores[1]!.statement).toBe('RESTORE TABLE `main`.`sales`.`orders` TO VERSION AS OF 4');
  });

  it('refuses the table another writer wrote since, and names the tables to re-run', () => {
    expect(file.plan.unsafe.map((u) => [u.table, u.kind, u.writers.map((w) => [w.writer, w.commits])])).toEqual([
      [
        'main.sales.ledger',
        'other_writers',
        [
          ['commits with no job (ingestion, streaming or a user)', 1],
          ['job job-other', 1],
        ],
      ],
    ]);
    expect(file.plan.rerun.map((r) => [r.table, r.entityType, r.entityId])).toEqual([
      ['main.gold.kpis', 'PIPELINE', 'pipe-kpi'],
      ['main.gold.revenue', 'JOB', 'job-rev'],
    ]);
  });
});

describe('restore apply', () => {
  it('refuses to run without --approve, and an edited plan, before touching anything', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'postflight-restore-'));
    const path = join(dir, 'plan.json');
    writeFileSync(path, JSON.stringify(file));
    await expect(runRestoreCommand(['apply', '--plan', path], createLogger())).rejects.toThrow(/needs --approve/);
    const edited = {
      ...file,
      plan: { ...file.plan, restores: file.plan.restores.map((r) => ({ ...r, toVersion: 0 })) },
    };
    writeFileSync(path, JSON.stringify(edited));
    await expect(runRestoreCommand(['apply', '--plan', path, '--approve'], createLogger())).rejects.toThrow(
      /edited after it was made/,
    );
  });

  it('restores once, skips what it restored when applied again, and refuses a table that moved', async () => {
    // items moves on after the plan; returns was restored by an apply that stopped before recording it.
    await commit('main.sales.items', 7, 29, 'job-other');
    await wh.restoreTable('main.sales.returns', 4);
    const restoreCommits = () => count(`SELECT count(*) AS n FROM sim_world.delta_commits WHERE operation = 'RESTORE'`);
    const audits = () => count(`SELECT count(*) AS n FROM postflight.audit_log WHERE action LIKE 'restore_table%'`);
    expect(await restoreCommits()).toBe(1);

    const first = await applyPlan(wh, file, 'alice', () => at(30));
    expect(first.map((o) => [o.table, o.status, o.restoreVersion])).toEqual([
      ['main.sales.items', 'moved', null],
      ['main.sales.orders', 'restored', 7],
      ['main.sales.returns', 'restored', 7],
    ]);
    expect(first[0]!.detail).toMatch(/at version 7 \(WRITE by job job-other\), the plan saw 6/);
    expect(await restoreCommits()).toBe(2);
    const newest = (await wh.describeHistory('main.sales.orders', 1))[0]!;
    expect([newest.version, newest.operation, newest.operationParameters?.version]).toEqual([7, 'RESTORE', '4']);
    expect(
      await wh.session.all(
        'SELECT table_name, to_version, restore_version, approved_by FROM postflight.restores ORDER BY 1',
      ),
    ).toEqual([
      { table_name: 'main.sales.orders', to_version: 4, restore_version: 7, approved_by: 'alice' },
      { table_name: 'main.sales.returns', to_version: 4, restore_version: 7, approved_by: 'alice' },
    ]);
    expect(await audits()).toBe(3);

    const again = await applyPlan(wh, file, 'alice', () => at(31));
    expect(again.map((o) => [o.table, o.status])).toEqual([
      ['main.sales.items', 'moved'],
      ['main.sales.orders', 'already_restored'],
      ['main.sales.returns', 'already_restored'],
    ]);
    expect(await restoreCommits()).toBe(2);
    expect(await audits()).toBe(3);
  });
});
