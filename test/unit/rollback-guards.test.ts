import { describe, expect, it } from 'vitest';
import { decideRollback, nextStep, type OpenRollback, type PastRollback } from '../../src/rollback/guards.js';
import { DEFAULT_ROLLBACK_POLICY, type RollbackPolicy, resolveRollbackPolicy } from '../../src/rollback/policy.js';
import type { RollbackPlan } from '../../src/rollback/types.js';

const H = 3_600_000;
const NOW = 100 * H;

const plan = (over: Partial<RollbackPlan> = {}): RollbackPlan => ({
  rollbackId: 'rb-1',
  deploymentId: 'd3',
  bundle: 'b',
  target: 'prod',
  fromVersion: 'c'.repeat(40),
  toVersion: 'a'.repeat(40),
  toDeploymentId: 'd1',
  safety: 'SAFE',
  strategy: 'jobs-api',
  reasons: ['restores job etl (1 settings)'],
  changes: [],
  schemaChanges: [],
  restore: [],
  failedSettings: [],
  cause: 'run_health',
  ...over,
});

const past = (over: Partial<PastRollback>): PastRollback => ({
  rollbackId: 'rb-0',
  deploymentId: 'd0',
  bundle: 'b',
  target: 'prod',
  state: 'SUCCEEDED',
  requestedMs: NOW - 2 * H,
  ...over,
});

const decide = (
  p: RollbackPlan,
  recent: PastRollback[] = [],
  policy: RollbackPolicy = DEFAULT_ROLLBACK_POLICY,
  actor = 'ci',
) => decideRollback({ plan: p, failedActor: actor, recent, policy, nowMs: NOW });

describe('rollback guards: new decisions', () => {
  it('requests a SAFE rollback with the bundle strategy', () => {
    expect(decide(plan())).toMatchObject({ state: 'REQUESTED', strategy: 'jobs-api', notBeforeMs: null, pages: false });
  });

  it('blocks and pages a rollback that is not SAFE, with the plan reasons', () => {
    const d = decide(plan({ safety: 'UNSAFE', reasons: ['would delete pipeline x'] }));
    expect(d).toMatchObject({ state: 'BLOCKED', pages: true, reasons: ['UNSAFE: would delete pipeline x'] });
    expect(decide(plan({ safety: 'NEEDS_HUMAN', reasons: ['no target'] })).reasons).toEqual(['NEEDS_HUMAN: no target']);
  });

  it('blocks once the cap per bundle and window is reached, counting only rollbacks that acted', () => {
    const two = [
      past({ rollbackId: 'a', requestedMs: NOW - 5 * H }),
      past({ rollbackId: 'b', requestedMs: NOW - 10 * H, state: 'FAILED' }),
    ];
    expect(decide(plan(), two)).toMatchObject({ state: 'BLOCKED', pages: true });
    expect(decide(plan(), two).reasons[0]).toMatch(
      /cap reached: 2 automatic rollbacks of b on prod in the last 24 h \(cap 2\)/,
    );
    expect(decide(plan(), [two[0]!, past({ rollbackId: 'c', requestedMs: NOW - 25 * H })]).state).toBe('REQUESTED');
    expect(
      decide(plan(), [
        two[0]!,
        past({ rollbackId: 'd', state: 'BLOCKED' }),
        past({ rollbackId: 'e', state: 'DRY_RUN' }),
      ]).state,
    ).toBe('REQUESTED');
    expect(
      decide(plan(), [
        two[0]!,
        past({ rollbackId: 'f', target: 'staging' }),
        past({ rollbackId: 'g', bundle: 'other' }),
      ]).state,
    ).toBe('REQUESTED');
  });

  it('waits out the cool-down after the previous rollback', () => {
    const d = decide(plan(), [past({ requestedMs: NOW - 10 * 60_000 })]);
    expect(d).toMatchObject({ state: 'REQUESTED', notBeforeMs: NOW + 20 * 60_000 });
    expect(d.reasons.at(-1)).toMatch(/waits for the cool-down/);
  });

  it('does not roll back a restore that failed its re-verification', () => {
    expect(decide(plan(), [], DEFAULT_ROLLBACK_POLICY, 'postflight-rollback')).toMatchObject({
      state: 'BLOCKED',
      pages: true,
    });
  });

  it('records but does not act in dry-run, globally or per bundle, and a bundle can opt out', () => {
    const global = resolveRollbackPolicy({ dryRun: true });
    expect(decide(plan(), [], global)).toMatchObject({ state: 'DRY_RUN', pages: false });
    expect(decide(plan(), [], global).reasons[0]).toMatch(/^dry run: would roll back to aaaaaaaaaaaa with jobs-api/);
    expect(decide(plan({ safety: 'UNSAFE', reasons: ['x'] }), [], global).reasons[0]).toBe(
      'dry run: would block: UNSAFE: x',
    );
    expect(decide(plan(), [], resolveRollbackPolicy({ bundles: { b: { dryRun: true } } })).state).toBe('DRY_RUN');
    expect(decide(plan(), [], resolveRollbackPolicy({ dryRun: true, bundles: { b: { dryRun: false } } })).state).toBe(
      'REQUESTED',
    );
  });
});

describe('rollback guards: open rollbacks', () => {
  const open = (over: Partial<OpenRollback> = {}): OpenRollback => ({
    ...past({ rollbackId: 'rb-1', deploymentId: 'd3', state: 'REQUESTED', requestedMs: NOW }),
    strategy: 'jobs-api',
    fromVersion: 'c'.repeat(40),
    toVersion: 'a'.repeat(40),
    toDeploymentId: 'd1',
    restoreDeploymentId: 'r1',
    attempts: 0,
    notBeforeMs: null,
    detail: '',
    ...over,
  });
  const live = { deploymentId: 'd3', version: 'c'.repeat(40) };

  it('executes when the failed deployment is still live', () => {
    expect(nextStep(open(), live, DEFAULT_ROLLBACK_POLICY, NOW)).toEqual({ kind: 'execute' });
    expect(nextStep(open(), { deploymentId: 'r1', version: 'a'.repeat(40) }, DEFAULT_ROLLBACK_POLICY, NOW)).toEqual({
      kind: 'execute',
    });
  });

  it('waits for the cool-down', () => {
    expect(nextStep(open({ notBeforeMs: NOW + 1 }), live, DEFAULT_ROLLBACK_POLICY, NOW).kind).toBe('wait');
  });

  it('cancels when someone deployed since, and adopts a CI redeploy of the target version', () => {
    expect(nextStep(open(), { deploymentId: 'd9', version: 'f'.repeat(40) }, DEFAULT_ROLLBACK_POLICY, NOW).kind).toBe(
      'cancel',
    );
    expect(
      nextStep(
        open({ strategy: 'ci-dispatch' }),
        { deploymentId: 'd9', version: 'a'.repeat(40) },
        DEFAULT_ROLLBACK_POLICY,
        NOW,
      ),
    ).toEqual({ kind: 'adopt_redeploy', deploymentId: 'd9' });
  });

  it('gives up after maxAttempts', () => {
    expect(nextStep(open({ attempts: 3, detail: 'HTTP 500' }), live, DEFAULT_ROLLBACK_POLICY, NOW)).toEqual({
      kind: 'give_up',
      reason: 'gave up after 3 attempts: HTTP 500',
    });
  });
});

describe('rollback policy file section', () => {
  it('fills in defaults and reads overrides', () => {
    expect(resolveRollbackPolicy(undefined)).toEqual(DEFAULT_ROLLBACK_POLICY);
    const p = resolveRollbackPolicy({
      cap: { count: 1, windowHours: 6 },
      coolDownMinutes: 0,
      bundles: { x: { strategy: 'ci-dispatch' } },
      ciDispatch: { kind: 'webhook', url: 'https://ci.example.com/hook' },
    });
    expect(p.cap).toEqual({ count: 1, windowHours: 6 });
    expect(p.ciDispatch).toEqual({
      kind: 'webhook',
      url: 'https://ci.example.com/hook',
      secretEnv: 'POSTFLIGHT_WEBHOOK_SECRET',
    });
  });

  it('names the field and the fix in its errors', () => {
    expect(() => resolveRollbackPolicy({ cap: { count: 0, windowHours: 6 } })).toThrow(
      /rollback\.cap\.count: cap\.count must be at least 1/,
    );
    expect(() => resolveRollbackPolicy({ strategy: 'ci-dispatch' })).toThrow(
      /rollback\.ciDispatch: strategy 'ci-dispatch' needs a ciDispatch section/,
    );
    expect(() => resolveRollbackPolicy({ strategy: 'helm' })).toThrow(
      /rollback\.strategy: strategy must be 'jobs-api' or 'ci-dispatch'/,
    );
    expect(() =>
      resolveRollbackPolicy({ ciDispatch: { kind: 'github', repository: 'nope', workflow: 'd.yml' } }),
    ).toThrow(/rollback\.ciDispatch\.repository: repository must be 'owner\/name'/);
    expect(() => resolveRollbackPolicy({ dryrun: true })).toThrow(/rollback/);
  });
});
