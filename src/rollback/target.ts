// Picks the version to roll back to: the newest earlier deployment of the same bundle and target
// with a HEALTHY verdict, never a version that failed or is quarantined.

import type { VersionRecord } from './types.js';

export interface TargetChoice {
  readonly target: VersionRecord | null;
  /** Newer deployments passed over, with why. */
  readonly passedOver: readonly string[];
}

export function selectTarget(failed: VersionRecord, history: readonly VersionRecord[]): TargetChoice {
  const same = history.filter(
    (h) => h.bundle === failed.bundle && h.target === failed.target && h.deploymentId !== failed.deploymentId,
  );
  const bad = new Set([
    failed.version,
    ...same.filter((h) => h.verdict === 'FAILED' || h.verdict === 'ROLLED_BACK' || h.quarantined).map((h) => h.version),
  ]);
  const earlier = same
    .filter((h) => h.finishedMs < failed.finishedMs)
    .sort((a, b) => b.finishedMs - a.finishedMs || (a.deploymentId < b.deploymentId ? 1 : -1));
  const passedOver: string[] = [];
  for (const h of earlier) {
    if (h.verdict === 'HEALTHY' && !bad.has(h.version)) return { target: h, passedOver };
    const why = bad.has(h.version)
      ? h.quarantined
        ? 'quarantined'
        : h.version === failed.version
          ? 'the failed version itself'
          : 'failed verification'
      : `verdict ${h.verdict ?? 'none'}`;
    passedOver.push(`${h.version.slice(0, 12)} (${h.deploymentId}): ${why}`);
  }
  return { target: null, passedOver };
}
