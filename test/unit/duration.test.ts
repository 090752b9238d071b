import { describe, expect, it } from 'vitest';
import { checkDuration } from '../../src/checks/duration.js';
import { perCycle } from '../../src/checks/duration-score.js';
import { DEFAULT_POLICY, type Policy, slaSecondsFor } from '../../src/checks/policy.js';
import { isWeekend } from '../../src/checks/slots.js';
import { sprtBoundaries } from '../../src/stats/index.js';
import { aRun, aSubject, DAY, HOUR, runsEvery, spread, T0 } from './builders.js';

const subject = aSubject();
// A daily job at 02:00 UTC, a little slower at weekends; deployed on Tuesday at 03:00, after that day's run.
const deploy = T0 + 3 * HOUR;
const wobble = spread(28, 0.05);
const daily = runsEvery(
  T0 - 28 * DAY + 2 * HOUR,
  28,
  DAY,
  (i, start) => (isWeekend(start) ? 648 : 600) * Math.exp(wobble[i]!),
);
const post = (seconds: number[]) => runsEvery(T0 + DAY + 2 * HOUR, seconds.length, DAY, (i) => seconds[i]!, 'p');
const nowAfterRuns = (runs: number) => T0 + runs * DAY + 4 * HOUR;
const withSla = (over: Partial<Policy>): Policy => ({ ...DEFAULT_POLICY, ...over });

describe('duration: hard SLA', () => {
  const policy = withSla({ slaSeconds: { '1': 900 } });
  it('fails at once on a finished run longer than the SLA, without statistics', () => {
    const r = checkDuration(subject, daily, post([1000]), policy, nowAfterRuns(1));
    expect(r.status).toBe('FAIL');
    expect(r.threshold).toBe(900);
    expect(r.observed).toBeCloseTo(1000, 6);
    expect(r.explanation).toMatch(/took 17 min, longer than its hard SLA of 15 min/);
  });
  it('fails a run that is still running past the SLA, from its elapsed time', () => {
    const running = aRun({ runId: 'p0', startMs: T0 + DAY + 2 * HOUR, endMs: null, result: 'RUNNING' });
    const r = checkDuration(subject, daily, [running], policy, T0 + DAY + 2 * HOUR + 20 * 60_000);
    expect(r.status).toBe('FAIL');
    expect(r.observed).toBeCloseTo(1200, 6);
    expect(r.explanation).toMatch(/has been running for 20 min, past its hard SLA of 15 min/);
  });
  it('waits on a run that is still running within the SLA', () => {
    const running = aRun({ runId: 'p0', startMs: T0 + DAY + 2 * HOUR, endMs: null, result: 'RUNNING' });
    const r = checkDuration(subject, daily, [running], policy, T0 + DAY + 2 * HOUR + 5 * 60_000);
    expect(r.status).toBe('INCONCLUSIVE');
    expect(r.explanation).toMatch(/within the hard SLA/);
    // No new evidence will arrive when the run crosses the SLA: the tick must look again then.
    expect(r.recheckAtMs).toBe(T0 + DAY + 2 * HOUR + 900_000 + 1);
  });
  it('resolves the SLA by resource key, then by bundle default, the id winning over both', () => {
    const byKey = withSla({ slaSecondsByKey: { orders: 620 }, slaSecondsDefault: 5000 });
    expect(slaSecondsFor(byKey, subject, 'orders')).toBe(620);
    expect(slaSecondsFor(byKey, subject, 'other')).toBe(5000);
    expect(slaSecondsFor({ ...byKey, slaSeconds: { '1': 60 } }, subject, 'orders')).toBe(60);
    expect(
      checkDuration(subject, daily, post([640]), byKey, nowAfterRuns(1), slaSecondsFor(byKey, subject, 'orders'))
        .status,
    ).toBe('FAIL');
    expect(
      checkDuration(subject, daily, post([640]), byKey, nowAfterRuns(1), slaSecondsFor(byKey, subject, 'other')).status,
    ).toBe('PASS');
  });
});

describe('duration: statistical regression', () => {
  it('fails a 50% slower run against 20 same-slot runs, recording LLR, boundary and effect', () => {
    const r = checkDuration(subject, daily, post([900]), DEFAULT_POLICY, nowAfterRuns(1));
    expect(r.status).toBe('FAIL');
    expect(r.baselineN).toBeGreaterThanOrEqual(14);
    expect(r.threshold).toBeCloseTo(sprtBoundaries(0.001, 0.1).upper, 9);
    expect(r.statistic!).toBeGreaterThanOrEqual(r.threshold!);
    expect(r.effect!).toBeCloseTo(1.5, 1);
    expect(r.baselineCenter!).toBeGreaterThan(570);
    expect(r.baselineCenter!).toBeLessThan(630);
    expect(r.explanation).toMatch(/\+50% longer than \d+ same-slot runs/);
  });
  it('warns on a run beyond the prediction threshold but under the rollback size, with its one-sided p', () => {
    const r = checkDuration(subject, daily, post([690]), DEFAULT_POLICY, nowAfterRuns(1));
    expect(r.status).toBe('WARN');
    expect(r.statistic!).toBeGreaterThan(r.threshold!);
    // T beyond the two-sided 1% threshold means a one-sided p under 0.5%.
    expect(r.pValue!).toBeLessThan(0.005);
    expect(r.explanation).toMatch(/watching the next runs/);
  });
  it('passes steady runs once the up test clears', () => {
    const r = checkDuration(subject, daily, post([605, 598]), DEFAULT_POLICY, nowAfterRuns(2));
    expect(r.status).toBe('PASS');
    expect(r.look).toBe(2);
  });
  it('never fails a faster run: the test looks up only', () => {
    const r = checkDuration(subject, daily, post([300, 310, 290]), DEFAULT_POLICY, nowAfterRuns(3));
    expect(r.status).toBe('PASS');
    expect(r.effect!).toBeLessThan(0.6);
  });
  it('warns instead of failing when the baseline is under the rollback minimum', () => {
    const thin = daily.slice(-10);
    const r = checkDuration(subject, thin, post([900]), DEFAULT_POLICY, nowAfterRuns(1));
    expect(r.baselineN).toBeGreaterThanOrEqual(7);
    expect(r.baselineN).toBeLessThan(14);
    expect(r.status).toBe('WARN');
    expect(r.explanation).toMatch(/no automatic rollback/);
  });
  it('is inconclusive with too little history, saying how much it needs', () => {
    const r = checkDuration(subject, daily.slice(-4), post([900]), DEFAULT_POLICY, nowAfterRuns(1));
    expect(r.status).toBe('INCONCLUSIVE');
    expect(r.explanation).toMatch(/need 7/);
  });
  it('stores no NaN or infinite statistics when there is no history at all', () => {
    const r = checkDuration(subject, [], post([900]), DEFAULT_POLICY, nowAfterRuns(1));
    expect(r.status).toBe('INCONCLUSIVE');
    expect([r.baselineCenter, r.statistic, r.threshold]).toEqual([null, null, null]);
  });
  it('is inconclusive before the first successful post-deploy run and names the run it waits for', () => {
    const r = checkDuration(subject, daily, [], DEFAULT_POLICY, nowAfterRuns(0));
    expect(r.status).toBe('INCONCLUSIVE');
    expect(r.explanation).toMatch(/after run 1/);
  });
  it('ignores failed baseline runs, whatever they took', () => {
    const failed = runsEvery(T0 - 20 * DAY + 5 * HOUR, 10, DAY, () => 5000, 'f').map((r) => ({
      ...r,
      result: 'FAILED' as const,
    }));
    const r = checkDuration(subject, [...daily, ...failed], post([605, 598]), DEFAULT_POLICY, nowAfterRuns(2));
    expect(r.status).toBe('PASS');
    expect(r.baselineCenter!).toBeLessThan(630);
  });
});

describe('duration: seasonality and cycles', () => {
  // Hourly job whose 02:00 run is three times as long as the others.
  const hourlyDeploy = T0 + 90 * 60_000;
  const hourly = runsEvery(
    hourlyDeploy - 28 * DAY - 30 * 60_000,
    28 * 24,
    HOUR,
    (i, start) => (new Date(start).getUTCHours() === 2 ? 1800 : 600) * (1 + 0.02 * Math.sin(i)),
  );
  it('compares each run with its own time slot, so a normally long slot is not a regression', () => {
    const at2 = [aRun({ runId: 'p0', startMs: T0 + 2 * HOUR, endMs: T0 + 2 * HOUR + 1_800_000 })];
    expect(checkDuration(subject, hourly, at2, DEFAULT_POLICY, T0 + 3 * HOUR).status).toBe('PASS');
    const at3 = [aRun({ runId: 'p0', startMs: T0 + 3 * HOUR, endMs: T0 + 3 * HOUR + 1_800_000 })];
    expect(checkDuration(subject, hourly, at3, DEFAULT_POLICY, T0 + 4 * HOUR).status).toBe('FAIL');
  });
  it('counts a day of sub-daily runs as one cycle for the rank test', () => {
    const rs = [0, 1, 2, 3].flatMap((d) => [1, 5, 9].map((h) => ({ timestampMs: T0 + d * DAY + h * HOUR, r: d })));
    expect(perCycle(rs, true)).toEqual([0, 1, 2, 3]);
    expect(perCycle(rs, false)).toHaveLength(12);
    const sixToday = runsEvery(T0 + 2 * HOUR, 6, HOUR, () => 640, 'p');
    const sameDay = checkDuration(subject, hourly, sixToday, DEFAULT_POLICY, T0 + 9 * HOUR);
    expect(sameDay.postN).toBe(6);
    expect(sameDay.explanation).not.toMatch(/Mann-Whitney/);
  });
  it('fails on Mann-Whitney and Hodges-Lehmann when five cycles sit above a noisy baseline the sequential test cannot resolve', () => {
    const noisy = spread(28, 0.6);
    const base = runsEvery(T0 - 28 * DAY + 2 * HOUR, 28, DAY, (i) => 600 * Math.exp(noisy[i]!));
    // Weekday post runs only (Wed-Fri, Mon-Tue), all above every baseline run.
    const days = [1, 2, 3, 6, 7];
    const slow = days.map((d, i) =>
      aRun({
        runId: `p${i}`,
        startMs: T0 + d * DAY + 2 * HOUR,
        endMs: T0 + d * DAY + 2 * HOUR + 1000 * 600 * Math.exp(0.65 + 0.01 * i),
      }),
    );
    const four = checkDuration(subject, base, slow.slice(0, 4), DEFAULT_POLICY, T0 + 6 * DAY + 4 * HOUR);
    expect(four.status).not.toBe('FAIL');
    expect(four.explanation).toMatch(/Mann-Whitney p [\d.e-]+ over 4 against 28 cycles/);
    const five = checkDuration(subject, base, slow, DEFAULT_POLICY, T0 + 7 * DAY + 4 * HOUR);
    expect(five.status).toBe('FAIL');
    expect(five.pValue!).toBeLessThan(0.001);
    expect(five.effect!).toBeGreaterThanOrEqual(1.2);
    expect(five.explanation).toMatch(/longer \(Hodges-Lehmann\) over 5 post-deploy cycles/);
  });
});

describe('duration: bad input', () => {
  it('reports a run whose end precedes its start as a measurement error', () => {
    const r = checkDuration(
      subject,
      daily,
      [aRun({ runId: 'p0', startMs: T0 + DAY, endMs: T0 + DAY - 5 })],
      DEFAULT_POLICY,
      nowAfterRuns(1),
    );
    expect(r.status).toBe('ERROR');
    expect(r.explanation).toMatch(/run p0/);
  });
  it('reports a NaN start time as a measurement error, not a crash', () => {
    const r = checkDuration(
      subject,
      daily,
      [aRun({ runId: 'p0', startMs: Number.NaN, endMs: T0 + DAY })],
      DEFAULT_POLICY,
      nowAfterRuns(1),
    );
    expect(r.status).toBe('ERROR');
  });
  it('drops baseline runs with unusable times and judges on the rest', () => {
    const junk = [
      aRun({ runId: 'j1', startMs: T0 - 3 * DAY, endMs: T0 - 3 * DAY }),
      aRun({ runId: 'j2', startMs: Number.NaN, endMs: T0 - DAY }),
    ];
    const r = checkDuration(subject, [...daily, ...junk], post([605, 598]), DEFAULT_POLICY, nowAfterRuns(2));
    expect(r.status).toBe('PASS');
  });
});

describe('duration: thin slots', () => {
  it('never rolls back on a recent-runs baseline, which may come from another time of day', () => {
    // Two days of hourly runs: no slot holds 7 runs, so the recent runs stand in.
    const w = spread(48, 0.04);
    const history = runsEvery(deploy - 2 * DAY, 48, HOUR, (i) => 300 * Math.exp(w[i]!));
    const slow = runsEvery(deploy + HOUR, 6, HOUR, () => 600, 'p');
    const r = checkDuration(subject, history, slow, DEFAULT_POLICY, deploy + 8 * HOUR);
    expect(r.status).toBe('WARN');
    expect(r.explanation).toMatch(/recent runs, not the same time slot, so no automatic rollback/);
  });
});

describe('duration: noise of the whole series', () => {
  it('does not take a slot that happens to look calm for a calm series', () => {
    // Hourly runs for four weeks, up to ±20% from run to run, except that the 10:00 runs of these
    // weekdays all happened to take 300 s.
    const noise = spread(28 * 24, 0.2);
    const history = runsEvery(T0 - 28 * DAY, 28 * 24, HOUR, (i, startMs) =>
      Math.floor((startMs % DAY) / HOUR) === 10 ? 300 : 300 * Math.exp(noise[i]!),
    );
    const run = runsEvery(T0 + 10 * HOUR, 1, HOUR, () => 360, 'p');
    const r = checkDuration(subject, history, run, DEFAULT_POLICY, T0 + 11 * HOUR);
    // +20% is within the series' run-to-run noise: one such run is worth watching, not a rollback.
    expect(r.status).not.toBe('FAIL');
    expect(r.baselineSpread!).toBeGreaterThan(0.05);
  });
});

describe('duration: a thin slot among the post-deploy runs', () => {
  // An hourly job, slower in the afternoon and at weekends, whose days drift as a whole (the load
  // of the day): deployed on a Friday with three weeks of history, its weekday slots hold 15 runs,
  // its weekend slots 6, and the recent runs that would stand in move together day by day.
  const friday = Date.UTC(2026, 10, 6, 10, 30);
  const seconds = (t: number) => {
    const hour = new Date(t).getUTCHours();
    const day = new Date(t).getUTCDay();
    const weekend = day === 0 || day === 6 ? 1.5 : 1;
    const k = Math.round(t / HOUR);
    const w = Math.sin(k * 12.9898) * 43758.5453;
    const d = Math.sin(Math.floor(t / DAY) * 78.233) * 12345.678;
    const dayLevel = 1 + 0.3 * (d - Math.floor(d) - 0.5);
    return (
      600 *
      (1 + 0.5 * Math.sin((hour / 24) * 2 * Math.PI)) *
      weekend *
      dayLevel *
      (1 + 0.04 * (w - Math.floor(w) - 0.5))
    );
  };
  const history = runsEvery(friday - 21 * DAY, 21 * 24, HOUR, (_, start) => seconds(start));
  const postRuns = (factor: number, runs: number) =>
    runsEvery(friday + HOUR, runs, HOUR, (_, start) => seconds(start) * factor, 'p');

  it('judges on the runs whose slots hold enough history when the latest run falls in a thin one', () => {
    // 16 runs: Friday 11:30 to Saturday 02:30, the last three on the Saturday.
    const post = postRuns(2, 16);
    const r = checkDuration(subject, history, post, DEFAULT_POLICY, post[15]!.endMs! + HOUR);
    expect(r.status).toBe('FAIL');
    expect(r.baselineN).toBeGreaterThanOrEqual(14);
    expect(r.effect!).toBeCloseTo(2, 1);
  });
  it('stays inconclusive when no post-deploy run has a slot with enough history', () => {
    const saturday = postRuns(2, 16).slice(13);
    const r = checkDuration(subject, history, saturday, DEFAULT_POLICY, saturday[2]!.endMs! + HOUR);
    expect(r.status).toBe('INCONCLUSIVE');
    expect(r.explanation).toMatch(/need 7/);
  });
});

describe('duration: steady at the end of the watch', () => {
  // A daily job whose runs vary by up to ±45 %: seven runs at its usual length are too few for
  // the sequential test to clear, but enough to rule out a rise of 20 % at beta.
  const noisy = spread(28, 0.45);
  const history = runsEvery(T0 - 28 * DAY + 2 * HOUR, 28, DAY, (i) => 600 * Math.exp(noisy[i]!));
  const usual = [610, 590, 605, 600, 595, 612, 588];

  it('passes when the pooled rise is under the rollback size by a one-sided test at beta', () => {
    const r = checkDuration(subject, history, post(usual), DEFAULT_POLICY, nowAfterRuns(7));
    expect(r.status).toBe('PASS');
    expect(r.explanation).toMatch(/steady against .* under \+20% at the watch's end/);
  });
  it('keeps watching before the watch has run its course', () => {
    const r = checkDuration(subject, history, post(usual.slice(0, 6)), DEFAULT_POLICY, nowAfterRuns(6));
    expect(r.status).toBe('INCONCLUSIVE');
  });
  it('does not pass runs whose rise the watch cannot tell from the rollback size', () => {
    const r = checkDuration(subject, history, post(usual.map((s) => s * 1.15)), DEFAULT_POLICY, nowAfterRuns(7));
    expect(r.status).not.toBe('PASS');
    expect(r.status).not.toBe('FAIL');
  });
});
