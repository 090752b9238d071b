import { describe, expect, it } from 'vitest';
import { decideGate, type GateInput, previousEnvironment } from '../../src/ci/gate.js';
import { type VerdictSeen, waitForVerdict } from '../../src/ci/wait.js';

const healthy = { deploymentId: 'dep-1', status: 'SUCCEEDED', state: 'HEALTHY', reason: null, isFinal: true };
const base: GateInput = {
  bundle: 'sales_etl',
  version: '5d8c1e0a9b7f4c3d2e1f',
  to: 'prod',
  from: 'staging',
  prior: healthy,
  quarantined: [],
  budgets: [],
  isFix: false,
};
const spent = {
  subject: 'job:1',
  slo: 'run_success',
  exhausted: true,
  budgetRemaining: -0.5,
  deploymentId: 'dep-0',
  explanation: '',
};

describe('the promotion gate', () => {
  it('passes a version HEALTHY for its whole window before, not quarantined, with budget left', () => {
    expect(decideGate(base)).toEqual({ pass: true, reasons: [] });
  });

  it('says exactly why it refuses', () => {
    expect(decideGate({ ...base, prior: null }).reasons).toEqual([
      'sales_etl@5d8c1e0a9b7f was never deployed to staging; deploy and verify it there first',
    ]);
    expect(decideGate({ ...base, prior: { ...healthy, isFinal: false } }).reasons[0]).toMatch(
      /still under verification on staging \(HEALTHY so far\); wait for its final verdict: postflight wait --deployment dep-1 --until final/,
    );
    expect(decideGate({ ...base, prior: { ...healthy, state: 'FAILED', reason: 'row count x0.4' } }).reasons).toEqual([
      'sales_etl@5d8c1e0a9b7f ended FAILED on staging: row count x0.4',
    ]);
    expect(decideGate({ ...base, prior: { ...healthy, status: 'PARTIAL' } }).pass).toBe(false);
    expect(
      decideGate({ ...base, quarantined: [{ target: 'staging', version: base.version, reason: 'failed' }] }).pass,
    ).toBe(false);
    expect(decideGate({ ...base, budgets: [spent] }).reasons[0]).toMatch(/run_success budget of job:1 is exhausted/);
  });

  it('lets a fix through a spent budget, never through a quarantine or a failed verdict', () => {
    expect(decideGate({ ...base, budgets: [spent], isFix: true }).pass).toBe(true);
    expect(decideGate({ ...base, budgets: [spent], isFix: true, prior: { ...healthy, state: 'FAILED' } }).pass).toBe(
      false,
    );
  });

  it('finds the environment before a target in the promotion order', () => {
    expect(previousEnvironment(['dev', 'staging', 'prod'], 'prod')).toBe('staging');
    expect(previousEnvironment(['dev', 'staging', 'prod'], 'dev')).toBeNull();
    expect(previousEnvironment(['dev', 'staging', 'prod'], 'qa')).toBeUndefined();
    expect(decideGate({ ...base, to: 'dev', from: null, prior: null }).pass).toBe(true);
  });
});

describe('waiting for a verdict', () => {
  const run = async (seen: Array<VerdictSeen | null | 'unknown'>, until: 'first' | 'final', timeoutMs = 60_000) => {
    let now = 0;
    let i = 0;
    const outcome = await waitForVerdict({
      read: async () => seen[Math.min(i++, seen.length - 1)]!,
      until,
      timeoutMs,
      intervalMs: 10_000,
      nowMs: () => now,
      sleep: async (ms) => {
        now += ms;
      },
    });
    return { outcome, looks: i, waitedMs: now };
  };
  const v = (state: string, isFinal = false): VerdictSeen => ({ deploymentId: 'd', state, reason: null, isFinal });

  it('returns at the first verdict, which lets CI go on unless it is a failure', async () => {
    expect(await run([null, null, v('VERIFYING')], 'first')).toMatchObject({ looks: 3, waitedMs: 20_000 });
    expect((await run([null, v('VERIFYING')], 'first')).outcome).toMatchObject({ kind: 'verdict', ok: true });
    expect((await run([v('FAILED')], 'first')).outcome).toMatchObject({ kind: 'verdict', ok: false });
  });

  it('waits for the final verdict, and stops early on a failure', async () => {
    const r = await run([v('VERIFYING'), v('HEALTHY'), v('HEALTHY', true)], 'final');
    expect(r).toMatchObject({ looks: 3, outcome: { kind: 'verdict', ok: true } });
    expect((await run([v('HEALTHY'), v('ROLLED_BACK')], 'final')).outcome).toMatchObject({
      kind: 'verdict',
      ok: false,
    });
    expect((await run([v('INCONCLUSIVE', true)], 'final')).outcome).toMatchObject({ ok: false });
  });

  it('times out with the last verdict seen, and knows an unknown deployment', async () => {
    const r = await run([v('HEALTHY')], 'final', 30_000);
    expect(r.outcome).toEqual({ kind: 'timeout', last: v('HEALTHY') });
    expect(r.waitedMs).toBeLessThanOrEqual(30_000);
    expect((await run(['unknown'], 'first')).outcome).toEqual({ kind: 'unknown' });
  });
});
