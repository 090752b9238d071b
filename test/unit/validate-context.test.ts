import { describe, expect, it } from 'vitest';
import { judgeDeployment } from '../../src/checks/judge.js';
import { DEFAULT_POLICY } from '../../src/checks/policy.js';
import {
  driftRowReason,
  lineageRowReason,
  qualityRowReason,
  settingsRowReason,
  statedRowReason,
} from '../../src/evidence/validate-context.js';
import { lineageIndex, malformedLineage } from '../../src/tick/lineage.js';
import { statedSlasOf } from '../../src/tick/stated-slas-read.js';
import type { MeasurementError } from '../../src/types.js';
import { testDeployment } from '../support/deployment.js';
import { aRun, aSubject, DAY, HOUR, T0 } from './builders.js';

const AT = Date.UTC(2026, 10, 2, 12);

describe('lineage rows', () => {
  const good = { entity_type: 'JOB', entity_id: '7', source: 'main.raw.src', target: 'main.s.t1' };
  it('passes well-formed rows, a read or write alone, and a path (both names NULL)', () => {
    expect(lineageRowReason(good)).toBeNull();
    expect(lineageRowReason({ ...good, source: null })).toBeNull();
    expect(lineageRowReason({ ...good, source: null, target: null })).toBeNull();
  });
  it.each([
    [{ entity_id: null }, /entity_id is NULL/],
    [{ entity_id: '' }, /entity_id/],
    [{ entity_type: 'NOTEBOOK' }, /entity_type 'NOTEBOOK' is not a known state/],
    [{ target: '' }, /target_table_full_name '' is not a table's full name/],
    [{ target: 'just_a_table' }, /target_table_full_name/],
    [{ source: 'a..b' }, /source_table_full_name/],
    [{ target: 42 }, /target_table_full_name '42'/],
  ])('rejects %o', (over, reason) => {
    expect(lineageRowReason({ ...good, ...over })).toMatch(reason);
  });
  it('leaves a malformed row out of the index and reports it for its judged subject, others for lineage', () => {
    const rows = [good, { ...good, target: 'garbage' }, { ...good, entity_id: '8', target: '' }];
    const ix = lineageIndex(rows, ['7']);
    expect([...(ix.targets.get('7') ?? [])]).toEqual(['main.s.t1']);
    const errors = malformedLineage(rows, new Map([['7', 'job']]));
    expect(errors.map((e) => [e.kind, e.subject, e.fault])).toEqual([
      ['lineage', 'job:7', 'malformed evidence'],
      ['lineage', 'lineage', 'malformed evidence'],
    ]);
    expect(errors[0]!.message).toBe(
      "malformed evidence: target_table_full_name 'garbage' is not a table's full name (catalog.schema.table) (table_lineage JOB 7: main.raw.src -> garbage)",
    );
  });
});

describe('stated limits', () => {
  const job = { idx: 0, kind: 'job', timeout_seconds: 3600, health_rules: null, task_key: null, settings: null };
  it('passes a job without limits, with a timeout, and with duration rules', () => {
    expect(statedRowReason({ ...job, timeout_seconds: null })).toBeNull();
    expect(statedRowReason({ ...job, timeout_seconds: 0 })).toBeNull();
    expect(
      statedRowReason({
        ...job,
        health_rules: '[{"metric":"RUN_DURATION_SECONDS","operator":"GREATER_THAN","value":600}]',
      }),
    ).toBeNull();
    expect(
      statedRowReason({ kind: 'snapshot', settings: '{"timeout_seconds":60,"tasks":[{"task_key":"a"}]}' }),
    ).toBeNull();
  });
  it.each([
    [{ timeout_seconds: -5 }, /timeout_seconds -5 is outside 0/],
    [{ timeout_seconds: 1e12 }, /timeout_seconds 1000000000000 is outside 0/],
    [{ timeout_seconds: 'NaN' }, /timeout_seconds is 'NaN', not a number/],
    [{ timeout_seconds: 1.5 }, /not whole seconds/],
    [{ health_rules: '{not json' }, /health_rules is not JSON/],
    [{ health_rules: '{"metric":"RUN_DURATION_SECONDS"}' }, /not a list of rules/],
    [{ health_rules: '[{"metric":"RUN_DURATION_SECONDS","value":-1}]' }, /health_rules\[0\]\.value -1/],
    [{ health_rules: '[{"value":5}]' }, /health_rules\[0\]\.metric/],
    [{ kind: 'task', task_key: null }, /task_key is NULL/],
    [{ kind: 'snapshot', settings: 'nope' }, /settings is not JSON/],
    [{ kind: 'snapshot', settings: '{"tasks":[{"timeout_seconds":-1}]}' }, /settings\.tasks\[0\]\.timeout_seconds -1/],
    [{ kind: 'other' }, /kind 'other'/],
  ])('rejects %o', (over, reason) => {
    expect(statedRowReason({ ...job, ...over })).toMatch(reason);
  });
  it('states nothing from a malformed row, and reports it as an sla error of its job naming the row', () => {
    const wanted = [
      { deploymentId: 'd1', jobId: '7' },
      { deploymentId: 'd1', jobId: '8' },
    ];
    const errors: MeasurementError[] = [];
    const ix = statedSlasOf(
      wanted,
      [
        { ...job, idx: 0, timeout_seconds: -5 },
        { ...job, idx: 0, kind: 'task', task_key: 'a', timeout_seconds: 60 },
        { ...job, idx: 1, timeout_seconds: 600 },
      ],
      (e) => errors.push(e),
    );
    expect(errors).toEqual([
      {
        kind: 'sla',
        subject: 'job:7',
        fault: 'malformed evidence',
        message:
          'malformed evidence: timeout_seconds -5 is outside 0 to 31622400 (system.lakeflow.jobs job 7 in deployment d1)',
      },
    ]);
    expect(ix.get('d1')?.get('7')?.job).toEqual([]);
    expect(
      ix
        .get('d1')
        ?.get('8')
        ?.job.map((l) => l.seconds),
    ).toEqual([600]);
  });
});

describe('settings rows', () => {
  const row = { idx: 0, side: 'after', source: 'lakeflow_row', name: 'n', paused: false, timeout_seconds: 0 };
  it('passes a system row and a snapshot', () => {
    expect(settingsRowReason(row)).toBeNull();
    expect(settingsRowReason({ idx: 0, side: 'before', source: 'snapshot', settings: '{}' })).toBeNull();
  });
  it.each([
    [{ side: null }, /side is NULL/],
    [{ side: 'during' }, /side 'during'/],
    [{ timeout_seconds: -1 }, /timeout_seconds -1/],
    [{ paused: 'yes' }, /paused is yes, not true or false/],
    [{ health_rules: '[1]' }, /health_rules\[0\] is not a rule/],
    [{ source: 'snapshot', settings: null }, /settings is NULL/],
    [{ source: 'guess' }, /source 'guess'/],
  ])('rejects %o', (over, reason) => {
    expect(settingsRowReason({ ...row, ...over })).toMatch(reason);
  });
});

describe('monitor rows', () => {
  it('holds quality results to a time and the documented statuses', () => {
    const q = { event_ms: AT, status: 'Healthy', freshness_status: 'Unhealthy', completeness_status: null };
    expect(qualityRowReason(q)).toBeNull();
    expect(qualityRowReason({ ...q, status: 'Unknown' })).toBeNull();
    expect(qualityRowReason({ ...q, event_ms: null })).toMatch(/event_time is NULL/);
    expect(qualityRowReason({ ...q, status: 'Exploded' })).toMatch(/status 'Exploded' is not a known state/);
    expect(qualityRowReason({ ...q, status: null })).toMatch(/status is NULL/);
    expect(qualityRowReason({ ...q, completeness_status: 'meh' })).toMatch(/completeness\.status/);
  });
  it('holds drift rows to a window, finite statistics, distances at or above 0 and p-values in 0 to 1', () => {
    const d = { window_start_ms: AT - HOUR, window_end_ms: AT, js_distance: 0.1, ks_pvalue: 0.5, count_delta: -3 };
    const metrics = ['js_distance', 'ks_pvalue', 'count_delta'];
    expect(driftRowReason(d, metrics)).toBeNull();
    expect(driftRowReason({ ...d, js_distance: null }, metrics)).toBeNull();
    expect(driftRowReason({ ...d, window_end_ms: AT - 2 * HOUR }, metrics)).toMatch(/before window.start/);
    expect(driftRowReason({ ...d, window_start_ms: null }, metrics)).toMatch(/window.start is NULL/);
    expect(driftRowReason({ ...d, js_distance: -0.2 }, metrics)).toMatch(/js_distance -0.2 is negative/);
    expect(driftRowReason({ ...d, ks_pvalue: 1.5 }, metrics)).toMatch(/not a p-value/);
    expect(driftRowReason({ ...d, count_delta: 'NaN' }, metrics)).toMatch(/count_delta is NaN, not a number/);
  });
});

describe('what a malformed context row does to the judgement', () => {
  const subject = aSubject({ targetTables: ['prod.sales.orders'] });
  const deployMs = T0 + 3 * HOUR;
  const runs = [aRun({ startMs: deployMs + HOUR, endMs: deployMs + HOUR + 600_000, result: 'SUCCESS' })];
  const judged = (errors: MeasurementError[]) =>
    judgeDeployment(
      {
        deployment: testDeployment({
          bundle: 'b',
          finishedMs: deployMs,
          resources: [{ type: 'job', id: '1', key: 'orders_daily' }],
        }),
        supersededAtMs: null,
        subjects: [{ subject, runs, writes: [], expectations: [], backlog: [] }],
        errors,
        peers: [],
      },
      DEFAULT_POLICY,
      deployMs + DAY,
    );
  const err = (kind: string, subj: string): MeasurementError => ({
    kind,
    subject: subj,
    message: `malformed evidence: bad (${kind} row)`,
    fault: 'malformed evidence',
  });
  const statusOf = (rs: ReturnType<typeof judged>, check: string, subj: string) =>
    rs.filter((r) => r.check === check && r.subject === subj).map((r) => r.status);

  it('a stated-limit row: duration is ERROR, the runs are still judged', () => {
    const rs = judged([err('sla', 'job:1')]);
    expect(statusOf(rs, 'duration', 'job:1')).toEqual(['ERROR']);
    expect(statusOf(rs, 'run_health', 'job:1')).toEqual(['PASS']);
  });
  it("a lineage row: the subject's row count and freshness are ERROR under its own name", () => {
    const rs = judged([err('lineage', 'job:1')]);
    expect(statusOf(rs, 'row_count', 'job:1')).toEqual(['ERROR']);
    expect(statusOf(rs, 'freshness', 'job:1')).toEqual(['ERROR']);
    expect(statusOf(rs, 'run_health', 'job:1')).toEqual(['PASS']);
  });
  it("a monitor row: the table's monitors check is ERROR, its row count and freshness are judged", () => {
    const rs = judged([err('monitors', 'table:prod.sales.orders')]);
    expect(statusOf(rs, 'monitors', 'table:prod.sales.orders')).toEqual(['ERROR']);
    expect(statusOf(rs, 'freshness', 'table:prod.sales.orders')).not.toContain('ERROR');
    expect(statusOf(rs, 'row_count', 'table:prod.sales.orders')).not.toContain('ERROR');
  });
  it('a settings row: the config check is ERROR', () => {
    expect(statusOf(judged([err('config', 'job:1')]), 'config', 'job:1')).toEqual(['ERROR']);
  });
});
