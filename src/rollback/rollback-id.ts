import { createHash } from 'node:crypto';
import { deploymentIdOf } from '../deployment-id.js';

/** One rollback per failed deployment: the id is derived from the deployment's alone. */
export function rollbackIdOf(deploymentId: string): string {
  return `rb-${createHash('sha256').update(`rollback\u0000${deploymentId}`).digest('hex').slice(0, 20)}`;
}

/** The deployment row that re-verifies a restored version: stable per rollback, so a retry writes the same row. */
export function restoreDeploymentIdOf(bundle: string, target: string, version: string, rollbackId: string): string {
  return deploymentIdOf(bundle, target, version, `restore:${rollbackId}`);
}

/** Actor of the deployment rows postflight writes when it restores a version. */
export const RESTORE_ACTOR = 'postflight-rollback';
