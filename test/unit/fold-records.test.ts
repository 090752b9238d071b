import { describe, expect, it } from 'vitest';
import { ciContextOf } from '../../src/ci/ci-context.js';
import { foldRecords } from '../../src/ci/fold-records.js';
import { type Stage, type StageStatus, stageRecord } from '../../src/ci/stage-record.js';

const T = Date.UTC(2026, 10, 20, 9);
const job = { type: 'job' as const, key: 'ingest', id: '42', action: 'update' as const };
const at = (stage: Stage, status: StageStatus, nowMs: number) =>
  stageRecord({
    stage,
    status,
    nowMs,
    bundle: 'b',
    target: 'prod',
    version: 'v1',
    previousVersion: null,
    ci: ciContextOf({}, { runId: '9' }),
    resources: [job],
    deploySeq: null,
    expectedChanges: [],
    live: new Map([['42', { name: 'ingest' }]]),
    previousHashes: new Map(),
    attributes: {},
  });

describe('folding stage records into one batch', () => {
  it('keeps one row per key, as the MERGEs would leave them one after another', () => {
    const batch = foldRecords([
      at('validate', 'SUCCEEDED', T),
      at('deploy', 'STARTED', T + 60_000),
      at('deploy', 'SUCCEEDED', T + 150_000),
      at('verify', 'STARTED', T + 150_000),
    ]);
    expect(batch.deployments).toHaveLength(1);
    expect(batch.deployments[0]).toMatchObject({ status: 'SUCCEEDED', startedMs: T + 60_000, finishedMs: T + 150_000 });
    expect(batch.events.map((e) => [e.event.stage, e.event.status, e.event.startedMs, e.event.finishedMs])).toEqual([
      ['validate', 'SUCCEEDED', T, T],
      ['deploy', 'SUCCEEDED', T + 60_000, T + 150_000],
      ['verify', 'STARTED', T + 150_000, null],
    ]);
    expect(batch.snapshots).toHaveLength(1);
  });

  it('never moves a stage or a deployment back when a STARTED comes last', () => {
    const batch = foldRecords([at('deploy', 'SUCCEEDED', T + 150_000), at('deploy', 'STARTED', T + 60_000)]);
    expect(batch.deployments[0]).toMatchObject({
      status: 'SUCCEEDED',
      startedMs: T + 60_000,
      finishedMs: T + 150_000,
    });
    expect(batch.events[0]!.event).toMatchObject({
      status: 'SUCCEEDED',
      startedMs: T + 60_000,
      finishedMs: T + 150_000,
    });
  });
});
