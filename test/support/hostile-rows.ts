// Hostile rows for every source the tick reads, each inserted into the small world (see
// small-world.ts) after its deployment: NULLs where the documented schema has none, counts that
// are 'NaN', negative or 1e18, ends before starts, states no vocabulary knows, rows without ids.
// Each says which subject it spoils and the key its error must name.

import fc from 'fast-check';
import type { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { DEPLOYED, HOUR, insertDeployment, JOB, JOB_TABLE, MIN, NOW, PIPELINE, PIPELINE_TABLE } from './small-world.js';

export interface HostileRow {
  readonly source: string;
  readonly variant: string;
  /** The subject whose checks the row spoils (job:, pipeline:, table:, deployment:). */
  readonly subject: string;
  /** What the error must name of the row. */
  readonly key: string;
  insert(wh: DuckDbWarehouse): Promise<unknown>;
  toString(): string;
}

const row = (r: Omit<HostileRow, 'toString'>): HostileRow => ({
  ...r,
  toString: () => `${r.source}/${r.variant} (${r.key})`,
});
const ts = (ms: number | null) => (ms === null ? null : ms * 1000);
/** A post-deploy time, hours after the deploy, off the world's own :00 and :30 marks. */
const postDeploy = fc.integer({ min: 1, max: 4 }).map((h) => NOW - h * HOUR + 20 * MIN);
const n = fc.integer({ min: 1, max: 9_999 });

const jobRunTimeline = fc
  .tuple(n, postDeploy, fc.constantFrom('null run_id', 'null start', 'null end', 'end before start', 'state', 'a year'))
  .map(([i, at, variant]) => {
    const runId = variant === 'null run_id' ? null : `jx-${i}`;
    const start = variant === 'null start' ? null : at;
    const end =
      variant === 'null end'
        ? null
        : variant === 'end before start'
          ? at - HOUR
          : variant === 'a year'
            ? at + 400 * 24 * HOUR
            : at + 10 * MIN;
    const state = variant === 'state' ? 'EXPLODED' : 'SUCCEEDED';
    return row({
      source: 'job_run_timeline',
      variant,
      subject: `job:${JOB}`,
      key: `run ${String(runId)} of ${JOB}`,
      insert: (wh) =>
        wh.session.run(
          `INSERT INTO sim_world.system_lakeflow__job_run_timeline (workspace_id, job_id, run_id, period_start_time, period_end_time, result_state, termination_code, _visible_at)
           VALUES ('4242', $job, $run, make_timestamp($start), make_timestamp($end), $state, 'SUCCESS', make_timestamp($seen))`,
          { job: JOB, run: runId, start: ts(start), end: ts(end), state, seen: ts(NOW - 10 * MIN) },
        ),
    });
  });

const pipelineTimeline = fc
  .tuple(n, postDeploy, fc.constantFrom('null update_id', 'null start', 'state'))
  .map(([i, at, variant]) => {
    const updateId = variant === 'null update_id' ? null : `ux-${i}`;
    return row({
      source: 'pipeline_update_timeline',
      variant,
      subject: `pipeline:${PIPELINE}`,
      key: `run ${String(updateId)} of ${PIPELINE}`,
      insert: (wh) =>
        wh.session.run(
          `INSERT INTO sim_world.system_lakeflow__pipeline_update_timeline (workspace_id, pipeline_id, update_id, result_state, period_start_time, period_end_time, _visible_at)
           VALUES ('4242', $pl, $u, $state, make_timestamp($start), make_timestamp($end), make_timestamp($seen))`,
          {
            pl: PIPELINE,
            u: updateId,
            state: variant === 'state' ? 'HALF_DONE' : 'COMPLETED',
            start: ts(variant === 'null start' ? null : at),
            end: ts(at + 5 * MIN),
            seen: ts(NOW - 10 * MIN),
          },
        ),
    });
  });

const eventLog = fc
  .tuple(
    n,
    postDeploy,
    fc.constantFrom(
      'rows NaN',
      'rows negative',
      'rows 1e18',
      'rows text',
      'rows fraction',
      'flow null timestamp',
      'flow null update_id',
      'flow status',
      'update state',
      'update null timestamp',
    ),
  )
  .map(([i, at, variant]) => {
    const flow = !variant.startsWith('update');
    const updateId = variant === 'flow null update_id' ? null : `ux-${i}`;
    const rows: Record<string, string> = {
      'rows NaN': '"NaN"',
      'rows negative': '-5',
      'rows 1e18': '1000000000000000000',
      'rows text': '"many"',
      'rows fraction': '12.5',
    };
    const details = flow
      ? `{"flow_progress":{"status":"${variant === 'flow status' ? 'MELTED' : 'COMPLETED'}","metrics":{"num_output_rows":${rows[variant] ?? '510'}}}}`
      : `{"update_progress":{"state":"${variant === 'update state' ? 'EXPLODED' : 'COMPLETED'}"}}`;
    const nullTs = variant.endsWith('null timestamp');
    return row({
      source: 'event log',
      variant,
      subject: flow ? `table:${PIPELINE_TABLE}` : `pipeline:${PIPELINE}`,
      key: `pipeline ${PIPELINE} update ${String(updateId)}`,
      insert: (wh) =>
        wh.session.run(
          `INSERT INTO sim_world.event_log (id, origin, "timestamp", message, level, details, event_type, _visible_at)
           VALUES ($id, {'pipeline_id': $pl, 'pipeline_name': 'pl', 'update_id': $u, 'flow_id': NULL, 'flow_name': $flow, 'dataset_name': NULL, 'cluster_id': NULL},
             make_timestamp($at), 'e', 'INFO', $details, $type, make_timestamp($seen))`,
          {
            id: `hostile-${i}`,
            pl: PIPELINE,
            u: updateId,
            flow: flow ? 't2' : null,
            at: ts(nullTs ? null : at),
            details,
            type: flow ? 'flow_progress' : 'update_progress',
            seen: ts(NOW - 10 * MIN),
          },
        ),
    });
  });

const deltaHistory = fc
  .tuple(n, postDeploy, fc.constantFrom('null timestamp', 'rows NaN', 'rows negative', 'rows 1e18', 'rows fraction'))
  .map(([i, at, variant]) => {
    const version = 5_000 + i;
    const rows: Record<string, string> = {
      'rows NaN': 'NaN',
      'rows negative': '-1',
      'rows 1e18': '1000000000000000000',
      'rows fraction': '12.5',
    };
    return row({
      source: 'Delta history',
      variant,
      subject: `table:${JOB_TABLE}`,
      key: `${JOB_TABLE} version ${version}`,
      insert: (wh) =>
        wh.session.run(
          `INSERT INTO sim_world.delta_commits (table_name, version, "timestamp", operation, job, operationMetrics, _visible_at)
           VALUES ($t, $v, make_timestamp($at), 'WRITE', {'jobId': $job, 'jobName': 'nightly', 'runId': NULL}, MAP {'numOutputRows': $rows}, make_timestamp($seen))`,
          {
            t: JOB_TABLE,
            v: version,
            at: ts(variant === 'null timestamp' ? null : at),
            job: JOB,
            rows: rows[variant] ?? '1010',
            seen: ts(NOW - 10 * MIN),
          },
        ),
    });
  });

const jobsApi = fc
  .tuple(n, fc.integer({ min: 20, max: 300 }), fc.constantFrom('null run_id', 'state', 'end before start'))
  .map(([i, minsAgo, variant]) => {
    const runId = variant === 'null run_id' ? null : `ax-${i}`;
    const start = NOW - minsAgo * MIN;
    return row({
      source: 'jobs/runs/list',
      variant,
      subject: `job:${JOB}`,
      key: `run_id ${String(runId)}`,
      insert: (wh) =>
        wh.session.run(
          `INSERT INTO sim_world.api_runs (run_id, job_id, start_ms, end_ms, result_state, termination_code, termination_type, tasks, run_name)
           VALUES ($run, $job, $start, $end, $state, 'SUCCESS', 'SUCCESS', '[]', 'nightly')`,
          {
            run: runId,
            job: JOB,
            start,
            end: variant === 'end before start' ? start - HOUR : start + 5 * MIN,
            state: variant === 'state' ? 'EXPLODED' : 'SUCCESS',
          },
        ),
    });
  });

const dbtResults = fc
  .tuple(n, postDeploy, fc.constantFrom('null job_run_id', 'failures negative', 'failures 1e18'))
  .map(([i, at, variant]) => {
    const unique = `test.p.hostile_${i}`;
    return row({
      source: 'dbt results',
      variant,
      subject: `job:${JOB}`,
      key: `test ${unique}`,
      insert: async (wh) => {
        await wh.session.run(
          `INSERT INTO sim_world.elementary__dbt_invocations (invocation_id, job_id, job_run_id, created_at, _visible_at)
           VALUES ($inv, $job, $run, make_timestamp($at), make_timestamp($at))`,
          { inv: `invx-${i}`, job: JOB, run: variant === 'null job_run_id' ? null : 'j-166', at: ts(at) },
        );
        await wh.session.run(
          `INSERT INTO sim_world.elementary__dbt_run_results (unique_id, invocation_id, created_at, name, status, resource_type, failures, _visible_at)
           VALUES ($u, $inv, make_timestamp($at), 'hostile', 'pass', 'test', $failures, make_timestamp($at))`,
          {
            u: unique,
            inv: `invx-${i}`,
            at: ts(at),
            failures: variant === 'failures negative' ? -3 : variant === 'failures 1e18' ? 1e18 : 0,
          },
        );
      },
    });
  });

const deployments = fc
  .tuple(n, fc.constantFrom('null bundle', 'null version', 'null status', 'null finished_at', 'started after finished'))
  .map(([i, variant]) => {
    const id = `dep-x${i}`;
    return row({
      source: 'deployments',
      variant,
      subject: `deployment:${id}`,
      key: `deployment_id ${id}`,
      insert: (wh) =>
        insertDeployment(wh, {
          deployment_id: id,
          // Another bundle: a well-formed row here would not supersede the deployment judged.
          bundle: variant === 'null bundle' ? null : 'other',
          target: 'prod',
          version: variant === 'null version' ? null : 'v9',
          status: variant === 'null status' ? null : 'SUCCEEDED',
          started_ms: variant === 'started after finished' ? DEPLOYED + HOUR : DEPLOYED - 5 * MIN,
          finished_ms: variant === 'null finished_at' ? null : DEPLOYED,
        }),
    });
  });

/** One hostile row of any source. */
export const hostileRows: fc.Arbitrary<HostileRow> = fc.oneof(
  jobRunTimeline,
  pipelineTimeline,
  eventLog,
  deltaHistory,
  jobsApi,
  dbtResults,
  deployments,
);

export const hostileRow = {
  /** Not hostile: a well-formed run that failed after the deploy, on both planes (the control). */
  failedRun: (): HostileRow =>
    row({
      source: 'control',
      variant: 'failed run',
      subject: `job:${JOB}`,
      key: 'jf-1',
      insert: async (wh) => {
        const start = NOW - 2 * HOUR + 20 * MIN;
        await wh.session.run(
          `INSERT INTO sim_world.api_runs (run_id, job_id, start_ms, end_ms, result_state, termination_code, termination_type, tasks, run_name)
           VALUES ('jf-1', $job, $start, $end, 'FAILED', 'RUN_EXECUTION_ERROR', 'CLIENT_ERROR', '[]', 'nightly')`,
          { job: JOB, start, end: start + 5 * MIN },
        );
        await wh.session.run(
          `INSERT INTO sim_world.system_lakeflow__job_run_timeline (workspace_id, job_id, run_id, period_start_time, period_end_time, result_state, termination_code, termination_type, _visible_at)
           VALUES ('4242', $job, 'jf-1', make_timestamp($start), make_timestamp($end), 'FAILED', 'RUN_EXECUTION_ERROR', 'CLIENT_ERROR', make_timestamp($end))`,
          { job: JOB, start: start * 1000, end: (start + 5 * MIN) * 1000 },
        );
      },
    }),
};
