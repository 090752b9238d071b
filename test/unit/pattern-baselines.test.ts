import { describe, expect, it } from 'vitest';
import { checkDuration } from '../../src/checks/duration.js';
import { DEFAULT_POLICY, type Policy } from '../../src/checks/policy.js';
import { checkRowCount } from '../../src/checks/row-count.js';
import { isWeekend, weekdayOf } from '../../src/checks/slots.js';
import type { TableWrite } from '../../src/types.js';
import { aRun, aSubject, DAY, HOUR, normals, runsEvery, T0 } from './builders.js';

const TABLE = 'prod.sales.orders';

/** Hourly writes for `days` days before `endMs`: log-noise `sd` per run, a level per day, a weekend factor. */
function writes(endMs: number, days: number, { sd = 0.05, daySd = 0, weekend = 1, seed = 9 } = {}): TableWrite[] {
  const z = normals(seed);
  const out: TableWrite[] = [];
  let level = 0;
  for (let t = endMs - days * DAY; t < endMs; t += HOUR) {
    if (t % DAY === endMs % DAY || level === 0) level = daySd * z() || 1e-9;
    const factor = isWeekend(t) ? weekend : 1;
    out.push({
      table: TABLE,
      subjectId: '1',
      runId: `b${t}`,
      timestampMs: t,
      rows: Math.round(10_000 * factor * Math.exp(level + sd * z())),
      plane: 'fast',
    });
  }
  return out;
}

const post = (fromMs: number, factors: number[]): TableWrite[] =>
  factors.map((f, i) => ({
    table: TABLE,
    subjectId: '1',
    runId: `p${i}`,
    timestampMs: fromMs + (i + 0.5) * HOUR,
    rows: Math.round(10_000 * f),
    plane: 'fast',
  }));

describe('volume of a series with no daily or weekly pattern', () => {
  // Eight days of flat hourly writes: no time-of-day slot holds more than eight runs.
  const deploy = T0 + 9 * HOUR;
  const history = writes(deploy, 8);

  it('is judged against every recent run, enough to roll back on', () => {
    const r = checkRowCount(TABLE, history, post(deploy, [0.5, 0.5]), DEFAULT_POLICY, deploy + 3 * HOUR, false);
    expect(r.status).toBe('FAIL');
    expect(r.baselineN).toBeGreaterThanOrEqual(DEFAULT_POLICY.minBaselineForRollback);
    expect(r.explanation).toMatch(/against 192 recent runs \(no daily or weekly pattern/);
    const steady = checkRowCount(
      TABLE,
      history,
      post(deploy, [1.02, 0.97, 1]),
      DEFAULT_POLICY,
      deploy + 4 * HOUR,
      false,
    );
    expect(steady.status).toBe('PASS');
  });

  it('counts runs that share their day as fewer independent ones', () => {
    // Days wander by 15%: 190 runs are worth little more than the eight days they span.
    const wandering = writes(deploy, 8, { sd: 0.02, daySd: 0.15, seed: 4 });
    const r = checkRowCount(TABLE, wandering, post(deploy, [1.01]), DEFAULT_POLICY, deploy + 2 * HOUR, false);
    expect(r.baselineN).toBeLessThan(40);
    expect(r.explanation).toMatch(/recent runs \(no daily or weekly pattern, worth \d+ independent runs\)/);
  });

  it('keeps the kind of day where the series follows it, and draws on every run of that kind', () => {
    const saturday = T0 + 4 * DAY + 10 * HOUR;
    const weekendLow = writes(saturday, 28, { weekend: 0.6 });
    const r = checkRowCount(TABLE, weekendLow, post(saturday, [0.3, 0.3]), DEFAULT_POLICY, saturday + 3 * HOUR, false);
    expect(r.explanation).toMatch(/against \d+ runs on the same kind of day \(no daily pattern/);
    expect(r.baselineN).toBeGreaterThanOrEqual(DEFAULT_POLICY.minBaselineForRollback);
    expect(r.status).toBe('FAIL');
    expect(r.effect!).toBeCloseTo(0.5, 1);
  });
});

describe('the volume materiality gate', () => {
  const deploy = T0 + 9 * HOUR;
  const history = writes(deploy, 28, { sd: 0.02 });
  const drop = post(deploy, [0.82, 0.82, 0.82, 0.82]);
  const now = deploy + 5 * HOUR;

  it('fails a clear drop beyond ±15% by default, and not under a table gate it does not reach', () => {
    expect(checkRowCount(TABLE, history, drop, DEFAULT_POLICY, now, false).status).toBe('FAIL');
    const lenient: Policy = { ...DEFAULT_POLICY, materialityByTable: { [TABLE]: 0.25 } };
    const r = checkRowCount(TABLE, history, drop, lenient, now, false);
    expect(r.status).not.toBe('FAIL');
    expect(r.effect!).toBeCloseTo(0.82, 2);
    // The bundle's gate applies to the tables it does not name.
    const bundle: Policy = { ...DEFAULT_POLICY, materiality: 0.25, materialityByTable: { 'prod.other.t': 0.1 } };
    expect(checkRowCount(TABLE, history, drop, bundle, now, false).status).not.toBe('FAIL');
  });
});

describe('duration without a daily pattern, and with weekday levels', () => {
  const subject = aSubject();
  const deploy = T0 + 9 * HOUR + 30 * 60_000;

  it('rolls back on every recent run when the history shows no pattern', () => {
    const z = normals(21);
    const history = runsEvery(deploy - 8 * DAY, 8 * 24, HOUR, () => 600 * Math.exp(0.05 * z()));
    const slow = runsEvery(deploy + 30 * 60_000, 2, HOUR, () => 1200, 'p');
    const r = checkDuration(subject, history, slow, DEFAULT_POLICY, deploy + 3 * HOUR);
    expect(r.status).toBe('FAIL');
    expect(r.explanation).toMatch(/than 192 recent runs \(no daily or weekly pattern/);
    expect(r.explanation).not.toMatch(/no automatic rollback/);
    expect(r.baselineN).toBeGreaterThanOrEqual(DEFAULT_POLICY.minBaselineForRollback);
  });

  it('takes a slow Monday out before judging a Monday run', () => {
    const z = normals(8);
    const monday = T0 + 6 * DAY;
    const history = runsEvery(
      monday - 28 * DAY,
      28 * 24,
      HOUR,
      (_, start) => (weekdayOf(start) === 1 ? 750 : 600) * Math.exp(0.03 * z()),
    );
    const run = [aRun({ runId: 'p0', startMs: monday + 10 * HOUR, endMs: monday + 10 * HOUR + 752_000 })];
    const r = checkDuration(subject, history, run, DEFAULT_POLICY, monday + 11 * HOUR);
    expect(r.status).not.toBe('WARN');
    expect(r.status).not.toBe('FAIL');
    expect(r.explanation).toContain('weekday levels taken out');
    // The same run on a Tuesday is 25% slower than Tuesdays.
    const tuesday = [
      aRun({ runId: 'p0', startMs: monday + DAY + 10 * HOUR, endMs: monday + DAY + 10 * HOUR + 752_000 }),
    ];
    const history2 = history.filter((h) => h.startMs < monday + DAY);
    expect(['WARN', 'FAIL']).toContain(
      checkDuration(subject, history2, tuesday, DEFAULT_POLICY, monday + DAY + 11 * HOUR).status,
    );
  });
});
