import { describe, expect, it } from 'vitest';
import { checkBacklog } from '../../src/checks/backlog.js';
import { DEFAULT_POLICY } from '../../src/checks/policy.js';
import type { BacklogSample } from '../../src/types.js';
import { aSubject, HOUR, T0 } from './builders.js';

const subject = aSubject({ type: 'pipeline', id: 'p9', name: 'clicks_stream' });
const deploy = T0;
const MIN5 = 300_000;

function sample(timestampMs: number, backlogSeconds: number | null, over: Partial<BacklogSample> = {}): BacklogSample {
  return {
    subjectId: 'p9',
    flow: 'clicks_silver',
    timestampMs,
    runId: null,
    backlogRecords: null,
    backlogSeconds,
    plane: 'fast',
    ...over,
  };
}
/** Every 5 minutes for `hours` before the deploy, around `level` seconds (±20%, deterministic). */
function baselineSamples(level: number, hours = 24, over: Partial<BacklogSample> = {}): BacklogSample[] {
  const n = (hours * HOUR) / MIN5;
  return Array.from({ length: n }, (_, i) =>
    sample(deploy - (n - i) * MIN5, level * (1 + 0.2 * Math.sin(i * 1.7)), over),
  );
}
/** Every 5 minutes after the deploy, with the given values. */
function postSamples(values: readonly (number | null)[], over: Partial<BacklogSample> = {}): BacklogSample[] {
  return values.map((v, i) => sample(deploy + (i + 1) * MIN5, v, over));
}
const now = deploy + 2 * HOUR;

describe('streaming backlog', () => {
  it('emits nothing for a subject without samples', () => {
    expect(checkBacklog(subject, [], [], deploy, DEFAULT_POLICY, now)).toBeNull();
  });
  it('passes a backlog at its usual level', () => {
    const r = checkBacklog(
      subject,
      baselineSamples(400),
      postSamples([380, 420, 410, 395]),
      deploy,
      DEFAULT_POLICY,
      now,
    )!;
    expect(r.status).toBe('PASS');
    expect(r.baselineN).toBe(288);
    expect(r.baselineCenter!).toBeGreaterThan(350);
    expect(r.baselineCenter!).toBeLessThan(450);
  });
  it('fails a backlog that is many times its usual level and still growing, and is not critical by default', () => {
    const growing = Array.from({ length: 12 }, (_, i) => 400 * 1.4 ** (i + 1));
    const r = checkBacklog(subject, baselineSamples(400), postSamples(growing), deploy, DEFAULT_POLICY, now)!;
    expect(r.status).toBe('FAIL');
    expect(r.critical).toBe(false);
    expect(r.effect!).toBeGreaterThanOrEqual(4);
    expect(r.statistic!).toBeGreaterThanOrEqual(5);
    expect(r.threshold).toBe(DEFAULT_POLICY.backlog.failRatio);
    expect(r.explanation).toMatch(/backlog of flow clicks_silver is .* and still growing/);
  });
  it('only warns on a high backlog that is draining', () => {
    const draining = [8000, 7000, 6000, 5000, 4000, 3500];
    const r = checkBacklog(subject, baselineSamples(400), postSamples(draining), deploy, DEFAULT_POLICY, now)!;
    expect(r.status).toBe('WARN');
    expect(r.explanation).toMatch(/draining/);
  });
  it('ignores large ratios on a backlog too small to matter', () => {
    const r = checkBacklog(subject, baselineSamples(2), postSamples([60, 70, 80, 90]), deploy, DEFAULT_POLICY, now)!;
    expect(r.effect!).toBeGreaterThan(20);
    expect(r.status).toBe('PASS');
    expect(r.explanation).toMatch(/under the 5\.0 min worth a concern/);
  });
  it('does not blame the deploy for a backlog that had built up before it', () => {
    const pre = [
      ...baselineSamples(400),
      ...Array.from({ length: 6 }, (_, i) => sample(deploy - (6 - i) * 60_000, 4000 + 500 * i)),
    ];
    const r = checkBacklog(subject, pre, postSamples([8000, 9000, 10_000, 11_000]), deploy, DEFAULT_POLICY, now)!;
    expect(r.status).toBe('FAIL');
    expect(r.suppressedBy).toBe('backlog before deploy');
    expect(r.explanation).toMatch(/already backlogged before the deploy/);
  });
  it('is inconclusive with too few samples on either side, and says what it waits for', () => {
    const thin = checkBacklog(
      subject,
      baselineSamples(400).slice(-5),
      postSamples([400, 400, 400]),
      deploy,
      DEFAULT_POLICY,
      now,
    )!;
    expect(thin.status).toBe('INCONCLUSIVE');
    expect(thin.explanation).toMatch(/need 12/);
    const early = checkBacklog(subject, baselineSamples(400), postSamples([400]), deploy, DEFAULT_POLICY, now)!;
    expect(early.status).toBe('INCONCLUSIVE');
    expect(early.explanation).toMatch(/decides after sample 3/);
  });
  it('judges records when a flow reports no seconds', () => {
    const recs = (xs: BacklogSample[]) =>
      xs.map((s) => ({ ...s, backlogRecords: s.backlogSeconds! * 100, backlogSeconds: null }));
    const r = checkBacklog(
      subject,
      recs(baselineSamples(400)),
      recs(postSamples(Array.from({ length: 12 }, (_, i) => 400 * 1.4 ** (i + 1)))),
      deploy,
      DEFAULT_POLICY,
      now,
    )!;
    expect(r.status).toBe('FAIL');
    expect(r.explanation).toMatch(/records now against a median of/);
  });
  it('names the worst of several flows', () => {
    const other = { flow: 'clicks_gold' };
    const r = checkBacklog(
      subject,
      [...baselineSamples(400), ...baselineSamples(400, 24, other)],
      [...postSamples([400, 410, 390]), ...postSamples([5000, 8000, 12_000, 20_000], other)],
      deploy,
      DEFAULT_POLICY,
      now,
    )!;
    expect(r.status).toBe('FAIL');
    expect(r.explanation).toMatch(/flow clicks_gold/);
    expect(r.explanation).toMatch(/the other 1 flow\(s\) pass/);
  });
  it('counts one look per update, or per hour for a continuous pipeline', () => {
    const continuous = checkBacklog(
      subject,
      baselineSamples(400),
      postSamples(Array(30).fill(400)),
      deploy,
      DEFAULT_POLICY,
      deploy + 3 * HOUR,
    )!;
    expect(continuous.look).toBe(3);
    const triggered = postSamples(Array(6).fill(400)).map((s, i) => ({ ...s, runId: `u${i >> 1}` }));
    expect(checkBacklog(subject, baselineSamples(400), triggered, deploy, DEFAULT_POLICY, now)!.look).toBe(3);
  });
  it('reports a negative or NaN backlog as a measurement error', () => {
    expect(
      checkBacklog(subject, baselineSamples(400), postSamples([400, -5, 400]), deploy, DEFAULT_POLICY, now)!.status,
    ).toBe('ERROR');
    const nan = checkBacklog(
      subject,
      baselineSamples(400),
      postSamples([400, Number.NaN, 400]),
      deploy,
      DEFAULT_POLICY,
      now,
    )!;
    expect(nan.status).toBe('ERROR');
    expect(nan.explanation).toMatch(/backlog seconds = NaN/);
  });
});
