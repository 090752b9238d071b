import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { measurementError } from '../../src/checks/result.js';
import { malformedEvent } from '../../src/evidence/validate-events.js';
import { historyRowReason, malformedHistory } from '../../src/evidence/validate-history.js';
import { apiRunReason, systemRunReason } from '../../src/evidence/validate-runs.js';
import { checkCount, checkTime, MAX_ROWS, malformedRow } from '../../src/evidence/validate-values.js';
import { pipelineEvidence } from '../../src/tick/pipeline-events.js';
import type { HistoryEntry } from '../../src/warehouse/port.js';

const T = Date.UTC(2026, 10, 2, 12);
const entry = (over: Partial<HistoryEntry>): HistoryEntry => ({
  version: 7,
  timestampMs: T,
  operation: 'WRITE',
  operationMetrics: { numOutputRows: '10' },
  jobId: 'j',
  runId: 'r',
  ...over,
});

describe('plausible values', () => {
  it('takes every whole count from 0 to the bound, and nothing else', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (n) => {
        expect(checkCount('rows', n) === null).toBe(n <= MAX_ROWS);
        expect(checkCount('rows', String(n)) === null).toBe(n <= MAX_ROWS);
      }),
    );
    for (const bad of ['NaN', 'Infinity', '-1', '12.5', 'many', '', '1e18', -3, 1e18, Number.NaN, true])
      expect(checkCount('rows', bad)).not.toBeNull();
    expect(checkCount('rows', null)).toBeNull();
    expect(checkCount('rows', null, false)).toBe('rows is NULL');
  });

  it('takes times of this century only', () => {
    expect(checkTime('t', T)).toBeNull();
    for (const bad of [null, undefined, 0, -1, Number.NaN, 'soon', Date.UTC(2200, 0, 1), T / 1000])
      expect(checkTime('t', bad)).not.toBeNull();
  });
});

describe('Delta history rows', () => {
  it('names what is wrong with a commit', () => {
    expect(historyRowReason(entry({}))).toBeNull();
    expect(historyRowReason(entry({ timestampMs: Number.NaN }))).toBe('timestamp is NULL, not a time');
    expect(historyRowReason(entry({ operationMetrics: { numOutputRows: 'NaN' } }))).toMatch(/numOutputRows.*'NaN'/);
    expect(historyRowReason(entry({ operationMetrics: { numOutputRows: '1000000000000000000' } }))).toMatch(/beyond/);
    // Maintenance metrics are no row counts.
    expect(historyRowReason(entry({ operation: 'OPTIMIZE', operationMetrics: { numOutputRows: 'x' } }))).toBeNull();
  });

  it('reports the first malformed commit in the baseline with its table and version, and none older', () => {
    const e = malformedHistory(
      'c.s.t',
      [entry({ version: 9, timestampMs: Number.NaN }), entry({ version: 8 })],
      5,
      T - 1,
    );
    expect(e).toMatchObject({ kind: 'writes', subject: 'table:c.s.t', fault: 'malformed evidence' });
    expect(e!.message).toBe('malformed evidence: timestamp is NULL, not a time (DESCRIBE HISTORY c.s.t version 9)');
    // Older than a well-formed commit before the baseline: outside what is judged.
    const old = [entry({ version: 9, timestampMs: T - 10 }), entry({ version: 3, timestampMs: Number.NaN })];
    expect(malformedHistory('c.s.t', old, undefined, T)).toBeNull();
    // Already cached: not read again.
    expect(malformedHistory('c.s.t', [entry({ version: 4, timestampMs: Number.NaN })], 5, T)).toBeNull();
  });
});

describe('runs', () => {
  const sys = { run_id: 'r1', start_ms: T, end_ms: T + 60_000, raw_result: null, task_key: null };
  it('holds a system-table run to an id, a start, an end not before it and a known outcome', () => {
    expect(systemRunReason(sys)).toBeNull();
    expect(systemRunReason({ ...sys, run_id: null })).toBe('run_id is NULL');
    expect(systemRunReason({ ...sys, start_ms: null })).toMatch(/^period_start_time is NULL/);
    expect(systemRunReason({ ...sys, end_ms: null })).toMatch(/^period_end_time of a finished run is NULL/);
    expect(systemRunReason({ ...sys, end_ms: T - 1 })).toMatch(/before period_start_time/);
    expect(systemRunReason({ ...sys, raw_result: 'EXPLODED' })).toMatch(/not a run outcome/);
    expect(systemRunReason({ ...sys, raw_result: 'FAILED' })).toBeNull();
  });

  it('holds a runs/list run to the same, with end_time 0 for a run still going', () => {
    const api = { run_id: 5, job_id: 7, start_time: T, end_time: 0, state: { life_cycle_state: 'RUNNING' } };
    expect(apiRunReason(api)).toBeNull();
    expect(apiRunReason({ ...api, run_id: 'null' })).toMatch(/^run_id/);
    expect(apiRunReason({ ...api, start_time: 0 })).toMatch(/^start_time 0 is not a plausible time/);
    expect(apiRunReason({ ...api, end_time: T - 5 })).toMatch(/before start_time/);
    expect(apiRunReason({ ...api, state: { life_cycle_state: 'DANCING' } })).toMatch(/life-cycle/);
    expect(apiRunReason({ ...api, end_time: T + 5, state: { result_state: 'MAYBE' } })).toMatch(/not a run outcome/);
  });
});

describe('event-log rows', () => {
  const flow = {
    pipeline_id: 'p',
    update_id: 'u1',
    table_name: 'c.s.t',
    event_type: 'flow_progress',
    ts_ms: T,
    flow_status: 'COMPLETED',
    num_output_rows: '10',
    backlog_records: null,
    backlog_seconds: null,
    expectations: '[]',
  };

  it('gives a bad count to the table, a bad lifecycle to the pipeline', () => {
    expect(malformedEvent(flow)).toBeNull();
    expect(malformedEvent({ ...flow, num_output_rows: 'NaN' })).toMatchObject({
      kind: 'writes',
      subject: 'table:c.s.t',
    });
    expect(
      malformedEvent({ ...flow, expectations: '[{"name":"x","passed_records":-1,"failed_records":0}]' }),
    ).toMatchObject({ kind: 'expectations', subject: 'pipeline:p' });
    const update = {
      pipeline_id: 'p',
      update_id: 'u1',
      event_type: 'update_progress',
      ts_ms: T,
      update_state: 'WEIRD',
    };
    expect(malformedEvent(update)).toMatchObject({ kind: 'runs', subject: 'pipeline:p' });
  });

  it('keeps a write whose count is bad, so the table is not stale, and drops none in silence', () => {
    const rows = [
      flow,
      { ...flow, update_id: 'u2', ts_ms: T + 1, num_output_rows: 'NaN' },
      { ...flow, update_id: 'u3', ts_ms: null },
    ];
    const pe = pipelineEvidence(rows);
    expect(pe.writes.map((w) => [w.runId, w.rows])).toEqual([
      ['u1', 10],
      ['u2', null],
    ]);
    expect(pe.errors.map((e) => e.message)).toEqual([
      "malformed evidence: flow_progress.metrics.num_output_rows is 'NaN', not a count (event log pipeline p update u2 flow_progress at " +
        (T + 1) +
        ')',
      'malformed evidence: timestamp is NULL, not a time (event log pipeline p update u3 flow_progress at null)',
    ]);
  });
});

describe('the ERROR a malformed row makes', () => {
  it('starts with its kind word and carries it as kind; a failed read still could not measure', () => {
    const e = malformedRow('runs', 'job:1', 'system.lakeflow', 'run null of 1', 'run_id is NULL');
    const r = measurementError('run_health', 'job:1', 0, true, e);
    expect(r.status).toBe('ERROR');
    expect(r.kind).toBe('malformed evidence');
    expect(r.explanation).toBe('malformed evidence: run_id is NULL (system.lakeflow run null of 1)');
    const read = measurementError('run_health', 'job:1', 0, true, {
      kind: 'runs',
      subject: 'job:1',
      message: 'timeout',
    });
    expect(read.explanation).toBe('could not measure: timeout');
    expect(read.kind).toBeUndefined();
  });
});
