// A deployments row (written by CI) held to what the tick needs of it before it is parsed: a
// row missing its bundle, target, version, status or finish time is reported as malformed
// evidence of that deployment, where it used to drop out of verification without a word.

import type { Row } from '../warehouse/port.js';
import { checkId, checkOptionalTime, checkTime, firstReason, type Reason } from './validate-values.js';

const STATUSES = new Set(['SUCCEEDED', 'PARTIAL']);

export function deploymentRowReason(r: Row): Reason {
  const started = r.started_ms;
  return firstReason(
    checkId('deployments.bundle', r.bundle),
    checkId('deployments.target', r.target),
    checkId('deployments.version', r.version),
    typeof r.status === 'string' && STATUSES.has(r.status)
      ? null
      : `deployments.status is ${r.status === null || r.status === undefined ? 'NULL' : `'${String(r.status)}'`}; a deployment that reached the workspace is SUCCEEDED or PARTIAL`,
    checkTime('deployments.finished_at', r.finished_ms),
    checkOptionalTime('deployments.started_at', started),
    typeof started === 'number' && typeof r.finished_ms === 'number' && started > r.finished_ms
      ? 'deployments.started_at is after finished_at'
      : null,
  );
}
