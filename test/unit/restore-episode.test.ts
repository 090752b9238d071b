import { describe, expect, it } from 'vitest';
import { planRestore, type TableCommit } from '../../src/restore/plan.js';
import { firstSlotAfter, slotStartMs } from '../../src/simulator/catalog.js';
import { defaultSpec } from '../../src/simulator/default-spec.js';
import { buildPlan } from '../../src/simulator/plan.js';
import { withRestoreEpisode } from '../../src/simulator/restore-episode.js';
import { simulateRun } from '../../src/simulator/runs.js';
import { buildWorldModel } from '../../src/simulator/world-step.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

describe('the data-restore episode of the simulated world', () => {
  const spec = defaultSpec();
  const model = buildWorldModel(spec);
  const replayTo = spec.startMs + DAY;
  const doubled = model.plan.deploys.filter(
    (d) => d.behaviour.kind === 'volume_jump' && d.behaviour.factor === 2 && d.atMs >= spec.startMs,
  );
  const episode = doubled.find((d) => {
    const p = model.catalog[d.pipelineIndex]!;
    return slotStartMs(p, firstSlotAfter(p, d.atMs) + 1) >= replayTo;
  });

  it('makes one healthy replay deploy of a batch job bad, and changes nothing else', () => {
    expect(episode).toBeDefined();
    const d = episode!;
    const p = model.catalog[d.pipelineIndex]!;
    expect({ label: d.label, kind: p.kind, resource: p.resourceType }).toEqual({
      label: 'bad',
      kind: 'batch',
      resource: 'job',
    });
    const base = buildPlan(spec, model.catalog).deploys;
    const withEpisode = withRestoreEpisode(base, model.catalog, spec.seed, spec.startMs, replayTo);
    const changed = withEpisode.filter((x, i) => x !== base[i]);
    expect(changed.map((x) => x.deploymentId)).toEqual([d.deploymentId]);
    expect(base.find((x) => x.deploymentId === d.deploymentId)?.label).toBe('healthy');
  });

  it('writes its tables once, with twice the rows, early enough to be judged, and the job runs no more in the replay', () => {
    const d = episode!;
    const p = model.catalog[d.pipelineIndex]!;
    const slot = firstSlotAfter(p, d.atMs);
    const run = simulateRun(spec.seed, p, slot, slotStartMs(p, slot), d.behaviour, []);
    const healthy = simulateRun(spec.seed, p, slot, slotStartMs(p, slot), { kind: null, factor: 1 }, []);
    expect(run.succeeded).toBe(true);
    expect(run.endMs).toBeLessThan(replayTo - 2 * HOUR);
    run.rows.forEach((rows, i) => {
      // Rows are whole: twice the healthy run's, within rounding.
      expect(Math.abs(rows! - healthy.rows[i]! * 2)).toBeLessThanOrEqual(1);
    });
    expect(slotStartMs(p, slot + 1)).toBeGreaterThanOrEqual(replayTo);
    expect(model.plan.deploys.some((o) => o.bundle === d.bundle && o.atMs > d.atMs && o.atMs < replayTo)).toBe(false);
  });

  it('leaves a plan that restores each of its tables, where a job that ran again after the rollback would not', () => {
    const d = episode!;
    const p = model.catalog[d.pipelineIndex]!;
    const slot = firstSlotAfter(p, d.atMs);
    const runEnd = simulateRun(spec.seed, p, slot, slotStartMs(p, slot), d.behaviour, []).endMs;
    const commits: TableCommit[] = p.targets.flatMap((t) => [
      { table: t.name, version: slot - 1, commitMs: d.atMs - HOUR, operation: 'WRITE', rowsWritten: 10, jobId: p.id },
      { table: t.name, version: slot, commitMs: runEnd, operation: 'WRITE', rowsWritten: 20, jobId: p.id },
    ]);
    const deployment = {
      deploymentId: d.deploymentId,
      bundle: d.bundle,
      target: 'prod',
      version: d.version,
      finishedMs: d.atMs,
      endMs: runEnd + HOUR,
      endReason: 'rolled back' as const,
      jobIds: [p.id],
      pipelineIds: [],
    };
    const plan = planRestore({ deployment, commits, lineage: [] });
    expect(plan.restores.map((r) => [r.table, r.toVersion])).toEqual(p.targets.map((t) => [t.name, slot - 1]));
    const rerun = commits.concat(
      p.targets.map((t) => ({
        table: t.name,
        version: slot + 1,
        commitMs: slotStartMs(p, slot + 1),
        operation: 'WRITE',
        rowsWritten: 10,
        jobId: p.id,
      })),
    );
    const after = planRestore({ deployment, commits: rerun, lineage: [] });
    expect(after.restores).toEqual([]);
    expect(after.unsafe.map((u) => u.kind)).toEqual(p.targets.map(() => 'other_writers'));
  });
});
