// A deployment and an open deployment as the tick holds them, for tests that need one and say only
// what differs from a plain job deploy.

import type { ActiveDeployment } from '../../src/tick/open.js';
import type { Deployment } from '../../src/types.js';

export function testDeployment(over: Partial<Deployment> = {}): Deployment {
  const finishedMs = over.finishedMs ?? Date.UTC(2026, 10, 2, 9);
  return {
    deploymentId: 'd1',
    bundle: 'sales',
    target: 'prod',
    version: 'v2',
    previousVersion: 'v1',
    actor: 'ci',
    startedMs: finishedMs - 60_000,
    finishedMs,
    status: 'SUCCEEDED',
    resources: [{ type: 'job', id: '1', key: 'orders_daily' }],
    expectedChanges: [],
    ...over,
  };
}

export function activeDeployment(over: Partial<ActiveDeployment> = {}): ActiveDeployment {
  return {
    deployment: testDeployment(),
    supersededAtMs: null,
    verdictState: null,
    judgedAtMs: null,
    recheckAtMs: null,
    costWatched: false,
    ...over,
  };
}
