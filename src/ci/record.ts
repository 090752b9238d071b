// CI companion: records a deployment, the settings it deployed and its stage events. Every write
// is a MERGE on a deterministic key, so a retried CI step changes nothing twice.

import { createHash } from 'node:crypto';
import { allDone } from '../all-done.js';
import type { CheckName, DeploymentStatus, ResourceRef } from '../types.js';
import type { RowBatch, Warehouse } from '../warehouse/port.js';

export interface DeploymentRecord {
  readonly deploymentId: string;
  readonly bundle: string;
  readonly target: string;
  readonly version: string;
  readonly previousVersion: string | null;
  readonly actor: string;
  readonly ciRunUrl: string | null;
  /** When the deploy started and finished; null before the deploy stage says. */
  readonly startedMs: number | null;
  readonly finishedMs: number | null;
  readonly status: DeploymentStatus;
  readonly resources: readonly ResourceRef[];
  readonly expectedChanges: readonly CheckName[];
  readonly traceId: string;
}

export interface ResourceSnapshot {
  readonly resource: ResourceRef;
  readonly settings: unknown;
}

export interface StageEvent {
  readonly stage: 'validate' | 'precheck' | 'deploy' | 'verify' | 'promote' | 'rollback';
  readonly attempt: number;
  readonly startedMs: number;
  readonly finishedMs: number | null;
  readonly status: string;
  readonly attributes: Readonly<Record<string, string | number | boolean>>;
  readonly spanId: string;
}

/** Canonical JSON (sorted keys) so equal settings always hash equal. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function settingsHash(settings: unknown): string {
  return createHash('sha256').update(canonicalJson(settings)).digest('hex').slice(0, 32);
}

export function deploymentRows(recs: readonly DeploymentRecord[], nowMs: number): RowBatch {
  return {
    columns: [
      { name: 'deployment_id', type: 'STRING' },
      { name: 'bundle', type: 'STRING' },
      { name: 'target', type: 'STRING' },
      { name: 'version', type: 'STRING' },
      { name: 'previous_version', type: 'STRING' },
      { name: 'actor', type: 'STRING' },
      { name: 'ci_run_url', type: 'STRING' },
      { name: 'started_at', type: 'TIMESTAMP' },
      { name: 'finished_at', type: 'TIMESTAMP' },
      { name: 'status', type: 'STRING' },
      { name: 'resources', type: 'STRING' },
      { name: 'expected_changes', type: 'STRING' },
      { name: 'trace_id', type: 'STRING' },
      { name: 'recorded_at', type: 'TIMESTAMP' },
    ],
    rows: recs.map((r) => [
      r.deploymentId,
      r.bundle,
      r.target,
      r.version,
      r.previousVersion,
      r.actor,
      r.ciRunUrl,
      r.startedMs,
      r.finishedMs,
      r.status,
      JSON.stringify(r.resources),
      JSON.stringify(r.expectedChanges),
      r.traceId,
      nowMs,
    ]),
  };
}

export function snapshotRows(
  items: ReadonlyArray<{ deploymentId: string; snapshot: ResourceSnapshot }>,
  nowMs: number,
): RowBatch {
  return {
    columns: [
      { name: 'deployment_id', type: 'STRING' },
      { name: 'resource_type', type: 'STRING' },
      { name: 'resource_id', type: 'STRING' },
      { name: 'resource_key', type: 'STRING' },
      { name: 'settings', type: 'STRING' },
      { name: 'settings_hash', type: 'STRING' },
      { name: 'captured_at', type: 'TIMESTAMP' },
    ],
    rows: items.map(({ deploymentId, snapshot }) => [
      deploymentId,
      snapshot.resource.type,
      snapshot.resource.id,
      snapshot.resource.key,
      canonicalJson(snapshot.settings),
      settingsHash(snapshot.settings),
      nowMs,
    ]),
  };
}

export function stageEventRows(
  items: ReadonlyArray<{ deploymentId: string; traceId: string; event: StageEvent }>,
): RowBatch {
  return {
    columns: [
      { name: 'deployment_id', type: 'STRING' },
      { name: 'stage', type: 'STRING' },
      { name: 'attempt', type: 'BIGINT' },
      { name: 'started_at', type: 'TIMESTAMP' },
      { name: 'finished_at', type: 'TIMESTAMP' },
      { name: 'status', type: 'STRING' },
      { name: 'attributes', type: 'STRING' },
      { name: 'trace_id', type: 'STRING' },
      { name: 'span_id', type: 'STRING' },
    ],
    rows: items.map(({ deploymentId, traceId, event }) => [
      deploymentId,
      event.stage,
      event.attempt,
      event.startedMs,
      event.finishedMs,
      event.status,
      canonicalJson(event.attributes),
      traceId,
      event.spanId,
    ]),
  };
}

export interface RecordBatch {
  readonly deployments: readonly DeploymentRecord[];
  readonly snapshots: ReadonlyArray<{ deploymentId: string; snapshot: ResourceSnapshot }>;
  readonly events: ReadonlyArray<{ deploymentId: string; traceId: string; event: StageEvent }>;
}

/**
 * Snapshots and events first, together (two tables): a deployment row is what makes the verifier
 * look, so it goes last.
 */
export async function recordDeployments(wh: Warehouse, batch: RecordBatch, nowMs: number): Promise<void> {
  await allDone([
    batch.snapshots.length
      ? wh.execute('record/merge_resource_snapshots', {}, snapshotRows(batch.snapshots, nowMs))
      : null,
    batch.events.length ? wh.execute('record/merge_deployment_events', {}, stageEventRows(batch.events)) : null,
  ]);
  if (batch.deployments.length)
    await wh.execute('record/merge_deployments', {}, deploymentRows(batch.deployments, nowMs));
}
