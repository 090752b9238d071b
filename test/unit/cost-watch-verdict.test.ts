// A deployment whose runs come every 30 minutes has every check but cost decided, or closed on its
// runs, hours before billing shows the first of them: its verdict keeps cost watched (a recheck,
// and the tick's open read lists it) until cost decides or the window's hours pass.

import { describe, expect, it } from 'vitest';
import type { SubjectEvidence } from '../../src/checks/evidence.js';
import { DEFAULT_POLICY, kMaxFor } from '../../src/checks/policy.js';
import { checkResult } from '../../src/checks/result.js';
import { decideVerdict } from '../../src/checks/verdict.js';
import type { CheckResult, RunRecord } from '../../src/types.js';
import { testDeployment } from '../support/deployment.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DEPLOY = Date.UTC(2026, 10, 4, 9, 30);
const EVERY = 30 * MINUTE;
const kMax = kMaxFor(DEFAULT_POLICY, EVERY);

function run(k: number): RunRecord {
  const startMs = DEPLOY + (k + 1) * EVERY;
  return {
    subjectId: 'p-7',
    runId: `u${k}`,
    startMs,
    endMs: startMs + 5 * MINUTE,
    result: 'SUCCESS',
    rawResult: null,
    cause: 'unknown',
    failedTasks: [],
    plane: 'fast',
  };
}

const subject: SubjectEvidence = {
  subject: { type: 'pipeline', id: 'p-7', name: 'sales_dlt_007', targetTables: [], sourceTables: [] },
  runs: Array.from({ length: 40 }, (_, k) => run(k - 40 + kMax)),
  writes: [],
  expectations: [],
  backlog: [],
};

function evidence(supersededAtMs: number | null = null) {
  return {
    deployment: testDeployment({
      bundle: 'b',
      startedMs: DEPLOY - MINUTE,
      finishedMs: DEPLOY,
      resources: [{ type: 'pipeline', id: 'p-7', key: 'sales' }],
    }),
    supersededAtMs,
    subjects: [subject],
    errors: [],
    peers: [],
  };
}

const base = { subject: 'pipeline:p-7', look: kMax, postN: kMax, plane: 'fast' as const, evidenceAgeS: 0 };
const health = checkResult({ ...base, check: 'run_health', status: 'PASS', critical: true, explanation: 'ok' });
const duration = (status: CheckResult['status']) =>
  checkResult({ ...base, check: 'duration', status, critical: true, explanation: 'thin history' });
const now = DEPLOY + kMax * EVERY + HOUR;
const billedAt = DEPLOY + EVERY + 5 * MINUTE + 12 * HOUR;
const cost = checkResult({
  ...base,
  check: 'cost',
  look: 0,
  status: 'INCONCLUSIVE',
  critical: false,
  plane: 'slow',
  recheckAtMs: billedAt,
  explanation: `${kMax} post-deploy update(s) not billed yet`,
});

describe('cost watched past the runs that close the other checks', () => {
  it('keeps an undecided deployment closed on its runs watched until billing shows', () => {
    const v = decideVerdict(evidence(), [health, duration('INCONCLUSIVE'), cost], DEFAULT_POLICY, now);
    expect(v.state).toBe('INCONCLUSIVE');
    expect(v.final).toBe(true);
    expect(v.recheckAtMs).toBe(billedAt);
    expect(v.reason).toMatch(/cost watched until billed: cost: \d+ post-deploy update/);
  });

  it('keeps a healthy and a degraded one watched the same way', () => {
    const healthy = decideVerdict(evidence(), [health, duration('PASS'), cost], DEFAULT_POLICY, now);
    expect([healthy.state, healthy.final, healthy.recheckAtMs]).toEqual(['HEALTHY', true, billedAt]);
    const degraded = decideVerdict(evidence(), [health, duration('WARN'), cost], DEFAULT_POLICY, now);
    expect([degraded.state, degraded.final, degraded.recheckAtMs]).toEqual(['DEGRADED', true, billedAt]);
  });

  it('stops watching once superseded or past the window, and when cost has decided', () => {
    const superseded = decideVerdict(
      evidence(now - HOUR),
      [health, duration('INCONCLUSIVE'), cost],
      DEFAULT_POLICY,
      now,
    );
    expect([superseded.state, superseded.recheckAtMs]).toEqual(['INCONCLUSIVE', null]);
    const late = DEPLOY + (DEFAULT_POLICY.window.maxHours + 1) * HOUR;
    expect(decideVerdict(evidence(), [health, duration('PASS'), cost], DEFAULT_POLICY, late).recheckAtMs).toBeNull();
    const decided = { ...cost, status: 'PASS' as const, recheckAtMs: null };
    expect(decideVerdict(evidence(), [health, duration('PASS'), decided], DEFAULT_POLICY, now).recheckAtMs).toBeNull();
  });
});
