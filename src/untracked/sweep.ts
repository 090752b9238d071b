// The untracked-change sweep: the control plane's changes of a period read from the slow plane
// (the audit log and the lakeflow history tables), set against the deployments and rollbacks
// recorded around them; each change nothing explains is audited, then written as an
// UNTRACKED_CHANGE row. The audit entry comes first and both are keyed on the change, so a sweep
// that stops in between is finished by the next one without a second row or entry.

import { AuditWriter } from '../audit/audit-writer.js';
import type { AuditEntry, ChainTail } from '../audit/hash-chain.js';
import type { Row, RowBatch, Warehouse } from '../warehouse/port.js';
import { textOrNull as str } from '../warehouse/row-values.js';
import type { Workspace } from '../workspace/port.js';
import {
  type ChangeExplanation,
  type ChangeSource,
  type ControlPlaneChange,
  DEFAULT_EXPLAIN_POLICY,
  type ExplainPolicy,
  requestDetail,
  type UntrackedChange,
  unexplainedChanges,
} from './explain.js';
import { liveDrifts, liveJobHashes } from './live-settings.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface UntrackedPolicy extends ExplainPolicy {
  /**
   * How far back each sweep reads: longer than the audit log's and the history tables' delay,
   * so a change that shows up late is still read once it does.
   */
  readonly lookbackMs: number;
}

export const DEFAULT_UNTRACKED_POLICY: UntrackedPolicy = { ...DEFAULT_EXPLAIN_POLICY, lookbackMs: DAY };

export interface UntrackedSweepSummary {
  /** Changes read from the sources in the period. */
  readonly changes: number;
  /** Jobs whose live settings were read (one paged jobs/list); null without a control plane to list them. */
  readonly liveJobs: number | null;
  /** Unexplained changes found for the first time this sweep. */
  readonly untracked: number;
  /** Of those, the ones to production resources: paged by the untracked_change alert. */
  readonly production: number;
}

/** Reads the period's changes and their explanations, and records the unexplained ones not recorded yet. */
export async function sweepUntracked(
  io: { readonly wh: Warehouse; readonly ws?: Workspace },
  tickId: string,
  nowMs: number,
  policy: UntrackedPolicy = DEFAULT_UNTRACKED_POLICY,
  auditTail?: ChainTail | null,
): Promise<UntrackedSweepSummary> {
  const { wh, ws } = io;
  const sinceMs = nowMs - policy.lookbackMs;
  const [changeRows, explanationRows, snapshotRows, live] = await Promise.all([
    wh.query('tick/control_plane_changes', { since_ms: sinceMs, until_ms: nowMs + 1 }),
    wh.query('tick/change_explanations', { from_ms: sinceMs - DAY, until_ms: nowMs + 1 }),
    ws?.listJobs ? wh.query('tick/live_snapshots') : Promise.resolve([]),
    ws ? liveJobHashes(ws) : Promise.resolve(null),
  ]);
  const changes = [...changeRows.map(changeOf), ...(live ? liveDrifts(live, snapshotRows, nowMs) : [])];
  const recorded = new Set(changes.filter((c) => c.recorded).map((c) => c.changeId));
  const found = unexplainedChanges(changes, explanationRows.map(explanationOf), policy).filter(
    (u) => !recorded.has(u.changeId),
  );
  if (found.length) {
    const audit = new AuditWriter(wh, auditTail);
    await audit.append(
      found.map((u) => untrackedEntry(u, nowMs)),
      nowMs,
    );
    await Promise.all([
      wh.execute('tick/merge_untracked_changes', {}, untrackedRows(found, tickId, nowMs)),
      audit.settle(),
    ]);
  }
  return {
    changes: changes.length,
    liveJobs: live ? live.size : null,
    untracked: found.length,
    production: found.filter((u) => u.production).length,
  };
}

/** Logged when found: the log is in the order postflight learnt things, the payload says when they happened. */
export function untrackedEntry(u: UntrackedChange, nowMs: number): AuditEntry {
  return {
    atMs: nowMs,
    actor: 'postflight',
    action: 'untracked.change',
    subject: `${u.resourceType}:${u.resourceId}`,
    eventKey: `untracked:${u.changeId}`,
    payload: {
      change_id: u.changeId,
      source: u.source,
      changed_by: u.changedBy,
      changed_at_ms: u.changedMs,
      action: u.action,
      bundle: u.bundle,
      target: u.target,
      production: u.production,
      detail: u.detail,
    },
  };
}

export function untrackedRows(found: readonly UntrackedChange[], tickId: string, nowMs: number): RowBatch {
  return {
    columns: [
      { name: 'change_id', type: 'STRING' },
      { name: 'source', type: 'STRING' },
      { name: 'resource_type', type: 'STRING' },
      { name: 'resource_id', type: 'STRING' },
      { name: 'resource_name', type: 'STRING' },
      { name: 'bundle', type: 'STRING' },
      { name: 'target', type: 'STRING' },
      { name: 'production', type: 'BOOLEAN' },
      { name: 'changed_at', type: 'TIMESTAMP' },
      { name: 'changed_by', type: 'STRING' },
      { name: 'action', type: 'STRING' },
      { name: 'detail', type: 'STRING' },
      { name: 'detected_at', type: 'TIMESTAMP' },
      { name: 'tick_id', type: 'STRING' },
    ],
    rows: found.map((u) => [
      u.changeId,
      u.source,
      u.resourceType,
      u.resourceId,
      u.resourceName,
      u.bundle,
      u.target,
      u.production,
      u.changedMs,
      u.changedBy,
      u.action,
      JSON.stringify(u.detail),
      nowMs,
      tickId,
    ]),
  };
}

function changeOf(r: Row): ControlPlaneChange {
  let params: Record<string, string> | null = null;
  if (typeof r.request_params === 'string') {
    try {
      params = JSON.parse(r.request_params) as Record<string, string>;
    } catch {
      params = null;
    }
  }
  return {
    changeId: String(r.change_id),
    source: String(r.source) as ChangeSource,
    resourceType: r.resource_type === 'pipeline' ? 'pipeline' : 'job',
    resourceId: String(r.resource_id),
    changedMs: Number(r.changed_ms),
    changedBy: str(r.changed_by),
    action: String(r.action),
    userAgent: str(r.user_agent),
    detail: requestDetail(params),
    owner:
      r.bundle === null || r.bundle === undefined
        ? null
        : { bundle: String(r.bundle), target: String(r.target), key: str(r.resource_key) },
    recorded: r.recorded === true,
  };
}

function explanationOf(r: Row): ChangeExplanation {
  let ids: string[] = [];
  try {
    const parsed = JSON.parse(String(r.resources ?? '[]')) as Array<{ id?: unknown }>;
    ids = Array.isArray(parsed) ? parsed.map((x) => String(x.id ?? '')).filter(Boolean) : [];
  } catch {
    ids = [];
  }
  return {
    kind: r.kind === 'rollback' ? 'rollback' : 'deployment',
    id: String(r.id),
    fromMs: Number(r.from_ms),
    toMs: Number(r.to_ms),
    resourceIds: new Set(ids),
  };
}
