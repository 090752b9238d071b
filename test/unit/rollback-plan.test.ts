import { describe, expect, it } from 'vitest';
import { unpinnedCode } from '../../src/rollback/classify.js';
import { type PlanInput, planRollback } from '../../src/rollback/plan.js';
import { rollbackIdOf } from '../../src/rollback/rollback-id.js';
import { selectTarget } from '../../src/rollback/target.js';
import type { SettingsSnapshot, VersionRecord } from '../../src/rollback/types.js';
import type { ResourceRef } from '../../src/types.js';

const H = 3_600_000;
const JOB: ResourceRef = { type: 'job', id: '11', key: 'etl' };
const PIPE: ResourceRef = { type: 'pipeline', id: 'p1', key: 'dlt' };
const sha = (c: string) => c.repeat(40);

function version(
  over: Partial<VersionRecord> & { deploymentId: string; version: string; finishedMs: number },
): VersionRecord {
  return {
    bundle: 'b',
    target: 'prod',
    actor: 'ci',
    resources: [JOB, PIPE],
    verdict: 'HEALTHY',
    quarantined: false,
    ...over,
  };
}

const jobSettings = (v: string, extra: Record<string, unknown> = {}) => ({
  name: 'etl',
  tasks: [{ task_key: 't', notebook_path: `/art/${v}/etl` }],
  ...extra,
});
const pipeSpec = (v: string, extra: Record<string, unknown> = {}) => ({
  name: 'dlt',
  catalog: 'prod',
  schema: 'sales',
  libraries: [{ glob: { include: `/art/${v}/dlt/**` } }],
  ...extra,
});

function snaps(
  d: VersionRecord,
  job: Record<string, unknown> = jobSettings(d.version),
  pipe: Record<string, unknown> = pipeSpec(d.version),
): SettingsSnapshot[] {
  return d.resources.map((r) => ({
    deploymentId: d.deploymentId,
    type: r.type,
    id: r.id,
    key: r.key,
    settings: r.type === 'job' ? job : pipe,
  }));
}

const failed = version({ deploymentId: 'd3', version: sha('c'), finishedMs: 30 * H, verdict: 'FAILED' });
const good = version({ deploymentId: 'd1', version: sha('a'), finishedMs: 10 * H });

function input(over: Partial<PlanInput> = {}): PlanInput {
  return {
    failed,
    cause: 'run_health: failed',
    history: [good, failed],
    snapshots: [...snaps(good), ...snaps(failed)],
    schemaChanges: [],
    strategy: 'jobs-api',
    ...over,
  };
}

describe('rollback target', () => {
  it('takes the newest earlier HEALTHY version, passing over undecided, failed and quarantined ones', () => {
    const history = [
      good,
      version({ deploymentId: 'd2', version: sha('b'), finishedMs: 20 * H, verdict: 'INCONCLUSIVE' }),
      version({ deploymentId: 'd2b', version: sha('e'), finishedMs: 22 * H, quarantined: true }),
      version({ deploymentId: 'd2c', version: sha('f'), finishedMs: 25 * H, verdict: 'ROLLED_BACK' }),
      failed,
      version({ deploymentId: 'd4', version: sha('d'), finishedMs: 40 * H }),
    ];
    const choice = selectTarget(failed, history);
    expect(choice.target?.deploymentId).toBe('d1');
    expect(choice.passedOver.map((p) => p.split(': ')[1])).toEqual([
      'failed verification',
      'quarantined',
      'verdict INCONCLUSIVE',
    ]);
  });

  it('never picks a version that failed elsewhere in its history, even with a HEALTHY deployment', () => {
    const again = version({ deploymentId: 'd0', version: sha('a'), finishedMs: 5 * H, verdict: 'FAILED' });
    expect(selectTarget(failed, [again, good, failed]).target).toBeNull();
  });

  it('ignores other bundles and targets', () => {
    expect(
      selectTarget(failed, [
        { ...good, target: 'staging' },
        { ...good, bundle: 'other' },
      ]).target,
    ).toBeNull();
  });
});

describe('rollback plan', () => {
  it('is SAFE when only settings and versioned code paths change', () => {
    const p = planRollback(input());
    expect(p).toMatchObject({
      rollbackId: rollbackIdOf('d3'),
      safety: 'SAFE',
      toVersion: sha('a'),
      toDeploymentId: 'd1',
    });
    expect(p.changes.map((c) => [c.key, c.change, c.paths])).toEqual([
      ['etl', 'changed', ['tasks[0].notebook_path']],
      ['dlt', 'changed', ['libraries[0].glob.include']],
    ]);
    expect(p.restore.map((s) => s.deploymentId)).toEqual(['d1', 'd1']);
  });

  it('needs a human when there is no healthy earlier version', () => {
    const p = planRollback(input({ history: [failed] }));
    expect(p.safety).toBe('NEEDS_HUMAN');
    expect(p.reasons[0]).toMatch(/no earlier version of b on prod has a HEALTHY verdict/);
  });

  it('is UNSAFE when the rollback would delete a pipeline the failed version added', () => {
    const g = version({ ...good, resources: [JOB] });
    const p = planRollback(input({ history: [g, failed], snapshots: [...snaps(g), ...snaps(failed)] }));
    expect(p.safety).toBe('UNSAFE');
    expect(p.reasons[0]).toMatch(/would delete pipeline dlt \(p1\), and its Unity Catalog tables with it/);
  });

  it('is UNSAFE when the rollback would delete a job', () => {
    const g = version({ ...good, resources: [PIPE] });
    const p = planRollback(input({ history: [g, failed], snapshots: [...snaps(g), ...snaps(failed)] }));
    expect(p.reasons[0]).toMatch(/would delete job etl \(11\) and its run history/);
  });

  it('is UNSAFE when a table schema changed after the failed deploy', () => {
    const p = planRollback(
      input({
        schemaChanges: [{ table: 'prod.sales.orders', operation: 'ADD COLUMNS', atMs: 31 * H, subjectId: '11' }],
      }),
    );
    expect(p.safety).toBe('UNSAFE');
    expect(p.reasons[0]).toMatch(/table prod.sales.orders changed schema after the failed deploy \(ADD COLUMNS/);
  });

  it('is UNSAFE when the pipeline moves schema or a checkpoint location changes', () => {
    const moved = planRollback(
      input({
        snapshots: [
          ...snaps(good),
          ...snaps(failed, jobSettings(failed.version), pipeSpec(failed.version, { schema: 'sales_v2' })),
        ],
      }),
    );
    expect(moved.safety).toBe('UNSAFE');
    expect(moved.reasons[0]).toMatch(/pipeline dlt: rolling back changes schema from sales_v2 to sales/);
    const ckpt = planRollback(
      input({
        snapshots: [
          ...snaps(good, jobSettings(good.version, { parameters: [{ name: 'checkpoint', default: '/chk/v1' }] })),
          ...snaps(failed, jobSettings(failed.version, { parameters: [{ name: 'checkpoint', default: '/chk/v2' }] })),
        ],
      }),
    );
    expect(ckpt.safety).toBe('UNSAFE');
    expect(ckpt.reasons[0]).toMatch(/parameters\[0\]\.default, a checkpoint location/);
    const ckptPath = planRollback(
      input({
        snapshots: [
          ...snaps(good, jobSettings(good.version, { checkpoint_location: '/chk/v1' })),
          ...snaps(failed, jobSettings(failed.version, { checkpoint_location: '/chk/v2' })),
        ],
      }),
    );
    expect(ckptPath.safety).toBe('UNSAFE');
    expect(ckptPath.reasons[0]).toMatch(/checkpoint location: streaming state would be reset/);
  });

  it('needs a human when the target version has a resource the failed one removed, or a snapshot is missing', () => {
    const f = version({ ...failed, resources: [JOB] });
    const p = planRollback(input({ failed: f, history: [good, f], snapshots: [...snaps(good), ...snaps(f)] }));
    expect(p.safety).toBe('NEEDS_HUMAN');
    expect(p.reasons[0]).toMatch(/has pipeline dlt \(p1\) that the failed version removed/);
    const noSnap = planRollback(input({ snapshots: snaps(failed) }));
    expect(noSnap.safety).toBe('NEEDS_HUMAN');
    expect(noSnap.reasons[0]).toMatch(/no settings snapshot of job etl \(11\) for the target version/);
  });

  it('needs a human for jobs-api when code paths are not pinned to the version, but not for ci-dispatch', () => {
    const loose = (v: VersionRecord) =>
      snaps(v, { name: 'etl', tasks: [{ notebook_path: '/Workspace/.bundle/b/files/etl' }] });
    const p = planRollback(input({ snapshots: [...loose(good), ...loose(failed)] }));
    expect(p.safety).toBe('NEEDS_HUMAN');
    expect(p.reasons[0]).toMatch(/runs code from \/Workspace\/.bundle\/b\/files\/etl, a path every version overwrites/);
    expect(planRollback(input({ snapshots: [...loose(good), ...loose(failed)], strategy: 'ci-dispatch' })).safety).toBe(
      'SAFE',
    );
  });

  it('treats a job checked out of git at a commit as pinned', () => {
    expect(
      unpinnedCode({ git_source: { git_commit: 'abc' }, tasks: [{ notebook_path: 'src/etl' }] }, sha('a')),
    ).toEqual([]);
    expect(
      unpinnedCode({ git_source: { git_branch: 'main' }, tasks: [{ notebook_path: 'src/etl' }] }, sha('a')),
    ).toEqual(['src/etl']);
  });
});
