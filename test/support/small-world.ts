// A small, healthy embedded world built row by row: one dbt job writing main.s.t1 hourly at :00,
// one pipeline writing main.s.t2 hourly at :30 (flow t2), a week of baseline, and one deployment
// of both five hours before NOW. Nothing in it fails, so a test that adds one row can tell what
// that row alone does to the verdict.

import { createWorldSchema } from '../../src/simulator/world-schema.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import type { SqlValue } from '../../src/warehouse/port.js';

export const HOUR = 3_600_000;
export const MIN = 60_000;
export const NOW = Date.UTC(2026, 10, 2, 12, 0);
/** The deployment finished at 07:15: four job runs and five pipeline updates have finished since. */
export const DEPLOYED = NOW - 5 * HOUR + 15 * MIN;
export const JOB = 'job-1';
export const PIPELINE = 'pl-1';
export const JOB_TABLE = 'main.s.t1';
export const PIPELINE_TABLE = 'main.s.t2';
export const DEPLOYMENT = 'dep-1';
const BASELINE_HOURS = 7 * 24;

/** Builds the world into `path` (a DuckDB file), its clock at NOW. */
export async function buildSmallWorld(path: string): Promise<void> {
  const wh = await DuckDbWarehouse.open(path);
  try {
    await createWorldSchema(wh);
    // DuckDB binds only the parameters a statement names.
    const s = {
      run: (sql: string, params?: Record<string, SqlValue>) =>
        wh.session.run(
          sql,
          params && Object.fromEntries(Object.entries(params).filter(([k]) => new RegExp(`\\$${k}\\b`).test(sql))),
        ),
    };
    await s.run('DELETE FROM sim_world.clock');
    await s.run('INSERT INTO sim_world.clock (now_ms) VALUES ($now)', { now: NOW });
    const p = { now: NOW, n: BASELINE_HOURS, job: JOB, pl: PIPELINE, t1: JOB_TABLE, t2: PIPELINE_TABLE };
    // Hour h starts at NOW - (n - h) hours; the run at NOW itself is still going and left out.
    const hours = 'FROM range(0, $n) r(h)';
    const at = (offsetMin: number) => `make_timestamp(($now - ($n - h) * 3600000 + ${offsetMin} * 60000) * 1000)`;
    await s.run(
      `INSERT INTO sim_world.system_lakeflow__job_run_timeline (workspace_id, job_id, run_id, period_start_time, period_end_time, run_type, result_state, termination_code, termination_type, _visible_at)
       SELECT '4242', $job, 'j-' || h, ${at(0)}, ${at(10)}, 'JOB_RUN', 'SUCCEEDED', 'SUCCESS', 'SUCCESS', ${at(10)} ${hours}`,
      p,
    );
    await s.run(
      `INSERT INTO sim_world.api_runs (run_id, job_id, start_ms, end_ms, result_state, termination_code, termination_type, tasks, run_name)
       SELECT 'j-' || h, $job, $now - ($n - h) * 3600000, $now - ($n - h) * 3600000 + 600000, 'SUCCESS', 'SUCCESS', 'SUCCESS', '[]', 'nightly' ${hours}`,
      p,
    );
    await s.run(
      `INSERT INTO sim_world.delta_commits (table_name, version, "timestamp", operation, job, operationMetrics, _visible_at)
       SELECT $t1, h + 1, ${at(9)}, 'WRITE', {'jobId': $job, 'jobName': 'nightly', 'runId': 'j-' || h},
         MAP {'numOutputRows': CAST(1000 + (h * 37) % 50 AS VARCHAR)}, ${at(9)} ${hours}`,
      p,
    );
    await s.run(
      `INSERT INTO sim_world.system_lakeflow__pipeline_update_timeline (workspace_id, pipeline_id, update_id, result_state, period_start_time, period_end_time, _visible_at)
       SELECT '4242', $pl, 'u-' || h, 'COMPLETED', ${at(30)}, ${at(35)}, ${at(35)} ${hours}`,
      p,
    );
    const origin = `{'pipeline_id': $pl, 'pipeline_name': 'pl', 'update_id': 'u-' || h, 'flow_id': NULL, 'flow_name': EV_FLOW, 'dataset_name': NULL, 'cluster_id': NULL}`;
    const events: Array<[string, number, string, string]> = [
      ['create_update', 30, 'NULL', `'{"create_update":{"cause":"JOB_TASK"}}'`],
      [
        'flow_progress',
        34,
        "'t2'",
        `'{"flow_progress":{"status":"COMPLETED","metrics":{"num_output_rows":' || (500 + (h * 13) % 20) || '},"data_quality":{"dropped_records":0,"expectations":[]}}}'`,
      ],
      ['update_progress', 35, 'NULL', `'{"update_progress":{"state":"COMPLETED"}}'`],
    ];
    for (const [type, offset, flow, details] of events) {
      await s.run(
        `INSERT INTO sim_world.event_log (id, origin, "timestamp", message, level, details, event_type, _visible_at)
         SELECT '${type}-' || h, ${origin.replace('EV_FLOW', flow)}, ${at(offset)}, 'e', 'INFO', ${details}, '${type}', ${at(offset)} ${hours}`,
        p,
      );
    }
    await s.run(
      `INSERT INTO sim_world.system_access__table_lineage (workspace_id, entity_type, entity_id, source_table_full_name, target_table_full_name, event_time, event_date, _visible_at)
       VALUES ('4242', 'JOB', $job, 'main.raw.src', $t1, make_timestamp(($now - 7200000) * 1000), CAST(make_timestamp(($now - 7200000) * 1000) AS DATE), make_timestamp(($now - 7200000) * 1000)),
              ('4242', 'PIPELINE', $pl, 'main.raw.src', $t2, make_timestamp(($now - 7200000) * 1000), CAST(make_timestamp(($now - 7200000) * 1000) AS DATE), make_timestamp(($now - 7200000) * 1000))`,
      p,
    );
    await s.run(
      `INSERT INTO sim_world.elementary__dbt_invocations (invocation_id, job_id, job_run_id, created_at, _visible_at)
       SELECT 'inv-' || h, $job, 'j-' || h, ${at(10)}, ${at(10)} ${hours}`,
      p,
    );
    await s.run(
      `INSERT INTO sim_world.elementary__dbt_run_results (unique_id, invocation_id, created_at, name, status, resource_type, failures, _visible_at)
       SELECT 'test.p.not_null_t1_id', 'inv-' || h, ${at(10)}, 'not_null_t1_id', 'pass', 'test', 0, ${at(10)} ${hours}`,
      p,
    );
    await insertDeployment(wh, {
      deployment_id: DEPLOYMENT,
      bundle: 'b',
      target: 'prod',
      version: 'v2',
      status: 'SUCCEEDED',
      started_ms: DEPLOYED - 5 * MIN,
      finished_ms: DEPLOYED,
    });
  } finally {
    await wh.close();
  }
}

export interface DeploymentFields {
  deployment_id: string;
  bundle: string | null;
  target: string | null;
  version: string | null;
  status: string | null;
  started_ms: number | null;
  finished_ms: number | null;
}

const RESOURCES = JSON.stringify([
  { type: 'job', id: JOB, key: 'nightly', dbt: true },
  { type: 'pipeline', id: PIPELINE, key: 'pl' },
]);

export async function insertDeployment(wh: DuckDbWarehouse, d: DeploymentFields): Promise<void> {
  await wh.session.run(
    `INSERT INTO postflight.deployments (deployment_id, bundle, target, version, previous_version, actor, started_at, finished_at, status, resources, expected_changes, recorded_at)
     VALUES ($id, $bundle, $target, $version, 'v1', 'ci', make_timestamp($started * 1000), make_timestamp($finished * 1000), $status, $resources, '[]', make_timestamp($recorded * 1000))`,
    {
      id: d.deployment_id,
      bundle: d.bundle,
      target: d.target,
      version: d.version,
      started: d.started_ms,
      finished: d.finished_ms,
      status: d.status,
      resources: RESOURCES,
      recorded: DEPLOYED,
    },
  );
}
