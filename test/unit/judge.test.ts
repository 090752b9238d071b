import { describe, expect, it } from 'vitest';
import type { DeploymentEvidence, SubjectEvidence } from '../../src/checks/evidence.js';
import { judgeDeployment } from '../../src/checks/judge.js';
import { DEFAULT_POLICY, type Policy } from '../../src/checks/policy.js';
import type {
  BacklogSample,
  CheckName,
  Deployment,
  ExpectationRecord,
  MeasurementError,
  RunRecord,
} from '../../src/types.js';
import { testDeployment } from '../support/deployment.js';
import { aRun, aSubject, DAY, HOUR, runsEvery, T0 } from './builders.js';

// A daily job at 02:00 UTC with 28 days of 10-minute runs; deployed Tuesday 03:00.
const deployMs = T0 + 3 * HOUR;
const subject = aSubject({ targetTables: [] });
const history = runsEvery(T0 - 28 * DAY + 2 * HOUR, 28, DAY, (i) => 600 + (i % 5) * 3);

function evidence(
  runs: readonly RunRecord[],
  over: Partial<SubjectEvidence> = {},
  dep: Partial<Deployment> = {},
  errors: MeasurementError[] = [],
): DeploymentEvidence {
  return {
    deployment: testDeployment({ finishedMs: deployMs, ...dep }),
    supersededAtMs: null,
    subjects: [{ subject, runs, writes: [], expectations: [], backlog: [], ...over }],
    errors,
    peers: [],
  };
}
const postRun = (day: number, seconds: number, id = `p${day}`) =>
  aRun({ runId: id, startMs: T0 + day * DAY + 2 * HOUR, endMs: T0 + day * DAY + 2 * HOUR + seconds * 1000 });
const find = (rs: ReturnType<typeof judgeDeployment>, check: CheckName) => rs.filter((r) => r.check === check);
const test = (runId: string, timestampMs: number, outcome: 'pass' | 'fail'): ExpectationRecord => ({
  subjectId: '1',
  runId,
  timestampMs,
  name: 'unique_order_id',
  dataset: 'orders',
  severity: 'error',
  passed: null,
  failed: null,
  outcome,
  source: 'dbt',
  plane: 'fast',
});

describe('judge: duration, expectations and backlog', () => {
  it('judges duration per subject and emits no expectation or backlog rows without evidence', () => {
    const rs = judgeDeployment(evidence([...history, postRun(1, 1200)]), DEFAULT_POLICY, T0 + DAY + 4 * HOUR);
    expect(find(rs, 'duration')).toHaveLength(1);
    expect(find(rs, 'duration')[0]!.status).toBe('FAIL');
    expect(find(rs, 'expectations')).toHaveLength(0);
    expect(find(rs, 'backlog')).toHaveLength(0);
  });
  it('applies a hard SLA given for the bundle resource key', () => {
    const policy: Policy = { ...DEFAULT_POLICY, slaSecondsByKey: { orders_daily: 610 } };
    const r = find(
      judgeDeployment(evidence([...history, postRun(1, 615)]), policy, T0 + DAY + 4 * HOUR),
      'duration',
    )[0]!;
    expect(r.status).toBe('FAIL');
    expect(r.threshold).toBe(610);
    expect(
      find(
        judgeDeployment(evidence([...history, postRun(1, 615)]), DEFAULT_POLICY, T0 + DAY + 4 * HOUR),
        'duration',
      )[0]!.status,
    ).not.toBe('FAIL');
  });
  it('keeps dry-run and expected-change annotations working for the new checks', () => {
    const runs = [...history, postRun(1, 1200)];
    const dry = { ...DEFAULT_POLICY, dryRun: { ...DEFAULT_POLICY.dryRun, duration: true } };
    expect(find(judgeDeployment(evidence(runs), dry, T0 + DAY + 4 * HOUR), 'duration')[0]!.suppressedBy).toBe(
      'dry-run',
    );
    const expected = judgeDeployment(
      evidence(runs, {}, { expectedChanges: ['duration'] }),
      DEFAULT_POLICY,
      T0 + DAY + 4 * HOUR,
    );
    expect(find(expected, 'duration')[0]!.suppressedBy).toBe('expected change');
    expect(
      find(judgeDeployment(evidence(runs), DEFAULT_POLICY, T0 + DAY + 4 * HOUR), 'duration')[0]!.suppressedBy,
    ).toBeNull();
  });
  it('records failed measurements as ERROR, never as a failed check', () => {
    const errors: MeasurementError[] = [
      { kind: 'runs', subject: 'job:1', message: 'jobs/runs/list returned 503' },
      { kind: 'expectations', subject: 'job:1', message: 'event log unavailable' },
    ];
    const rs = judgeDeployment(
      evidence([...history, postRun(1, 1200)], {}, {}, errors),
      DEFAULT_POLICY,
      T0 + DAY + 4 * HOUR,
    );
    expect(find(rs, 'duration')[0]!.status).toBe('ERROR');
    expect(find(rs, 'expectations')[0]!.status).toBe('ERROR');
    expect(find(rs, 'expectations')[0]!.explanation).toMatch(/event log unavailable/);
  });
  it('counts expectation results of a run that straddles the deploy on neither side', () => {
    const straddler = aRun({ runId: 'straddle', startMs: deployMs - 30 * 60_000, endMs: deployMs + 30 * 60_000 });
    const before = history.map((r) => test(r.runId, r.endMs!, 'pass'));
    const onlyStraddler = evidence([...history, straddler], {
      expectations: [...before, test('straddle', deployMs + 30 * 60_000, 'fail')],
    });
    const r = find(judgeDeployment(onlyStraddler, DEFAULT_POLICY, deployMs + HOUR), 'expectations')[0]!;
    expect(r.status).toBe('INCONCLUSIVE');
    expect(r.look).toBe(0);
    const withPost = evidence([...history, straddler, postRun(1, 600)], {
      expectations: [
        ...before,
        test('straddle', deployMs + 30 * 60_000, 'fail'),
        test('p1', T0 + DAY + 3 * HOUR, 'fail'),
      ],
    });
    const failed = find(judgeDeployment(withPost, DEFAULT_POLICY, T0 + DAY + 4 * HOUR), 'expectations')[0]!;
    expect(failed.status).toBe('FAIL');
    // The oldest run falls just outside the 28-day baseline window; the straddler counts on neither side.
    expect(failed.baselineN).toBe(27);
  });
  it('adds no statistical look on ticks that see no new run', () => {
    const ev = evidence([...history, postRun(1, 640), postRun(2, 1200)], {
      expectations: [...history.map((r) => test(r.runId, r.endMs!, 'pass')), test('p1', T0 + DAY + 3 * HOUR, 'pass')],
    });
    const early = judgeDeployment(ev, DEFAULT_POLICY, T0 + 2 * DAY + 3 * HOUR);
    const later = judgeDeployment(ev, DEFAULT_POLICY, T0 + 2 * DAY + 20 * HOUR);
    for (const check of ['duration', 'expectations'] as const) {
      const [a, b] = [find(early, check)[0]!, find(later, check)[0]!];
      expect({ look: b.look, status: b.status, statistic: b.statistic }).toEqual({
        look: a.look,
        status: a.status,
        statistic: a.statistic,
      });
    }
    expect(find(early, 'duration')[0]!.look).toBe(2);
  });
  it('judges the backlog of streaming subjects, not critical unless the policy says so', () => {
    const sample = (t: number, s: number): BacklogSample => ({
      subjectId: '1',
      flow: 'orders_silver',
      timestampMs: t,
      runId: null,
      backlogRecords: null,
      backlogSeconds: s,
      plane: 'fast',
    });
    const pre = Array.from({ length: 48 }, (_, i) => sample(deployMs - (48 - i) * 600_000, 400 + (i % 4) * 20));
    const post = Array.from({ length: 8 }, (_, i) => sample(deployMs + (i + 1) * 600_000, 400 * 1.6 ** (i + 1)));
    const ev = evidence(history, { backlog: [...pre, ...post] });
    const r = find(judgeDeployment(ev, DEFAULT_POLICY, deployMs + 2 * HOUR), 'backlog')[0]!;
    expect(r.status).toBe('FAIL');
    expect(r.critical).toBe(false);
    const critical = { ...DEFAULT_POLICY, critical: { ...DEFAULT_POLICY.critical, backlog: true } };
    expect(find(judgeDeployment(ev, critical, deployMs + 2 * HOUR), 'backlog')[0]!.critical).toBe(true);
  });
});
