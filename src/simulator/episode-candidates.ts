// What every labelled episode starts from: a replay deploy that is healthy and carries nothing
// another episode gave it, so each episode's label stays the only thing that makes it special.

import type { PlannedDeploy } from './plan.js';

export function isPlainHealthyReplayDeploy(d: PlannedDeploy, replayFromMs: number): boolean {
  return (
    d.atMs >= replayFromMs &&
    d.label === 'healthy' &&
    d.behaviour.kind === null &&
    !d.statedSla &&
    !d.expectedChanges?.length
  );
}
