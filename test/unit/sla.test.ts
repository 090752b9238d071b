import { describe, expect, it } from 'vitest';
import type { DeploymentEvidence } from '../../src/checks/evidence.js';
import { judgeDeployment } from '../../src/checks/judge.js';
import { DEFAULT_POLICY, type Policy } from '../../src/checks/policy.js';
import { resolveSlas } from '../../src/checks/sla.js';
import { type StatedSlas, slasFromJobSettings } from '../../src/checks/stated-slas.js';
import type { RunRecord, TaskRunRecord } from '../../src/types.js';
import { testDeployment } from '../support/deployment.js';
import { aRun, aSubject, DAY, HOUR, runsEvery, T0 } from './builders.js';

// A daily job at 02:00 UTC whose runs take about 40 minutes; deployed Tuesday 03:00.
const deployMs = T0 + 3 * HOUR;
const subject = aSubject({ targetTables: [] });
const history = runsEvery(T0 - 28 * DAY + 2 * HOUR, 28, DAY, (i) => 2400 + (i % 5) * 20);
const MIN = 60_000;

const stated = slasFromJobSettings({
  timeout_seconds: 2700,
  health: { rules: [{ metric: 'RUN_DURATION_SECONDS', op: 'GREATER_THAN', value: 3600 }] },
  tasks: [
    { task_key: 'ingest', timeout_seconds: 600 },
    { task_key: 'transform', health: { rules: [{ metric: 'RUN_DURATION_SECONDS', op: 'GREATER_THAN', value: 2000 }] } },
  ],
});

function evidence(runs: readonly RunRecord[], slas: StatedSlas | null = stated): DeploymentEvidence {
  return {
    deployment: testDeployment({
      bundle: 'sales',
      startedMs: deployMs - MIN,
      finishedMs: deployMs,
      resources: [{ type: 'job', id: '1', key: 'orders_daily' }],
    }),
    supersededAtMs: null,
    subjects: [{ subject, runs, writes: [], expectations: [], backlog: [], stated: slas }],
    errors: [],
    peers: [],
  };
}

const START = T0 + DAY + 2 * HOUR;
const tasks = (ingestS: number, transformS: number | null, result: TaskRunRecord['result'] = 'SUCCESS') => [
  { taskKey: 'ingest', startMs: START, endMs: START + ingestS * 1000, result: 'SUCCESS' as const },
  {
    taskKey: 'transform',
    startMs: START + ingestS * 1000,
    endMs: transformS === null ? null : START + (ingestS + transformS) * 1000,
    result: transformS === null ? ('RUNNING' as const) : result,
  },
];
const post = (seconds: number | null, over: Partial<RunRecord> = {}) =>
  aRun({
    runId: 'p1',
    startMs: START,
    endMs: seconds === null ? null : START + seconds * 1000,
    result: seconds === null ? 'RUNNING' : 'SUCCESS',
    ...over,
  });
const duration = (ev: DeploymentEvidence, nowMs: number, policy: Policy = DEFAULT_POLICY) =>
  judgeDeployment(ev, policy, nowMs).find((r) => r.check === 'duration')!;
const later = T0 + DAY + 4 * HOUR;

describe('hard SLAs the workspace states', () => {
  it("fails a run over the job's timeout_seconds with no policy file, saying where the SLA came from", () => {
    const r = duration(evidence([...history, post(47 * 60)]), later);
    expect(r.status).toBe('FAIL');
    expect(r.threshold).toBe(2700);
    expect(r.explanation).toBe("run p1 of orders_daily took 47 min, over the job's timeout_seconds of 45 min");
  });

  it('passes the same run without settings, and a run just under the timeout with them', () => {
    expect(duration(evidence([...history, post(47 * 60)], null), later).status).not.toBe('FAIL');
    expect(duration(evidence([...history, post(2650)]), later).status).not.toBe('FAIL');
  });

  it('fails a task run over its own timeout or health rule, naming the task', () => {
    const ingest = duration(evidence([...history, post(2500, { tasks: tasks(700, 1800) })]), later);
    expect(ingest.status).toBe('FAIL');
    expect(ingest.explanation).toBe("task ingest of run p1 took 12 min, over task ingest's timeout_seconds of 10 min");
    const transform = duration(evidence([...history, post(2600, { tasks: tasks(500, 2100) })]), later);
    expect(transform.explanation).toMatch(
      /task transform of run p1 took 35 min, over task transform's RUN_DURATION_SECONDS health rule of 33 min/,
    );
  });

  it('counts a run Databricks cancelled for its timeout as a breach, at the task that timed out', () => {
    const job = duration(evidence([...history, post(2700, { result: 'TIMED_OUT', rawResult: 'TIMEDOUT' })]), later);
    expect(job.status).toBe('FAIL');
    expect(job.explanation).toBe(
      "run p1 of orders_daily timed out: Databricks cancelled it after 45 min at the job's timeout_seconds of 45 min",
    );
    const task = duration(
      evidence([...history, post(1500, { result: 'TIMED_OUT', tasks: tasks(500, 1000, 'TIMED_OUT') })]),
      later,
    );
    expect(task.explanation).toMatch(/^task transform of run p1 timed out: Databricks cancelled it after 17 min/);
    // A task of no limit of its own cancelled with its run was cancelled at the job's timeout.
    const publish = {
      taskKey: 'publish',
      startMs: START + 1500_000,
      endMs: START + 2700_000,
      result: 'TIMED_OUT' as const,
    };
    const byJob = duration(
      evidence([...history, post(2700, { result: 'TIMED_OUT', tasks: [...tasks(500, 1000), publish] })]),
      later,
    );
    expect(byJob.explanation).toBe(
      "run p1 of orders_daily timed out: Databricks cancelled it after 45 min at the job's timeout_seconds of 45 min",
    );
  });

  it('fails a run still going past its SLA, and asks to look again when a running task will cross one', () => {
    const running = duration(evidence([...history, post(null)]), START + 50 * MIN);
    expect(running.status).toBe('FAIL');
    expect(running.explanation).toMatch(/has been running for 50 min, past the job's timeout_seconds of 45 min/);
    const early = duration(evidence([...history, post(null, { tasks: tasks(300, null) })]), START + 20 * MIN);
    expect(early.status).not.toBe('FAIL');
    // transform started at +5 min and crosses its 2000 s rule before the run crosses 2700 s.
    expect(early.recheckAtMs).toBe(START + 300_000 + 2_000_000 + 1);
  });

  it("lets the policy's SLA take precedence over the job's and switch settings SLAs off", () => {
    const looser: Policy = { ...DEFAULT_POLICY, slaSecondsByKey: { orders_daily: 4000 } };
    expect(duration(evidence([...history, post(47 * 60)]), later, looser).status).not.toBe('FAIL');
    const tighter: Policy = { ...DEFAULT_POLICY, slaSeconds: { '1': 2000 } };
    expect(duration(evidence([...history, post(2500)]), later, tighter).explanation).toBe(
      "run p1 of orders_daily took 42 min, over the policy's SLA of 33 min",
    );
    const off: Policy = { ...DEFAULT_POLICY, slaFromSettings: false };
    const r = duration(
      evidence([...history, post(47 * 60, { tasks: tasks(700, 2100), result: 'TIMED_OUT' })]),
      later,
      off,
    );
    expect(r.explanation).not.toMatch(/timeout|health rule/);
  });

  it('holds pipelines to the policy only: they state no run timeout', () => {
    const s = resolveSlas(DEFAULT_POLICY, { type: 'pipeline', id: 'p' }, null, stated);
    expect(s.run).toBeNull();
    expect(s.tasks.size).toBe(0);
    expect(s.timedOutBreaches).toBe(false);
  });
});
