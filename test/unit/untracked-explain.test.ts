import { describe, expect, it } from 'vitest';
import {
  type ChangeExplanation,
  type ControlPlaneChange,
  requestDetail,
  unexplainedChanges,
} from '../../src/untracked/explain.js';

const MIN = 60_000;
const T = Date.UTC(2026, 5, 1, 12);

function change(over: Partial<ControlPlaneChange> = {}): ControlPlaneChange {
  return {
    changeId: `system.access.audit:${over.changedMs ?? T}`,
    source: 'system.access.audit',
    resourceType: 'job',
    resourceId: '101',
    changedMs: T,
    changedBy: 'someone@example.com',
    action: 'jobs.update',
    userAgent: null,
    detail: {},
    owner: { bundle: 'sales', target: 'prod', key: 'sales_job' },
    recorded: false,
    ...over,
  };
}

const deployment = (fromMs: number, toMs: number, ids = ['101']): ChangeExplanation => ({
  kind: 'deployment',
  id: `d-${fromMs}`,
  fromMs,
  toMs,
  resourceIds: new Set(ids),
});

describe('unexplainedChanges', () => {
  it('a change inside a deployment of the same resource is explained, one outside it is not', () => {
    const inside = change({ changedMs: T - 30_000 });
    const later = change({ changedMs: T + 3 * 60 * MIN });
    const out = unexplainedChanges([inside, later], [deployment(T - 2 * MIN, T)]);
    expect(out.map((u) => u.changedMs)).toEqual([later.changedMs]);
    expect(out[0]).toMatchObject({ production: true, bundle: 'sales', resourceName: 'sales_job' });
  });

  it('a deployment of another resource explains nothing', () => {
    expect(unexplainedChanges([change()], [deployment(T - MIN, T, ['202'])])).toHaveLength(1);
  });

  it("postflight's own rollback explains the reset it made", () => {
    const rollback: ChangeExplanation = {
      kind: 'rollback',
      id: 'rb-1',
      fromMs: T - MIN,
      toMs: T + MIN,
      resourceIds: new Set(['101']),
    };
    expect(unexplainedChanges([change({ action: 'jobs.reset' })], [rollback])).toEqual([]);
  });

  it('the edges: minutes before a deploy starts and after it ends count, an hour does not', () => {
    const d = deployment(T, T + 2 * MIN);
    expect(unexplainedChanges([change({ changedMs: T - 4 * MIN })], [d])).toHaveLength(0);
    expect(unexplainedChanges([change({ changedMs: T + 11 * MIN })], [d])).toHaveLength(0);
    expect(unexplainedChanges([change({ changedMs: T + 60 * MIN })], [d])).toHaveLength(1);
    expect(unexplainedChanges([change({ changedMs: T - 60 * MIN })], [d])).toHaveLength(1);
  });

  it('a history row of the same change the audit log shows is the same change, not a second one', () => {
    const audit = change();
    const history = change({
      changeId: 'system.lakeflow.jobs:101:1',
      source: 'system.lakeflow.jobs',
      changedMs: T + 2 * MIN,
      changedBy: null,
      action: 'jobs.changed',
    });
    expect(unexplainedChanges([audit, history], []).map((u) => u.source)).toEqual(['system.access.audit']);
    // Alone (the audit log not yet showing it), the history row is reported.
    expect(unexplainedChanges([history], []).map((u) => u.source)).toEqual(['system.lakeflow.jobs']);
  });

  it('production is the target that last deployed the resource; never deployed is not production', () => {
    const staging = change({ owner: { bundle: 'sales', target: 'staging', key: null } });
    const stray = change({ changeId: 'x', owner: null });
    const out = unexplainedChanges([staging, stray], []);
    expect(out.map((u) => u.production)).toEqual([false, false]);
    expect(
      unexplainedChanges([staging], [], { productionTargets: ['staging'], beforeMs: 0, afterMs: 0 })[0]!.production,
    ).toBe(true);
  });

  it('the user agent is kept in the detail, and the same change id is reported once', () => {
    const c = change({ userAgent: 'Mozilla/5.0' });
    const out = unexplainedChanges([c, c], []);
    expect(out).toHaveLength(1);
    expect(out[0]!.detail).toEqual({ user_agent: 'Mozilla/5.0' });
  });
});

describe('requestDetail', () => {
  it('names the parameters and the settings carried, never their values', () => {
    const d = requestDetail({ job_id: '101', new_settings: '{"max_concurrent_runs":2,"tags":{"secret":"x"}}' });
    expect(d).toEqual({ params: ['job_id', 'new_settings'], settings: ['max_concurrent_runs', 'tags'] });
    expect(JSON.stringify(d)).not.toContain('secret');
  });

  it('a settings value that is not JSON is named as a parameter only', () => {
    expect(requestDetail({ pipeline_id: 'p', spec: 'not json' })).toEqual({ params: ['pipeline_id', 'spec'] });
    expect(requestDetail(null)).toEqual({});
  });
});
