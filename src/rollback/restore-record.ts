// Records a restored version as a deployment of its own, so the next ticks verify it like any
// other deployment: the rolled-back version is verified again. The id is derived from the
// rollback, so a retried rollback writes the same row. It keeps the target deployment's code
// fingerprint: the restore runs that version's code, so a later rollback to it knows what it ran.

import { codeAttributes } from '../ci/code-fingerprint.js';
import { recordDeployments } from '../ci/record.js';
import type { Warehouse } from '../warehouse/port.js';
import { readCode } from './ledger-reads.js';
import { RESTORE_ACTOR, restoreDeploymentIdOf } from './rollback-id.js';
import type { SettingsSnapshot } from './types.js';

export interface RestoreRecord {
  readonly rollbackId: string;
  readonly bundle: string;
  readonly target: string;
  readonly fromVersion: string;
  readonly toVersion: string;
  readonly toDeploymentId: string;
  readonly restore: readonly SettingsSnapshot[];
  readonly startedMs: number;
}

/** `code`: the target deployment's code fingerprints, read already by a caller that overlapped the read. */
export async function recordRestore(
  wh: Warehouse,
  r: RestoreRecord,
  nowMs: number,
  code?: Promise<Awaited<ReturnType<typeof readCode>>>,
): Promise<string> {
  const deploymentId = restoreDeploymentIdOf(r.bundle, r.target, r.toVersion, r.rollbackId);
  const traceId = deploymentId.replace('dep-', '').padEnd(32, '0');
  const resources = r.restore.map((s) => ({ type: s.type, id: s.id, key: s.key }));
  const fingerprints = (await (code ?? readCode(wh, [r.toDeploymentId]))).get(r.toDeploymentId);
  await recordDeployments(
    wh,
    {
      deployments: [
        {
          deploymentId,
          bundle: r.bundle,
          target: r.target,
          version: r.toVersion,
          previousVersion: r.fromVersion,
          actor: RESTORE_ACTOR,
          ciRunUrl: null,
          startedMs: r.startedMs,
          finishedMs: nowMs,
          status: 'SUCCEEDED',
          resources,
          expectedChanges: [],
          traceId,
        },
      ],
      snapshots: r.restore.map((s) => ({
        deploymentId,
        snapshot: { resource: { type: s.type, id: s.id, key: s.key }, settings: s.settings },
      })),
      events: [
        {
          deploymentId,
          traceId,
          event: {
            stage: 'rollback',
            attempt: 1,
            startedMs: r.startedMs,
            finishedMs: nowMs,
            status: 'SUCCEEDED',
            attributes: {
              rollback_id: r.rollbackId,
              from_version: r.fromVersion,
              ...(fingerprints ? codeAttributes(fingerprints) : {}),
            },
            spanId: traceId.slice(0, 16),
          },
        },
      ],
    },
    nowMs,
  );
  return deploymentId;
}
