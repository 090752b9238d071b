import { describe, expect, it } from 'vitest';
import { codeAttributes, codeFileOf, fingerprintOf, fingerprintOfAttributes } from '../../src/ci/code-fingerprint.js';
import { settingsHash } from '../../src/ci/record.js';
import { chooseStrategy, compareCode } from '../../src/rollback/code-change.js';
import { type PlanInput, planRollback } from '../../src/rollback/plan.js';
import { DEFAULT_ROLLBACK_POLICY, expectedStrategy, resolveRollbackPolicy } from '../../src/rollback/policy.js';
import { changedSincePlan, type LiveMark, marksOfPlan } from '../../src/rollback/strategies/live-state.js';
import type { SettingsSnapshot, VersionRecord } from '../../src/rollback/types.js';
import type { ResourceRef } from '../../src/types.js';

const H = 3_600_000;
const sha = (c: string) => c.repeat(40);
const JOB: ResourceRef = { type: 'job', id: '11', key: 'etl' };
const bytes = (s: string) => new TextEncoder().encode(s);
const fp = (files: Record<string, string>) =>
  fingerprintOf(Object.entries(files).map(([path, text]) => codeFileOf(path, bytes(text))!));

const version = (
  deploymentId: string,
  v: string,
  finishedMs: number,
  verdict: 'HEALTHY' | 'FAILED',
): VersionRecord => ({
  deploymentId,
  bundle: 'b',
  target: 'prod',
  version: v,
  finishedMs,
  actor: 'ci',
  resources: [JOB],
  verdict,
  quarantined: false,
});
const good = version('d1', sha('a'), 10 * H, 'HEALTHY');
const failed = version('d3', sha('c'), 30 * H, 'FAILED');
// A bundle as `databricks bundle init` makes it: tasks run the synced files, a path every version overwrites.
const synced = (d: VersionRecord): SettingsSnapshot => ({
  deploymentId: d.deploymentId,
  type: 'job',
  id: '11',
  key: 'etl',
  settings: {
    name: 'etl',
    timeout_seconds: d === good ? 600 : 900,
    tasks: [{ notebook_path: '/Workspace/b/files/etl' }],
  },
});
const v1 = fp({ 'src/etl.py': 'print(1)', 'src/util.py': 'x = 1' });
const v2 = fp({ 'src/etl.py': 'print(2)', 'src/util.py': 'x = 1', 'src/new.sql': 'select 1' });

const input = (over: Partial<PlanInput> = {}): PlanInput => ({
  failed,
  cause: 'run_health: failed',
  history: [good, failed],
  snapshots: [synced(good), synced(failed)],
  schemaChanges: [],
  strategy: 'auto',
  ...over,
});

describe("the bundle's code fingerprint", () => {
  it('is the same for the same files in any order, and names what changed', () => {
    expect(fp({ 'b.py': '2', 'a.py': '1' }).hash).toBe(fp({ 'a.py': '1', 'b.py': '2' }).hash);
    const c = compareCode(v2, v1);
    expect(c).toMatchObject({ state: 'changed', files: ['src/etl.py', 'src/new.sql'] });
    expect(c.text).toMatch(/code files changed between the versions \(2 files: src\/etl\.py, src\/new\.sql\)/);
    expect(compareCode(v1, fp({ 'src/util.py': 'x = 1', 'src/etl.py': 'print(1)' })).state).toBe('unchanged');
    expect(compareCode(null, v1)).toMatchObject({ state: 'unknown' });
  });

  it("leaves the bundle's own configuration out, but not other YAML", () => {
    expect(codeFileOf('databricks.yml', bytes('bundle:\n  name: b\n'))).toBeNull();
    expect(codeFileOf('resources/etl.job.yml', bytes('resources:\n  jobs:\n    etl: {}\n'))).toBeNull();
    expect(codeFileOf('dbt/dbt_project.yml', bytes("name: 'shop'\nmodels:\n  shop: {}\n"))).not.toBeNull();
  });

  it('travels in the stage attributes and back', () => {
    const back = fingerprintOfAttributes(JSON.parse(JSON.stringify(codeAttributes(v2))) as Record<string, unknown>);
    expect(back).toEqual(v2);
    expect(fingerprintOfAttributes({ 'cicd.pipeline.run.attempt': 1 })).toBeNull();
  });
});

describe('the rollback strategy', () => {
  const code = new Map([
    ['d1', v1],
    ['d3', v2],
  ]);

  it('is ci-dispatch by default where code files changed and run from paths every version overwrites', () => {
    const p = planRollback(input({ code, ciDispatch: true }));
    expect(p).toMatchObject({ safety: 'SAFE', strategy: 'ci-dispatch' });
    expect(p.reasons.at(-1)).toMatch(
      /code files changed .*src\/etl\.py.*\/Workspace\/b\/files\/etl is a path every version overwrites: CI redeploys aaaaaaaaaaaa/,
    );
  });

  it('blocks with the reason, rather than resetting settings only, when no CI dispatch is configured', () => {
    const p = planRollback(input({ code }));
    expect(p.safety).toBe('NEEDS_HUMAN');
    expect(p.reasons).toContainEqual(
      expect.stringMatching(
        /code files changed .*no CI dispatch is configured \(rollback\.ciDispatch\): a settings reset would leave the failed version's code in place/,
      ),
    );
    // Not knowing counts as may have changed.
    expect(planRollback(input()).safety).toBe('NEEDS_HUMAN');
    expect(planRollback(input({ ciDispatch: true })).strategy).toBe('ci-dispatch');
  });

  it('resets settings when the code files are the same in both versions, wherever they run from', () => {
    const same = new Map([
      ['d1', v1],
      ['d3', v1],
    ]);
    const p = planRollback(input({ code: same, ciDispatch: true }));
    expect(p).toMatchObject({ safety: 'SAFE', strategy: 'jobs-api' });
    expect(p.reasons.at(-1)).toMatch(/2 code files are the same in both versions: resetting job and pipeline settings/);
    expect(planRollback(input({ code: same, strategy: 'jobs-api' })).safety).toBe('SAFE');
  });

  it('resets settings when code changed but every code path carries the version', () => {
    const pinned = (d: VersionRecord): SettingsSnapshot => ({
      ...synced(d),
      settings: { name: 'etl', tasks: [{ notebook_path: `/art/${d.version}/etl` }] },
    });
    const p = planRollback(input({ code, ciDispatch: true, snapshots: [pinned(good), pinned(failed)] }));
    expect(p).toMatchObject({ safety: 'SAFE', strategy: 'jobs-api' });
    expect(p.reasons.at(-1)).toMatch(/every code path carries the version/);
    // A plan blocked for another cause does not dress the strategy up as one more reason.
    const unsafe = planRollback(
      input({
        code,
        snapshots: [pinned(good), pinned(failed)],
        schemaChanges: [{ table: 'prod.s.t', operation: 'ADD COLUMNS', atMs: 31 * H, subjectId: '11' }],
      }),
    );
    expect(unsafe.safety).toBe('UNSAFE');
    expect(unsafe.reasons.join(' ')).not.toMatch(/code path/);
  });

  it("keeps the policy's explicit choice", () => {
    expect(planRollback(input({ code, strategy: 'jobs-api', ciDispatch: true }))).toMatchObject({
      strategy: 'jobs-api',
      safety: 'NEEDS_HUMAN',
    });
    const same = compareCode(v1, v1);
    expect(
      chooseStrategy({ choice: 'ci-dispatch', code: same, unpinned: [], ciDispatch: true, toVersion: sha('a') }),
    ).toMatchObject({ strategy: 'ci-dispatch' });
  });

  it("is 'auto' unless the policy says otherwise; a pre-deploy check expects its most demanding case", () => {
    expect(DEFAULT_ROLLBACK_POLICY.strategy).toBe('auto');
    expect(expectedStrategy(DEFAULT_ROLLBACK_POLICY, 'b')).toBe('jobs-api');
    const withCi = resolveRollbackPolicy({ ciDispatch: { kind: 'webhook', url: 'https://ci.example.com/hook' } });
    expect(expectedStrategy(withCi, 'b')).toBe('ci-dispatch');
    const hook = { kind: 'webhook', url: 'https://ci.example.com/hook' } as const;
    expect(expectedStrategy(resolveRollbackPolicy({ strategy: 'jobs-api', ciDispatch: hook }), 'b')).toBe('jobs-api');
    expect(() => resolveRollbackPolicy({ strategy: 'redeploy' })).toThrow(/or 'auto' \(the default/);
  });
});

describe('a resource changed since the rollback was planned', () => {
  const mark: LiveMark = { type: 'pipeline', id: 'p', settingsHash: 'h', lastModified: 1_000, atMs: 5_000 };

  it("is told by the pipeline's last_modified, and by a job's settings", () => {
    expect(changedSincePlan({ settings: { a: 2 }, lastModified: 1_000 }, mark)).toBeNull();
    expect(changedSincePlan({ settings: { a: 1 }, lastModified: 2_000 }, mark)).toMatch(
      /edited in the workspace after the rollback was planned \(last_modified 1970-01-01T00:00:02\.000Z/,
    );
    const job: LiveMark = { ...mark, type: 'job', lastModified: null, settingsHash: 'not the hash of {a: 1}' };
    expect(changedSincePlan({ settings: { a: 1 }, lastModified: null }, job)).toMatch(/its settings differ/);
    expect(
      changedSincePlan({ settings: { a: 1 }, lastModified: null }, { ...job, settingsHash: settingsHash({ a: 1 }) }),
    ).toBeNull();
    expect(changedSincePlan({ settings: { a: 1 }, lastModified: null }, undefined)).toBeNull();
  });

  it('is kept in the ledger row with the plan', () => {
    expect(marksOfPlan(JSON.stringify({ reasons: [], live: [mark] })).get('pipeline:p')).toEqual(mark);
    expect(marksOfPlan('{"reasons":[]}').size).toBe(0);
    expect(marksOfPlan('not json').size).toBe(0);
  });
});
