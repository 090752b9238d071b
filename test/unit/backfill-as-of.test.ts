// A past deployment judged as a live verifier would have judged it then: the evidence cut back to
// each moment, and the first final verdict over the moments a tick would have looked.

import { describe, expect, it } from 'vitest';
import { evidenceAsOf, lookTimes, pastVerdict, windowCloseMs } from '../../src/backfill/as-of.js';
import type { DeploymentEvidence } from '../../src/checks/evidence.js';
import { DEFAULT_POLICY } from '../../src/checks/policy.js';
import type { RunRecord } from '../../src/types.js';
import { testDeployment } from '../support/deployment.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const T0 = Date.UTC(2026, 9, 5, 0, 0);

function run(i: number, startMs: number, minutes: number, result: RunRecord['result'] = 'SUCCESS'): RunRecord {
  return {
    subjectId: 'j1',
    runId: `r${i}`,
    startMs,
    endMs: startMs + minutes * MINUTE,
    result,
    rawResult: result,
    cause: 'user',
    failedTasks: [],
    plane: 'fast',
  };
}

/** Minutes a run takes: about ten, with noise that does not repeat (a hash of the run's number). */
function noisy(i: number): number {
  return 9 + ((Math.imul(i + 1, 2_654_435_761) >>> 0) / 2 ** 32) * 2;
}

/** An hourly job deployed at T0, with two weeks of runs before it and the given runs after it. */
function evidence(post: RunRecord[], supersededAtMs: number | null = null): DeploymentEvidence {
  const pre = Array.from({ length: 336 }, (_, i) => run(i, T0 - (336 - i) * HOUR, noisy(i)));
  return {
    deployment: testDeployment({
      bundle: 'b',
      startedMs: T0 - MINUTE,
      finishedMs: T0,
      resources: [{ type: 'job', id: 'j1', key: 'resources.jobs.j1' }],
    }),
    supersededAtMs,
    subjects: [
      {
        subject: { type: 'job', id: 'j1', name: 'j1', targetTables: [], sourceTables: [] },
        runs: [...pre, ...post],
        writes: [],
        expectations: [],
        backlog: [],
      },
    ],
    errors: [],
    peers: [],
  };
}

describe('a past deployment as of a moment', () => {
  it('closes its window at the next deployment, or a minute after the longest window', () => {
    expect(windowCloseMs({ finishedMs: T0, supersededAtMs: T0 + 5 * HOUR }, DEFAULT_POLICY)).toBe(T0 + 5 * HOUR);
    expect(windowCloseMs({ finishedMs: T0, supersededAtMs: null }, DEFAULT_POLICY)).toBe(
      T0 + DEFAULT_POLICY.window.maxHours * HOUR + MINUTE,
    );
  });

  it('shows a run that had not ended yet as running, and none that had not started', () => {
    const ev = evidence([run(100, T0 + HOUR, 30), run(101, T0 + 2 * HOUR, 30)], T0 + 10 * HOUR);
    const seen = evidenceAsOf(ev, T0 + HOUR + 10 * MINUTE);
    const post = seen.subjects[0]!.runs.filter((r) => r.startMs >= T0);
    expect(post).toHaveLength(1);
    expect(post[0]!.result).toBe('RUNNING');
    expect(post[0]!.endMs).toBeNull();
    expect(seen.supersededAtMs).toBeNull();
    expect(evidenceAsOf(ev, T0 + 10 * HOUR).supersededAtMs).toBe(T0 + 10 * HOUR);
  });

  it('looks a minute after each post-deploy run ended, and at the close', () => {
    const ev = evidence([run(100, T0 + HOUR, 30), run(101, T0 + 2 * HOUR, 30), run(102, T0 + 9 * HOUR, 90)]);
    const close = T0 + 10 * HOUR;
    expect(lookTimes(ev, close)).toEqual([T0 + HOUR + 31 * MINUTE, T0 + 2 * HOUR + 31 * MINUTE, close]);
  });

  it('fails at the first look after the failing run ended, not at the close', () => {
    const post = [run(100, T0 + HOUR, 10), run(101, T0 + 2 * HOUR, 10, 'FAILED'), run(102, T0 + 3 * HOUR, 10)];
    const past = pastVerdict(evidence(post, T0 + 20 * HOUR), DEFAULT_POLICY, T0 + 20 * HOUR);
    expect(past.verdict.state).toBe('FAILED');
    expect(past.atMs).toBe(T0 + 2 * HOUR + 11 * MINUTE);
  });

  it('is healthy once enough runs passed, as a live tick decides, before later evidence', () => {
    const post = Array.from({ length: 8 }, (_, i) => run(1000 + i, T0 + (i + 1) * HOUR, noisy(1000 + i)));
    // A failure long after the verdict was reached changes nothing: the live tick had decided by then.
    post.push(run(200, T0 + 30 * HOUR, 10, 'FAILED'));
    const past = pastVerdict(evidence(post, T0 + 40 * HOUR), DEFAULT_POLICY, T0 + 40 * HOUR);
    expect(past.verdict.state).toBe('HEALTHY');
    expect(past.verdict.final).toBe(true);
    expect(past.atMs).toBeLessThan(T0 + 30 * HOUR);
  });

  it('is final at the close even without enough evidence', () => {
    const past = pastVerdict(evidence([run(100, T0 + HOUR, 10)], T0 + 2 * HOUR), DEFAULT_POLICY, T0 + 2 * HOUR);
    expect(past.verdict.final).toBe(true);
    expect(past.atMs).toBe(T0 + 2 * HOUR);
    expect(past.verdict.state).toBe('INCONCLUSIVE');
  });
});
