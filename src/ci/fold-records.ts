// Several stage records written as one batch: folded by key first, the way the record MERGEs fold
// them one after another (a status never goes back, the earliest start and the outcome are kept),
// so a batch never holds two rows for one key. Delta rejects a MERGE whose source matches one
// target row twice. Pure.

import type { DeploymentRecord, RecordBatch, StageEvent } from './record.js';
import type { StageRecord } from './stage-record.js';

const rank = (status: string) => (status === 'PENDING' ? 0 : status === 'STARTED' ? 1 : 2);

function foldDeployment(t: DeploymentRecord, s: DeploymentRecord): DeploymentRecord {
  const advance = rank(s.status) >= rank(t.status);
  return {
    ...t,
    status: advance ? s.status : t.status,
    resources: advance ? s.resources : t.resources,
    startedMs:
      t.startedMs === null || s.startedMs === null ? (t.startedMs ?? s.startedMs) : Math.min(t.startedMs, s.startedMs),
    finishedMs: s.finishedMs ?? t.finishedMs,
    expectedChanges: s.expectedChanges,
    ciRunUrl: s.ciRunUrl ?? t.ciRunUrl,
  };
}

function foldEvent(t: StageEvent, s: StageEvent): StageEvent {
  const late = s.status === 'STARTED' && t.status !== 'STARTED';
  return {
    ...t,
    startedMs: Math.min(t.startedMs, s.startedMs),
    finishedMs: s.status === 'STARTED' ? t.finishedMs : (s.finishedMs ?? t.finishedMs),
    status: late ? t.status : s.status,
    attributes: late ? t.attributes : s.attributes,
  };
}

/** One batch of the records, in the order they happened. */
export function foldRecords(records: readonly StageRecord[]): RecordBatch {
  const deployments = new Map<string, DeploymentRecord>();
  const events = new Map<string, RecordBatch['events'][number]>();
  const snapshots = new Map<string, RecordBatch['snapshots'][number]>();
  for (const r of records) {
    for (const d of r.batch.deployments) {
      const t = deployments.get(d.deploymentId);
      deployments.set(d.deploymentId, t ? foldDeployment(t, d) : d);
    }
    for (const e of r.batch.events) {
      const key = JSON.stringify([e.deploymentId, e.event.stage, e.event.attempt]);
      const t = events.get(key);
      events.set(key, t ? { ...t, event: foldEvent(t.event, e.event) } : e);
    }
    for (const s of r.batch.snapshots) {
      snapshots.set(JSON.stringify([s.deploymentId, s.snapshot.resource.type, s.snapshot.resource.id]), s);
    }
  }
  return { deployments: [...deployments.values()], events: [...events.values()], snapshots: [...snapshots.values()] };
}
