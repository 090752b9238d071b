import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/checks/policy.js';
import { resolveRollbackPolicy } from '../../src/rollback/policy.js';
import { runTick, type TickSummary } from '../../src/tick/run-tick.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import type { Row } from '../../src/warehouse/port.js';
import { EmbeddedWorkspace } from '../../src/workspace/embedded/embedded-workspace.js';
import { hostileContextRows } from '../support/hostile-context-rows.js';
import { type HostileRow, hostileRows as hostileEvidenceRows, hostileRow } from '../support/hostile-rows.js';
import {
  buildSmallWorld,
  DEPLOYED,
  DEPLOYMENT,
  JOB,
  JOB_TABLE,
  NOW,
  PIPELINE,
  PIPELINE_TABLE,
} from '../support/small-world.js';

// Every source the tick reads, given one hostile row at a time on top of a healthy world: the
// row alone never makes a deployment FAILED or rolls one back, and the subject it spoils gets an
// ERROR that says 'malformed evidence' and names the row. The rest is judged as usual.

let template: string;

beforeAll(async () => {
  template = join(mkdtempSync(join(tmpdir(), 'postflight-hostile-')), 'world.duckdb');
  await buildSmallWorld(template);
}, 120_000);

interface Outcome {
  summary: TickSummary;
  verdict: Row | undefined;
  results: Row[];
}

async function tickWith(rows: readonly HostileRow[], ticks = 1, at = NOW): Promise<Outcome> {
  const wh = await DuckDbWarehouse.openCopyInMemory(template);
  try {
    for (const r of rows) await r.insert(wh);
    const ws = new EmbeddedWorkspace(wh);
    const deps = { wh, ws, policy: DEFAULT_POLICY, rollback: { policy: resolveRollbackPolicy(undefined) } };
    if (at !== NOW) await wh.session.run('UPDATE sim_world.clock SET now_ms = $t', { t: at });
    let summary = await runTick(deps, at);
    for (let i = 1; i < ticks; i++) {
      await wh.session.run('UPDATE sim_world.clock SET now_ms = $t', { t: at + i * 60_000 });
      summary = await runTick(deps, at + i * 60_000);
    }
    const [verdict] = await wh.session.all('SELECT state, reason FROM postflight.verdicts WHERE deployment_id = $id', {
      id: DEPLOYMENT,
    });
    const results = await wh.session.all(
      `SELECT check_name, subject, status, explanation FROM postflight.check_results
       WHERE deployment_id = $id AND tick_id = $tick`,
      { id: DEPLOYMENT, tick: summary.tickId },
    );
    return { summary, verdict, results };
  } finally {
    await wh.close();
  }
}

// Seven sources of what happened, two of what it means: each source about as likely as another.
const hostileRows = fc.oneof(
  { arbitrary: hostileEvidenceRows, weight: 7 },
  { arbitrary: hostileContextRows.lineage, weight: 1 },
  { arbitrary: hostileContextRows.lakeflowJobs, weight: 1 },
);

const FAILING = ['FAILED', 'ROLLED_BACK'];
const runHealthOf = (o: Outcome, subject: string) =>
  o.results.find((r) => r.check_name === 'run_health' && r.subject === subject);

describe('malformed evidence at the edge', () => {
  let healthy: Outcome;
  beforeAll(async () => {
    healthy = await tickWith([]);
  }, 120_000);

  it('judges the healthy world without an error, so what follows is the hostile row alone', () => {
    expect(healthy.verdict).toBeDefined();
    expect(FAILING).not.toContain(healthy.verdict!.state);
    expect(healthy.results.filter((r) => r.status === 'ERROR')).toEqual([]);
    expect(runHealthOf(healthy, `job:${JOB}`)?.status).toBe('PASS');
    expect(runHealthOf(healthy, `pipeline:${PIPELINE}`)?.status).toBe('PASS');
    expect(healthy.summary.errors).toEqual([]);
  });

  it('fails a deployment on a well-formed failed run: the harness sees a FAILED verdict when there is one', async () => {
    const failed = await tickWith([hostileRow.failedRun()]);
    expect(failed.verdict!.state).toBe('FAILED');
    expect(failed.summary.rollbacks?.decided.length).toBeGreaterThan(0);
  }, 60_000);

  it('turns no hostile row of any source into a FAILED verdict or a rollback, and names each row', async () => {
    const sources = new Set<string>();
    await fc.assert(
      fc.asyncProperty(hostileRows, async (row) => {
        sources.add(row.source);
        const o = await tickWith([row]);
        expect(FAILING).not.toContain(o.verdict?.state);
        expect(o.summary.rollbacks?.decided ?? []).toEqual([]);
        if (row.subject.startsWith('deployment:')) {
          const found = o.summary.errors.find((e) => e.subject === row.subject);
          expect(found?.message).toMatch(/^malformed evidence: /);
          expect(found?.message).toContain(row.key);
          // The well-formed deployment beside it is judged as usual.
          expect(runHealthOf(o, `job:${JOB}`)?.status).toBe('PASS');
          return;
        }
        const errors = o.results.filter((r) => r.status === 'ERROR' && r.subject === row.subject);
        expect(errors.length).toBeGreaterThan(0);
        for (const e of errors) {
          expect(String(e.explanation)).toMatch(/^malformed evidence: /);
          expect(String(e.explanation)).toContain(row.key);
        }
        // A table is never called stale because of a malformed row.
        expect(o.results.filter((r) => r.check_name === 'freshness' && r.status === 'FAIL')).toEqual([]);
        // The other resource is judged as usual.
        const other = row.subject === `pipeline:${PIPELINE}` || row.subject.endsWith('t2') ? JOB : PIPELINE;
        const otherKey = other === JOB ? `job:${JOB}` : `pipeline:${PIPELINE}`;
        expect(runHealthOf(o, otherKey)?.status).toBe('PASS');
      }),
      { numRuns: 36, seed: 2026 },
    );
    // Every source had its hostile rows.
    expect([...sources].sort()).toEqual([
      'Delta history',
      'dbt results',
      'deployments',
      'event log',
      'job_run_timeline',
      'jobs/runs/list',
      'pipeline_update_timeline',
      'system.lakeflow.jobs',
      'table_lineage',
    ]);
  }, 600_000);
});

/** Rewrites every row of a source after the deploy: the whole post-deploy evidence malformed at once. */
const EVERY_POST_DEPLOY: ReadonlyArray<{ name: string; subject: string; sql: string }> = [
  {
    name: 'Delta history commits without a timestamp',
    subject: `table:${JOB_TABLE}`,
    sql: `UPDATE sim_world.delta_commits SET "timestamp" = NULL WHERE "timestamp" >= make_timestamp(${DEPLOYED} * 1000)`,
  },
  {
    name: "Delta history commits of 'NaN' rows",
    subject: `table:${JOB_TABLE}`,
    sql: `UPDATE sim_world.delta_commits SET operationMetrics = MAP {'numOutputRows': 'NaN'} WHERE "timestamp" >= make_timestamp(${DEPLOYED} * 1000)`,
  },
  {
    name: 'Delta history commits of 1e18 rows',
    subject: `table:${JOB_TABLE}`,
    sql: `UPDATE sim_world.delta_commits SET operationMetrics = MAP {'numOutputRows': '1000000000000000000'} WHERE "timestamp" >= make_timestamp(${DEPLOYED} * 1000)`,
  },
  {
    name: 'event-log flow events without a timestamp',
    subject: `table:${PIPELINE_TABLE}`,
    sql: `UPDATE sim_world.event_log SET "timestamp" = NULL WHERE event_type = 'flow_progress' AND "timestamp" >= make_timestamp(${DEPLOYED} * 1000)`,
  },
  {
    name: "event-log flow events of 'NaN' rows",
    subject: `table:${PIPELINE_TABLE}`,
    sql: `UPDATE sim_world.event_log SET details = '{"flow_progress":{"status":"COMPLETED","metrics":{"num_output_rows":"NaN"}}}' WHERE event_type = 'flow_progress' AND "timestamp" >= make_timestamp(${DEPLOYED} * 1000)`,
  },
  {
    name: 'job runs without a run id',
    subject: `job:${JOB}`,
    sql: `UPDATE sim_world.system_lakeflow__job_run_timeline SET run_id = NULL WHERE period_start_time >= make_timestamp(${DEPLOYED} * 1000)`,
  },
  {
    // Read apart from the slices in the horizon (tick/runs.sql): the bound must not drop them.
    name: 'job run slices without a start',
    subject: `job:${JOB}`,
    sql: `UPDATE sim_world.system_lakeflow__job_run_timeline SET period_start_time = NULL WHERE period_start_time >= make_timestamp(${DEPLOYED} * 1000)`,
  },
];

describe('a source whose every post-deploy row is malformed', () => {
  it.each(EVERY_POST_DEPLOY)(
    '$name: the subject is ERROR, never stale or FAILED',
    async ({ subject, sql }) => {
      // Nearly five hours after the deploy: a table written hourly and read as unwritten since is stale.
      const o = await tickWith([{ insert: (wh) => wh.session.run(sql) } as HostileRow]);
      expect(FAILING).not.toContain(o.verdict?.state);
      expect(o.summary.rollbacks?.decided ?? []).toEqual([]);
      const errors = o.results.filter((r) => r.subject === subject && r.status === 'ERROR');
      expect(errors.map((e) => String(e.explanation).slice(0, 19))).toContain('malformed evidence:');
      expect(o.results.filter((r) => r.check_name === 'freshness' && r.status === 'FAIL')).toEqual([]);
    },
    60_000,
  );
});
