import { describe, expect, it } from 'vitest';
import { assessDiscrete, assessFreshness } from '../../src/budget/assess.js';
import { budgetRemaining, burnRate, multiwindowAlert, runCountAlert } from '../../src/budget/burn-rate.js';
import { countMinutes, type DiscreteEvent, runEvents, staleness } from '../../src/budget/events.js';
import { decidePromotion } from '../../src/budget/freeze.js';
import { resolveSloPolicy, slosFor } from '../../src/budget/slo-policy.js';
import type { RunRecord } from '../../src/types.js';

const MIN = 60_000;
const H = 60 * MIN;
const DAY = 24 * H;
const NOW = Date.UTC(2026, 10, 5, 12);

/** Writes every 10 minutes from 4 days back until `lastMs`. */
const tenMinuteWrites = (lastMs: number) => {
  const out: number[] = [];
  for (let t = lastMs; t >= NOW - 4 * DAY; t -= 10 * MIN) out.push(t);
  return out.reverse();
};

const fresh = (writes: number[], timeline = [{ deploymentId: 'd1', fromMs: NOW - 10 * DAY }]) =>
  staleness(
    new Map([['prod.s.t', writes]]),
    { maxAgeMs: 10 * MIN, cadenceMultiple: 2 },
    timeline,
    NOW - 28 * DAY,
    NOW,
  )!;

describe('burn-rate arithmetic', () => {
  it('divides the error rate by the allowed error rate', () => {
    expect(burnRate(3, 100, 0.99)).toBeCloseTo(3, 12);
    expect(burnRate(0, 0, 0.99)).toBeNull();
    expect(budgetRemaining(3, 100, 0.99)).toBeCloseTo(-2, 12);
    expect(budgetRemaining(2, 72, 0.95)).toBeCloseTo(1 - 2 / 3.6, 12);
  });

  it('pages only when the long and the short window both burn at the rule rate', () => {
    const none = { '5m': null, '30m': null, '1h': null, '6h': null, '3d': null };
    expect(multiwindowAlert({ ...none, '1h': 14.4, '5m': 14.4 }).severity).toBe('page');
    expect(multiwindowAlert({ ...none, '1h': 14.4, '5m': 14.3 }).severity).toBeNull();
    expect(multiwindowAlert({ ...none, '6h': 6, '30m': 7 }).severity).toBe('page');
    expect(multiwindowAlert({ ...none, '3d': 1, '6h': 1 }).severity).toBe('ticket');
  });

  it('opens a ticket on one bad run and pages on two in a row', () => {
    expect(runCountAlert([true, true, false]).severity).toBe('ticket');
    expect(runCountAlert([true, false, false]).severity).toBe('page');
    expect(runCountAlert([false, true]).severity).toBeNull();
  });
});

describe('freshness budget (dense, stale minutes)', () => {
  it('pages at 9 stale minutes of the last hour for a 99 % SLO, not at 8 (14.4 % of 60 = 8.64)', () => {
    // Last write 19 minutes ago with a 10-minute SLA: stale for the last 9 minutes.
    const nine = assessFreshness({
      subject: 'job:1',
      target: 0.99,
      staleness: fresh(tenMinuteWrites(NOW - 19 * MIN)),
      nowMs: NOW,
      periodMs: 28 * DAY,
    })!;
    expect(nine.burnRates['1h']).toBeCloseTo(9 / 60 / 0.01, 9);
    expect(nine.burnRates['5m']).toBeCloseTo(100, 9);
    expect(nine.alert).toBe('page');
    // Covered from the first write, at -19 - 574 * 10 = -5759 minutes: 9 of 5759 minutes stale.
    expect(nine.total).toBeCloseTo(5759, 9);
    expect(nine.good).toBeCloseTo(5750, 9);
    expect(nine.budgetRemaining).toBeCloseTo(1 - 9 / 57.59, 9);
    expect(nine.burnByDeployment).toEqual({ d1: 9 });
    expect(nine.deploymentId).toBe('d1');
    const eight = assessFreshness({
      subject: 'job:1',
      target: 0.99,
      staleness: fresh(tenMinuteWrites(NOW - 18 * MIN)),
      nowMs: NOW,
      periodMs: 28 * DAY,
    })!;
    expect(eight.burnRates['1h']).toBeCloseTo(8 / 60 / 0.01, 9);
    expect(eight.alert).toBeNull();
  });

  it('opens a ticket when 3 days and 6 hours both burn at rate 1 but the short windows are clean', () => {
    // 60 minutes without writes that ended 2 hours ago: 50 stale minutes (after the 10-minute SLA).
    const writes = tenMinuteWrites(NOW).filter((t) => t <= NOW - 3 * H || t >= NOW - 2 * H);
    const a = assessFreshness({
      subject: 'job:1',
      target: 0.99,
      staleness: fresh(writes),
      nowMs: NOW,
      periodMs: 28 * DAY,
    })!;
    expect(a.burnRates['6h']).toBeCloseTo(50 / 360 / 0.01, 9);
    expect(a.burnRates['3d']).toBeCloseTo(50 / 4320 / 0.01, 9);
    expect(a.burnRates['30m']).toBe(0);
    expect(a.alert).toBe('ticket');
  });

  it('merges stale periods across tables and splits them at deployments', () => {
    const t1 = [NOW - 100 * MIN, NOW - 60 * MIN];
    const t2 = [NOW - 100 * MIN, NOW - 40 * MIN];
    const s = staleness(
      new Map([
        ['a', t1],
        ['b', t2],
      ]),
      { maxAgeMs: 10 * MIN, cadenceMultiple: 2 },
      [
        { deploymentId: 'd1', fromMs: NOW - DAY },
        { deploymentId: 'd2', fromMs: NOW - 45 * MIN },
      ],
      NOW - DAY,
      NOW,
    )!;
    // a stale from -90 to -60 and from -50 on; b from -90 to -40 and from -30 on: merged -90..now, cut at -45.
    expect(s.intervals.map((i) => [(i.fromMs - NOW) / MIN, (i.toMs - NOW) / MIN, i.deploymentId])).toEqual([
      [-90, -45, 'd1'],
      [-45, 0, 'd2'],
    ]);
    expect(countMinutes(s, NOW - H, NOW)).toEqual({ good: 0, total: 60 });
  });

  it('learns the SLA from the usual gap when none is configured', () => {
    const s = staleness(
      new Map([['a', [0, 1, 2, 3].map((k) => NOW - (5 - k) * H)]]),
      { maxAgeMs: null, cadenceMultiple: 2 },
      [],
      NOW - DAY,
      NOW,
    )!;
    expect(s.maxAgeMsByTable.a).toBe(2 * H);
    // Last write 2 h ago: exactly at the SLA, nothing stale yet.
    expect(s.intervals).toEqual([]);
  });
});

describe('run budgets (sparse and dense events)', () => {
  const run = (k: number, ok: boolean, cause: RunRecord['cause'] = 'user'): RunRecord => ({
    subjectId: '1',
    runId: `r${k}`,
    startMs: NOW - k * H - 10 * MIN,
    endMs: NOW - k * H,
    result: ok ? 'SUCCESS' : 'FAILED',
    rawResult: null,
    cause,
    failedTasks: [],
    plane: 'fast',
  });

  it('uses run-count rules for hourly runs and attributes failures to the live deployment', () => {
    const runs = Array.from({ length: 72 }, (_, i) => run(71 - i, !(i === 70 || i === 71)));
    const timeline = [
      { deploymentId: 'old', fromMs: NOW - 10 * DAY },
      { deploymentId: 'new', fromMs: NOW - 2 * H - 30 * MIN },
    ];
    const a = assessDiscrete({
      subject: 'job:1',
      slo: 'run_success',
      target: 0.95,
      events: runEvents(runs, timeline),
      nowMs: NOW,
      periodMs: 28 * DAY,
      sparseBelowPerHour: 12,
    })!;
    expect(a.rule).toBe('sparse');
    expect({ good: a.good, total: a.total }).toEqual({ good: 70, total: 72 });
    expect(a.alert).toBe('page');
    expect(a.burnRates['3d']).toBeCloseTo(2 / 72 / 0.05, 9);
    expect(a.budgetRemaining).toBeCloseTo(1 - 2 / 3.6, 9);
    expect(a.burnByDeployment).toEqual({ new: 2 });
    expect(a.deploymentId).toBe('new');
    expect(a.exhausted).toBe(false);
  });

  it('marks the budget exhausted and does not blame a deployment for platform failures', () => {
    const runs = Array.from({ length: 20 }, (_, i) =>
      run(20 - i, i % 4 !== 0, i % 8 === 0 ? 'infrastructure' : 'user'),
    );
    const a = assessDiscrete({
      subject: 'job:1',
      slo: 'run_success',
      target: 0.95,
      events: runEvents(runs, [{ deploymentId: 'd1', fromMs: 0 }]),
      nowMs: NOW,
      periodMs: 28 * DAY,
      sparseBelowPerHour: 12,
    })!;
    expect(a.total).toBe(20);
    expect(a.good).toBe(15);
    expect(a.budgetRemaining).toBeCloseTo(1 - 5 / 1, 9);
    expect(a.exhausted).toBe(true);
    expect(a.burnByDeployment).toEqual({ platform: 3, d1: 2 });
    expect(a.deploymentId).toBe('d1');
    expect(a.explanation).toMatch(/budget exhausted: promotions other than fixes are frozen/);
  });

  it('uses the multiwindow rules when runs are dense (every 2 minutes)', () => {
    const events: DiscreteEvent[] = Array.from({ length: 3 * 720 }, (_, i) => ({
      atMs: NOW - i * 2 * MIN,
      good: i >= 5,
      deploymentId: 'd1',
    }));
    const a = assessDiscrete({
      subject: 'job:1',
      slo: 'run_success',
      target: 0.99,
      events,
      nowMs: NOW,
      periodMs: 28 * DAY,
      sparseBelowPerHour: 12,
    })!;
    expect(a.rule).toBe('dense');
    // The 5 newest runs (0, -2, ..., -8 min) failed: 5 of the 30 runs in the last hour, all 3 in the last 5 minutes.
    expect(a.burnRates['1h']).toBeCloseTo(5 / 30 / 0.01, 9);
    expect(a.burnRates['5m']).toBeCloseTo(100, 9);
    expect(a.alert).toBe('page');
  });
});

describe('SLO policy', () => {
  it('applies tag, then bundle, then pipeline overrides over the defaults', () => {
    const p = resolveSloPolicy({
      defaults: { runSuccess: { target: 0.9 } },
      overrides: [
        { match: { pipeline: 'orders_job' }, runSuccess: { target: 0.999 } },
        { match: { bundle: 'orders' }, runSuccess: { target: 0.99 }, freshness: { maxAgeMinutes: 90 } },
        { match: { tag: 'tier=gold' }, runSuccess: { target: 0.98 }, freshness: { target: 0.995 } },
      ],
    });
    const s = { id: '7', name: 'orders_job', bundle: 'orders', tags: { tier: 'gold' } };
    expect(slosFor(p, s).runSuccess.target).toBe(0.999);
    expect(slosFor(p, s).freshness).toEqual({
      target: 0.995,
      maxAgeMinutes: 90,
      cadenceMultiple: 2,
      rollbackOnBurn: { fast: true, slow: false, sparse: true },
    });
    expect(slosFor(p, { ...s, name: 'other' }).runSuccess.target).toBe(0.99);
    expect(slosFor(p, { ...s, name: 'other', bundle: 'x' }).runSuccess.target).toBe(0.98);
    expect(slosFor(p, { id: '8', name: 'x', bundle: 'y', tags: {} }).runSuccess.target).toBe(0.9);
  });

  it('names the field and the fix in its errors', () => {
    expect(() => resolveSloPolicy({ defaults: { runSuccess: { target: 1 } } })).toThrow(
      /slos\.defaults\.runSuccess\.target: runSuccess\.target must be a ratio below 1/,
    );
    expect(() => resolveSloPolicy({ overrides: [{ match: { tag: 'gold' } }] })).toThrow(
      /slos\.overrides\[0\]\.match\.tag: tag must be 'key=value'/,
    );
    expect(() => resolveSloPolicy({ overrides: [{ match: { bundle: 'a', tag: 'a=b' } }] })).toThrow(
      /match must name exactly one of bundle, tag or pipeline/,
    );
  });
});

describe('promotion gate', () => {
  const row = { subject: 'job:1', slo: 'run_success', budgetRemaining: -0.5, deploymentId: 'd1', explanation: '' };
  it('freezes promotion on an exhausted budget unless the change is a fix, and always for a quarantined version', () => {
    expect(decidePromotion({ budgets: [{ ...row, exhausted: true }], quarantined: [], isFix: false }).frozen).toBe(
      true,
    );
    expect(decidePromotion({ budgets: [{ ...row, exhausted: true }], quarantined: [], isFix: true }).frozen).toBe(
      false,
    );
    expect(decidePromotion({ budgets: [{ ...row, exhausted: false }], quarantined: [], isFix: false }).frozen).toBe(
      false,
    );
    const q = decidePromotion({
      budgets: [],
      quarantined: [{ target: 'prod', version: 'abc', reason: 'failed verification' }],
      isFix: true,
    });
    expect(q).toEqual({ frozen: true, reasons: ['version abc is quarantined on prod: failed verification'] });
  });
});
