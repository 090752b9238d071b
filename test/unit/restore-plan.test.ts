import { describe, expect, it } from 'vitest';
import { type LineageEvent, type PlanInput, planRestore, type TableCommit } from '../../src/restore/plan.js';
import { planFile, readPlanFile } from '../../src/restore/plan-file.js';

const H = 3_600_000;
const deployment = {
  deploymentId: 'dep-1',
  bundle: 'sales',
  target: 'prod',
  version: 'abc1234',
  finishedMs: 10 * H,
  endMs: 20 * H,
  endReason: 'rolled back' as const,
  jobIds: ['job-bad'],
  pipelineIds: ['pipe-bad'],
};

const commit = (
  table: string,
  version: number,
  hour: number,
  jobId: string | null,
  operation = 'WRITE',
): TableCommit => ({
  table,
  version,
  commitMs: hour * H,
  operation,
  rowsWritten: 100,
  jobId,
});

const read = (source: string, target: string | null, entityId: string, hour: number, events = 1): LineageEvent => ({
  source,
  target,
  entityType: 'JOB',
  entityId,
  firstMs: hour * H,
  lastMs: hour * H,
  events,
});

const plan = (p: Partial<PlanInput>) => planRestore({ deployment, commits: [], lineage: [], ...p });

describe('restore plan', () => {
  it('restores a table only the bad version wrote, to the version before its first commit', () => {
    const p = plan({
      commits: [
        commit('c.s.orders', 7, 9, 'job-bad'),
        commit('c.s.orders', 8, 11, 'job-bad'),
        commit('c.s.orders', 9, 12, 'job-bad'),
      ],
    });
    expect(p.restores).toEqual([
      {
        table: 'c.s.orders',
        toVersion: 7,
        badVersions: [8, 9],
        latestVersion: 9,
        statement: 'RESTORE TABLE `c`.`s`.`orders` TO VERSION AS OF 7',
      },
    ]);
    expect(p.unsafe).toEqual([]);
  });

  it('goes back to the version before the first bad commit even when the cache lacks it', () => {
    const p = plan({ commits: [commit('c.s.orders', 41, 11, 'job-bad')] });
    expect(p.restores[0]!.toVersion).toBe(40);
  });

  it('refuses a table another writer wrote since, naming the writer and its commits', () => {
    const p = plan({
      commits: [
        commit('c.s.orders', 7, 9, 'job-other'),
        commit('c.s.orders', 8, 11, 'job-bad'),
        commit('c.s.orders', 9, 12, 'job-other'),
        commit('c.s.orders', 10, 13, 'job-other'),
        commit('c.s.orders', 11, 14, null, 'STREAMING UPDATE'),
      ],
    });
    expect(p.restores).toEqual([]);
    expect(p.unsafe).toHaveLength(1);
    const u = p.unsafe[0]!;
    expect(u.kind).toBe('other_writers');
    expect(u.writers).toEqual([
      { writer: 'commits with no job (ingestion, streaming or a user)', commits: 1, rows: 100 },
      { writer: 'job job-other', commits: 2, rows: 200 },
    ]);
    expect(u.reason).toContain('job job-other (2 commits)');
  });

  it('counts the rolled-back job writing again after the rollback as a writer whose rows a restore would lose', () => {
    const p = plan({ commits: [commit('c.s.orders', 8, 11, 'job-bad'), commit('c.s.orders', 9, 21, 'job-bad')] });
    expect(p.restores).toEqual([]);
    expect(p.unsafe[0]!.writers).toEqual([
      { writer: 'job job-bad after the version was rolled back', commits: 1, rows: 100 },
    ]);
  });

  it('does not restore a table again once a RESTORE undid the bad commits', () => {
    const p = plan({
      commits: [
        commit('c.s.orders', 7, 9, 'job-bad'),
        commit('c.s.orders', 8, 11, 'job-bad'),
        commit('c.s.orders', 9, 18, null, 'RESTORE'),
      ],
    });
    expect(p.restores).toEqual([]);
    expect(p.unsafe.map((u) => [u.kind, u.reason])).toEqual([
      ['restored', "restored since, at version 9: the bad version's commits are undone already"],
    ]);
  });

  it('does not restore a table a later full rewrite already replaced', () => {
    const p = plan({
      commits: [
        commit('c.s.daily', 8, 11, 'job-bad'),
        commit('c.s.daily', 9, 15, 'job-dbt', 'CREATE OR REPLACE TABLE AS SELECT'),
      ],
    });
    expect(p.unsafe.map((u) => [u.table, u.kind])).toEqual([['c.s.daily', 'rewritten']]);
  });

  it('cannot restore a table the bad version created', () => {
    const p = plan({ commits: [commit('c.s.new', 0, 11, 'job-bad', 'CREATE TABLE')] });
    expect(p.unsafe.map((u) => u.kind)).toEqual(['created']);
  });

  it('names the downstream tables that read a bad table after its first bad commit, not before', () => {
    const p = plan({
      commits: [commit('c.s.orders', 7, 9, 'job-other'), commit('c.s.orders', 8, 12, 'job-bad')],
      lineage: [
        read('c.s.orders', 'c.s.revenue', 'job-rev', 13, 3),
        read('c.s.orders', 'c.s.early', 'job-early', 11),
        read('c.s.orders', 'c.s.orders', 'job-bad', 12),
        read('c.s.orders', null, 'job-dash', 14),
        read('c.s.unrelated', 'c.s.x', 'job-x', 14),
      ],
    });
    expect(p.rerun).toEqual([
      { table: 'c.s.revenue', entityType: 'JOB', entityId: 'job-rev', reads: 3, sources: ['c.s.orders'] },
    ]);
  });

  it('lists pipeline-written tables for a restore by hand, and plans nothing when nothing was written', () => {
    const p = plan({ lineage: [{ ...read('c.s.raw', 'c.s.clean', 'pipe-bad', 12), entityType: 'PIPELINE' }] });
    expect(p.unsafe.map((u) => [u.table, u.kind])).toEqual([['c.s.clean', 'pipeline']]);
    const none = plan({ commits: [commit('c.s.orders', 7, 9, 'job-other'), commit('c.s.orders', 8, 25, 'job-bad')] });
    expect(none.restores).toEqual([]);
    expect(none.unsafe).toEqual([]);
    expect(none.rerun).toEqual([]);
  });

  it('writes a plan file whose id changes with any edit, and reads it back', () => {
    const p = plan({ commits: [commit('c.s.orders', 8, 11, 'job-bad')] });
    const f = planFile(p, 1000);
    expect(readPlanFile(JSON.stringify(f), 'x.json')).toEqual(f);
    const edited = JSON.parse(JSON.stringify(f));
    edited.plan.restores[0].toVersion = 3;
    expect(() => readPlanFile(JSON.stringify(edited), 'x.json')).toThrow(/edited after it was made/);
    const bad = JSON.parse(JSON.stringify(f));
    bad.plan.restores[0].table = 'c.s.x; DROP TABLE y';
    expect(() => readPlanFile(JSON.stringify(bad), 'x.json')).toThrow(/plan\.restores\[0\]\.table/);
  });
});
