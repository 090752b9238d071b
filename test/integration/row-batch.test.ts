import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { observedRunRows } from '../../src/tick/runs.js';
import type { RunRecord } from '../../src/types.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { indexedRows } from '../../src/warehouse/id-rows.js';

const T = 1_793_577_600_123;
const run = (over: Partial<RunRecord>): RunRecord => ({
  subjectId: 'job-1',
  runId: 'r1',
  startMs: T,
  endMs: T + 61_000,
  result: 'SUCCESS',
  rawResult: 'SUCCEEDED',
  cause: 'user',
  failedTasks: [],
  plane: 'fast',
  ...over,
});

describe('row batches sent with their statement', () => {
  let wh: DuckDbWarehouse;
  beforeAll(async () => {
    wh = await DuckDbWarehouse.open(':memory:');
    await wh.applyDdl('ddl/ops');
    await wh.applyDdl('ddl/system');
  });
  afterAll(async () => wh.close());

  it('keeps timestamps to the millisecond, NULLs, quotes and non-ASCII text', async () => {
    const runs = [
      run({}),
      run({
        runId: 'r\'2"',
        subjectId: 'jöb—ü 🚀',
        endMs: null,
        result: 'RUNNING',
        rawResult: null,
        failedTasks: ["task 'a'", 'b\\c'],
      }),
    ];
    await wh.execute('tick/merge_observed_runs', {}, observedRunRows(runs, T + 120_000));
    const rows = await wh.session.all(
      'SELECT run_id, subject_id, start_time, end_time, raw_result, failed_tasks, observed_at FROM postflight.observed_runs ORDER BY run_id',
    );
    expect(rows).toEqual([
      {
        run_id: 'r\'2"',
        subject_id: 'jöb—ü 🚀',
        start_time: T,
        end_time: null,
        raw_result: null,
        failed_tasks: JSON.stringify(["task 'a'", 'b\\c']),
        observed_at: T + 120_000,
      },
      {
        run_id: 'r1',
        subject_id: 'job-1',
        start_time: T,
        end_time: T + 61_000,
        raw_result: 'SUCCEEDED',
        failed_tasks: '[]',
        observed_at: T + 120_000,
      },
    ]);
  });

  it('turns non-finite numbers into NULL and rounds whole-number columns', async () => {
    await wh.execute(
      'tick/merge_table_commits',
      {},
      {
        columns: [
          { name: 'table_name', type: 'STRING' },
          { name: 'version', type: 'BIGINT' },
          { name: 'commit_time', type: 'TIMESTAMP' },
          { name: 'operation', type: 'STRING' },
          { name: 'rows_written', type: 'BIGINT' },
          { name: 'job_id', type: 'STRING' },
          { name: 'run_id', type: 'STRING' },
          { name: 'read_at', type: 'TIMESTAMP' },
          { name: 'expectations', type: 'STRING' },
          { name: 'backlog_records', type: 'BIGINT' },
          { name: 'backlog_seconds', type: 'DOUBLE' },
        ],
        rows: [['c.s.t', 3, T, 'WRITE', 41.6, 'j', 'r', T, null, Number.NaN, Number.POSITIVE_INFINITY]],
      },
    );
    const rows = await wh.session.all(
      'SELECT version, rows_written, backlog_records, backlog_seconds FROM postflight.table_commits',
    );
    expect(rows).toEqual([{ version: 3, rows_written: 42, backlog_records: null, backlog_seconds: null }]);
  });

  it('reads with an empty batch and returns no rows', async () => {
    expect(
      await wh.query('tick/runs', { since_ms: 0, weekday_since_ms: 0, tasks_since_ms: 0 }, indexedRows([], 'id')),
    ).toEqual([]);
  });
});
