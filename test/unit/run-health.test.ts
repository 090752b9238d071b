import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/checks/policy.js';
import { checkRunHealth } from '../../src/checks/run-health.js';
import { aRun, aSubject, T0 } from './builders.js';

const now = T0 + 3_600_000;

describe('run health', () => {
  it('fails on a post-deploy run that failed because of the deployed code', () => {
    const r = checkRunHealth(
      aSubject(),
      [aRun({ result: 'FAILED', rawResult: 'RUN_EXECUTION_ERROR', failedTasks: ['transform'] })],
      DEFAULT_POLICY,
      now,
      null,
    );
    expect(r.status).toBe('FAIL');
    expect(r.explanation).toMatch(/failed in task transform/);
  });
  it('fails on timed-out and cancelled runs', () => {
    expect(checkRunHealth(aSubject(), [aRun({ result: 'TIMED_OUT' })], DEFAULT_POLICY, now, null).status).toBe('FAIL');
    expect(checkRunHealth(aSubject(), [aRun({ result: 'CANCELED' })], DEFAULT_POLICY, now, null).status).toBe('FAIL');
  });
  it("only warns on a platform failure, which is not the deploy's fault", () => {
    const r = checkRunHealth(
      aSubject(),
      [aRun({ result: 'FAILED', cause: 'infrastructure', rawResult: 'CLOUD_FAILURE' })],
      DEFAULT_POLICY,
      now,
      null,
    );
    expect(r.status).toBe('WARN');
    expect(r.explanation).toMatch(/platform failure/);
  });
  it('passes once a run after a platform failure succeeded, and says what happened', () => {
    const infra = aRun({ runId: 'r1', result: 'FAILED', cause: 'infrastructure', rawResult: 'CLOUD_FAILURE' });
    const later = aRun({ runId: 'r2', startMs: T0 + 700_000, endMs: T0 + 1_300_000 });
    const r = checkRunHealth(aSubject(), [infra, later], DEFAULT_POLICY, now, null);
    expect(r.status).toBe('PASS');
    expect(r.explanation).toMatch(/1 hit a platform failure \(CLOUD_FAILURE\)/);
    expect(
      checkRunHealth(
        aSubject(),
        [later, { ...infra, startMs: T0 + 1_400_000, endMs: T0 + 1_500_000 }],
        DEFAULT_POLICY,
        now,
        null,
      ).status,
    ).toBe('WARN');
  });
  it('is inconclusive before any post-deploy run finished, and names the next run', () => {
    const r = checkRunHealth(
      aSubject(),
      [aRun({ result: 'RUNNING', endMs: null })],
      DEFAULT_POLICY,
      now,
      now + 600_000,
    );
    expect(r.status).toBe('INCONCLUSIVE');
    expect(r.explanation).toMatch(/next run expected/);
  });
  it('reports an unknown result state as a measurement error, not a failure', () => {
    const r = checkRunHealth(
      aSubject(),
      [aRun({ result: 'UNKNOWN', rawResult: 'WEIRD_STATE' })],
      DEFAULT_POLICY,
      now,
      null,
    );
    expect(r.status).toBe('ERROR');
    expect(r.explanation).toMatch(/WEIRD_STATE/);
  });
  it('passes when every post-deploy run succeeded', () => {
    const r = checkRunHealth(aSubject(), [aRun(), aRun({ runId: 'r2' })], DEFAULT_POLICY, now, null);
    expect(r.status).toBe('PASS');
    expect(r.look).toBe(2);
  });
});
