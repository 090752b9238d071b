import { describe, expect, it } from 'vitest';
import { backlogOf, expectationsOf, type FlowCommit, flowMetricsOf } from '../../src/tick/flow-metrics.js';
import { T0 } from './builders.js';

const commit = (metrics: FlowCommit['metrics'], runId: string | null = 'u1'): FlowCommit => ({
  table: 'prod.sales.orders',
  subjectId: 'p1',
  runId,
  timestampMs: T0,
  rows: 1000,
  plane: 'fast',
  metrics,
});

describe('flow metrics', () => {
  it('turns the event log expectations array into one record per expectation', () => {
    const json = JSON.stringify([
      { name: 'valid_id', dataset: 'orders', passed_records: 990, failed_records: 10 },
      { name: 'valid_amount', dataset: 'orders', passed_records: 1000, failed_records: 0 },
    ]);
    const recs = expectationsOf(commit(flowMetricsOf(json, null, null)));
    expect(recs.map((r) => [r.name, r.passed, r.failed, r.outcome, r.source])).toEqual([
      ['valid_id', 990, 10, 'fail', 'dlt'],
      ['valid_amount', 1000, 0, 'pass', 'dlt'],
    ]);
    expect(recs[0]!.runId).toBe('u1');
  });

  it('skips malformed entries and text that is not JSON instead of inventing counts', () => {
    const json = JSON.stringify([
      { name: 'a', passed_records: 'x', failed_records: 1 },
      { passed_records: 1, failed_records: 0 },
      { name: 'b', passed_records: 5, failed_records: -1 },
    ]);
    expect(expectationsOf(commit(flowMetricsOf(json, null, null)))).toEqual([]);
    expect(expectationsOf(commit(flowMetricsOf('{not json', null, null)))).toEqual([]);
    expect(expectationsOf(commit(null))).toEqual([]);
  });

  it('reads backlog records and seconds, and nothing when the flow reported neither', () => {
    const b = backlogOf(commit(flowMetricsOf(null, '1200', 35.5)));
    expect(b).toMatchObject({ flow: 'orders', backlogRecords: 1200, backlogSeconds: 35.5, runId: 'u1' });
    expect(backlogOf(commit(flowMetricsOf(null, null, '')))).toBeNull();
  });
});
