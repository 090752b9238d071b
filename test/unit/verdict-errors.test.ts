// A check that could not be measured (the warehouse failed, a row was malformed) leaves the verdict
// open: the deployment is measured again once the fault has passed, as long as the tick still looks
// at it, and only then does a window that closed undecided make it INCONCLUSIVE for good.

import { describe, expect, it } from 'vitest';
import type { DeploymentEvidence } from '../../src/checks/evidence.js';
import { DEFAULT_POLICY } from '../../src/checks/policy.js';
import { decideVerdict, ERROR_RETRY_HOURS } from '../../src/checks/verdict.js';
import type { CheckResult, CheckStatus } from '../../src/types.js';
import { testDeployment } from '../support/deployment.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 9, 5, 0, 0);
const CLOSE = T0 + DEFAULT_POLICY.window.maxHours * HOUR;

function evidence(supersededAtMs: number | null): DeploymentEvidence {
  return {
    deployment: testDeployment({
      bundle: 'b',
      finishedMs: T0,
      resources: [{ type: 'job', id: 'j1', key: 'resources.jobs.j1' }],
    }),
    supersededAtMs,
    subjects: [],
    peers: [],
    errors: [],
  };
}

function result(check: CheckResult['check'], status: CheckStatus, look = 5): CheckResult {
  return {
    check,
    subject: 'job:j1',
    look,
    status,
    critical: true,
    observed: null,
    baselineN: 20,
    baselineCenter: null,
    baselineSpread: null,
    threshold: null,
    statistic: null,
    pValue: null,
    effect: null,
    postN: look,
    plane: 'fast',
    evidenceAgeS: null,
    explanation: status === 'ERROR' ? 'could not measure: warehouse timed out' : 'ok',
    suppressedBy: null,
    recheckAtMs: null,
    decidedAtMs: null,
  };
}

const measuredBadly = [result('run_health', 'PASS'), result('duration', 'ERROR')];

describe('a verdict whose checks could not be measured', () => {
  it('stays open when the deployment was superseded, and is measured again within minutes', () => {
    const now = T0 + 5 * HOUR;
    const v = decideVerdict(evidence(T0 + 4 * HOUR), measuredBadly, DEFAULT_POLICY, now);
    expect(v.state).toBe('VERIFYING');
    expect(v.final).toBe(false);
    expect(v.recheckAtMs).toBeGreaterThan(now);
    expect(v.recheckAtMs).toBeLessThanOrEqual(now + 10 * 60_000);
    expect(v.reason).toMatch(/measured again until .*duration: could not measure/);
  });

  it('stays open after its window closed, until the tick stops looking at it', () => {
    const v = decideVerdict(evidence(null), measuredBadly, DEFAULT_POLICY, CLOSE + HOUR);
    expect(v.final).toBe(false);
    const last = decideVerdict(evidence(null), measuredBadly, DEFAULT_POLICY, CLOSE + ERROR_RETRY_HOURS * HOUR - 1);
    expect(last.final).toBe(false);
    expect(last.recheckAtMs).toBe(CLOSE + ERROR_RETRY_HOURS * HOUR);
  });

  it('becomes INCONCLUSIVE for good once the retries are over', () => {
    const v = decideVerdict(evidence(T0 + HOUR), measuredBadly, DEFAULT_POLICY, CLOSE + ERROR_RETRY_HOURS * HOUR);
    expect(v.state).toBe('INCONCLUSIVE');
    expect(v.final).toBe(true);
  });

  it('turns HEALTHY when measured again with the fault gone', () => {
    const v = decideVerdict(
      evidence(T0 + 4 * HOUR),
      [result('run_health', 'PASS'), result('duration', 'PASS')],
      DEFAULT_POLICY,
      T0 + 5 * HOUR,
    );
    expect(v.state).toBe('HEALTHY');
  });

  it('still closes undecided at once when nothing failed to measure, only too little evidence', () => {
    const v = decideVerdict(
      evidence(T0 + HOUR),
      [result('run_health', 'PASS', 1), result('duration', 'INCONCLUSIVE', 1)],
      DEFAULT_POLICY,
      T0 + 2 * HOUR,
    );
    expect(v.state).toBe('INCONCLUSIVE');
    expect(v.final).toBe(true);
  });

  it('fails at once on a failed critical check, errors beside it or not', () => {
    const v = decideVerdict(
      evidence(null),
      [result('run_health', 'FAIL'), result('duration', 'ERROR')],
      DEFAULT_POLICY,
      T0 + HOUR,
    );
    expect(v.state).toBe('FAILED');
  });
});
