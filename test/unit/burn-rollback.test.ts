import { describe, expect, it } from 'vitest';
import { assessDiscrete } from '../../src/budget/assess.js';
import { burnTrigger, DEFAULT_ROLLBACK_ON_BURN, type RollbackOnBurn } from '../../src/budget/burn-rollback.js';
import { countEvents, type DiscreteEvent } from '../../src/budget/events.js';
import { resolveSloPolicy, slosFor } from '../../src/budget/slo-policy.js';
import { burnTriggers } from '../../src/tick/burn-triggers.js';

const MIN = 60_000;
const H = 60 * MIN;
const DAY = 24 * H;
const NOW = Date.UTC(2026, 10, 5, 12);

/**
 * An event every 2 minutes for 3 days up to NOW. Before `deployMs` one in `everyBefore` is bad,
 * after it one in `everyAfter` (counted back from NOW, so NOW's own event is bad).
 */
function stream(deployMs: number, everyBefore: number, everyAfter: number): DiscreteEvent[] {
  const out: DiscreteEvent[] = [];
  for (let i = 0, t = NOW; t > NOW - 3 * DAY; i++, t -= 2 * MIN) {
    const after = t > deployMs;
    const every = after ? everyAfter : everyBefore;
    out.push({ atMs: t, good: i % every !== 0, deploymentId: after ? 'd2' : 'd1' });
  }
  return out.reverse();
}

function input(events: DiscreteEvent[], deployMs: number, policy: RollbackOnBurn = DEFAULT_ROLLBACK_ON_BURN) {
  const assessment = assessDiscrete({
    subject: 'job:1',
    slo: 'run_success',
    target: 0.99,
    events,
    nowMs: NOW,
    periodMs: 28 * DAY,
    sparseBelowPerHour: 12,
  })!;
  return {
    assessment,
    count: (f: number, t: number) => countEvents(events, f, t),
    events,
    live: { deploymentId: 'd2', fromMs: deployMs },
    policy,
    control: { peers: 0, paging: 0 },
    nowMs: NOW,
  };
}

describe('rollback on a budget burn', () => {
  it('rolls back a deploy that took the failure rate from 1 % to 20 %: 20x over 1 h and 33x over 5 min', () => {
    const deploy = NOW - 70 * MIN;
    const t = burnTrigger(input(stream(deploy, 100, 5), deploy));
    expect(t).toMatchObject({ deploymentId: 'd2', subject: 'job:1', slo: 'run_success', rule: 'fast' });
    expect(t!.long).toEqual({ window: '1h', rate: expect.closeTo(20, 6) });
    expect(t!.short!.window).toBe('5m');
    expect(t!.short!.rate).toBeCloseTo(100 / 3, 6);
    expect(t!.before).toBeLessThan(14.4);
    expect(t!.explanation).toMatch(/run_success budget of job:1 burned 20× over 1h and 33× over 5m since d2 went live/);
  });

  it('does not blame a deploy for a burn that was already as fast before it', () => {
    const deploy = NOW - 70 * MIN;
    expect(burnTrigger(input(stream(deploy, 5, 5), deploy))).toBeNull();
  });

  it('waits until the deploy has been live for the short window', () => {
    const deploy = NOW - 3 * MIN;
    expect(burnTrigger(input(stream(deploy, 100, 1), deploy))).toBeNull();
  });

  it('does not roll back when half of the untouched peers burn with it (upstream)', () => {
    const deploy = NOW - 70 * MIN;
    const i = input(stream(deploy, 100, 5), deploy);
    expect(burnTrigger({ ...i, control: { peers: 2, paging: 1 } })).toBeNull();
    expect(burnTrigger({ ...i, control: { peers: 3, paging: 1 } })?.explanation).toMatch(
      /1 of 3 untouched peer\(s\) under the same SLO page/,
    );
  });

  it('follows the policy: the slow rule acts only when switched on', () => {
    // 10 % failing for 6 h: a burn of 10, past the slow rule's 6 but not the fast rule's 14.4.
    const deploy = NOW - 6 * H - 10 * MIN;
    const events = stream(deploy, 100, 10);
    expect(burnTrigger(input(events, deploy))).toBeNull();
    const slow = burnTrigger(input(events, deploy, { fast: true, slow: true, sparse: true }));
    expect(slow).toMatchObject({ rule: 'slow', long: { window: '6h' }, short: { window: '30m' } });
    const off = { fast: false, slow: false, sparse: false };
    expect(burnTrigger(input(stream(NOW - 70 * MIN, 100, 5), NOW - 70 * MIN, off))).toBeNull();
  });

  it('rolls back on the run-count rule where runs are sparse, only for runs after the deploy', () => {
    const hourly = (badFromMs: number): DiscreteEvent[] =>
      Array.from({ length: 72 }, (_, i) => {
        const at = NOW - (71 - i) * H;
        return { atMs: at, good: at < badFromMs, deploymentId: at > NOW - 3 * H ? 'd2' : 'd1' };
      });
    const deploy = NOW - 3 * H;
    const t = burnTrigger(input(hourly(NOW - H), deploy));
    expect(t).toMatchObject({ rule: 'sparse', deploymentId: 'd2' });
    expect(t!.explanation).toMatch(/the last 2 runs were bad, 2 of 3 since d2 went live/);
    // The first bad run came before the deploy: not the deploy's burn.
    expect(burnTrigger(input(hourly(NOW - 4 * H), deploy))).toBeNull();
    expect(burnTrigger(input(hourly(NOW - H), deploy, { ...DEFAULT_ROLLBACK_ON_BURN, sparse: false }))).toBeNull();
    // Two bad in the 20 runs before the deploy (10 % against the 1 % a 99 % target allows): the
    // subject was burning its budget already, so the last run before it being good proves nothing.
    const noisy = hourly(NOW - H).map((e, i, all) =>
      i === all.length - 8 || i === all.length - 12 ? { ...e, good: false } : e,
    );
    expect(burnTrigger(input(noisy, deploy))).toBeNull();
  });

  it('takes the control group from untouched subjects of the same target under the same SLO', () => {
    const deploy = NOW - 70 * MIN;
    const burning = input(stream(deploy, 100, 5), deploy);
    const calm = input(stream(deploy, 100, 100), deploy);
    const probe = (subjectId: string, i: ReturnType<typeof input>, resources: string, target = 'prod') => ({
      ...i,
      assessment: { ...i.assessment, subject: `job:${subjectId}` },
      live: { ...i.live, deploymentId: `dep-${subjectId}`, resources },
      target,
      subjectId,
    });
    const a = probe('a', burning, '[{"id":"a"}]');
    // One calm untouched peer: the burn is the deploy's.
    expect(burnTriggers([a, probe('b', calm, '[{"id":"b"}]')], NOW).map((t) => t.deploymentId)).toEqual(['dep-a']);
    // The peer burns too: upstream, neither is rolled back.
    expect(burnTriggers([a, probe('b', burning, '[{"id":"b"}]')], NOW)).toEqual([]);
    // A peer in another target is no control.
    expect(burnTriggers([a, probe('b', burning, '[{"id":"b"}]', 'dev')], NOW)).toHaveLength(2);
  });
});

describe('rollbackOnBurn in the slos policy', () => {
  const subject = { id: '1', name: 'orders', bundle: 'sales', tags: {} };

  it('defaults to the fast rule and run counts, not the slow rule', () => {
    const s = slosFor(resolveSloPolicy(undefined), subject);
    expect(s.runSuccess.rollbackOnBurn).toEqual({ fast: true, slow: false, sparse: true });
    expect(s.freshness.rollbackOnBurn).toEqual({ fast: true, slow: false, sparse: true });
  });

  it('takes a boolean for every rule or an object per rule, per SLO and per override', () => {
    const p = resolveSloPolicy({
      defaults: { runSuccess: { rollbackOnBurn: { slow: true } }, freshness: { rollbackOnBurn: false } },
      overrides: [{ match: { bundle: 'sales' }, expectations: { rollbackOnBurn: true } }],
    });
    const s = slosFor(p, subject);
    expect(s.runSuccess.rollbackOnBurn).toEqual({ fast: true, slow: true, sparse: true });
    expect(s.freshness.rollbackOnBurn).toEqual({ fast: false, slow: false, sparse: false });
    expect(s.expectations.rollbackOnBurn).toEqual({ fast: true, slow: true, sparse: true });
    expect(slosFor(p, { ...subject, bundle: 'other' }).expectations.rollbackOnBurn.slow).toBe(false);
  });

  it('names the field when the value is wrong', () => {
    expect(() => resolveSloPolicy({ defaults: { runSuccess: { rollbackOnBurn: 'yes' } } })).toThrow(
      /runSuccess\.rollbackOnBurn/,
    );
    expect(() => resolveSloPolicy({ defaults: { runSuccess: { rollbackOnBurn: { fastest: true } } } })).toThrow(
      /fastest/,
    );
  });
});
