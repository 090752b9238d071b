import { describe, expect, it } from 'vitest';
import { parseDeployment } from '../../src/deployments/deployment-row.js';
import { failureCause, normalizeResult, runFromApi } from '../../src/evidence/normalize.js';

describe('run outcome vocabulary', () => {
  it('maps Jobs API, system-table and pipeline words to one vocabulary', () => {
    expect(normalizeResult('SUCCESS')).toBe('SUCCESS');
    expect(normalizeResult('SUCCEEDED')).toBe('SUCCESS');
    expect(normalizeResult('COMPLETED')).toBe('SUCCESS');
    expect(normalizeResult('TIMEDOUT')).toBe('TIMED_OUT');
    expect(normalizeResult('CANCELLED')).toBe('CANCELED');
  });
  it('keeps unknown or missing states unknown instead of guessing', () => {
    expect(normalizeResult('BANANA')).toBe('UNKNOWN');
    expect(normalizeResult(null)).toBe('UNKNOWN');
  });
  it('blames the platform for cloud and internal errors', () => {
    expect(failureCause('FAILED', 'CLOUD_FAILURE', 'CLOUD_FAILURE')).toBe('infrastructure');
    expect(failureCause('FAILED', 'CLIENT_ERROR', 'RUN_EXECUTION_ERROR')).toBe('user');
  });
  it('reads a running and a finished Jobs API run', () => {
    expect(
      runFromApi({
        run_id: 1,
        job_id: 2,
        start_time: 5,
        end_time: 0,
        state: { life_cycle_state: 'RUNNING' },
        status: { state: 'RUNNING' },
      }).result,
    ).toBe('RUNNING');
    const done = runFromApi({
      run_id: 1,
      job_id: 2,
      start_time: 5,
      end_time: 9,
      state: { life_cycle_state: 'TERMINATED', result_state: 'FAILED' },
      status: { state: 'TERMINATED', termination_details: { code: 'RUN_EXECUTION_ERROR', type: 'CLIENT_ERROR' } },
      tasks: [{ task_key: 'a', run_id: 3, state: { result_state: 'FAILED' } }],
    });
    expect(done).toMatchObject({ result: 'FAILED', cause: 'user', failedTasks: ['a'], endMs: 9 });
  });
});

describe('deployment rows', () => {
  const good = {
    deployment_id: 'd1',
    bundle: 'b',
    target: 'prod',
    version: 'v',
    finished_ms: 10,
    started_ms: 5,
    resources: '[{"type":"job","id":"1","key":"k"}]',
    expected_changes: '[]',
  };
  it('parses a well-formed row', () => {
    expect(parseDeployment(good).resources).toEqual([{ type: 'job', id: '1', key: 'k' }]);
    expect(
      parseDeployment({ ...good, resources: '[{"type":"job","id":"1","key":"k","dbt":false}]' }).resources,
    ).toEqual([{ type: 'job', id: '1', key: 'k', dbt: false }]);
  });
  it('names the field and the fix for bad input', () => {
    expect(() => parseDeployment({ ...good, resources: 'not json' })).toThrow(
      /deployments.resources of d1 is not valid JSON/,
    );
    expect(() => parseDeployment({ ...good, resources: '[{"type":"cluster","id":"1"}]' })).toThrow(
      /type 'job' or 'pipeline'/,
    );
    expect(() => parseDeployment({ ...good, finished_ms: null })).toThrow(/finished_at of d1 is NULL/);
    expect(() => parseDeployment({ ...good, expected_changes: '["volume"]' })).toThrow(/check names/);
    expect(() => parseDeployment({ ...good, resources: '[{"type":"job","id":"1","dbt":"yes"}]' })).toThrow(
      /deployments.resources\[0\].dbt of d1 must be true or false .*or left out when not known/,
    );
  });
});
