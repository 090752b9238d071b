// Control group: pipelines the deploy did not touch that read the same upstream tables. When
// they moved the same way over the same period, the cause is upstream, not this deploy.

import type { CheckResult } from '../types.js';
import type { SubjectEvidence } from './evidence.js';
import { pct } from './format.js';
import type { Policy } from './policy.js';
import { scoreWrites } from './row-count.js';

export interface PeerMove {
  readonly peer: string;
  readonly ratio: number;
  readonly runs: number;
  /** Upstream tables the peer reads. */
  readonly sources: readonly string[];
}

/** How far before the deploy a peer's runs still describe the upstream state the deploy met. */
const PEER_LOOKBACK_MS = 3 * 3_600_000;
/** A peer's latest run is the upstream state the concern met; older ones may describe one that has passed. */
const PEER_RUNS = 1;

/**
 * How each peer's latest run per table (from shortly before the deploy up to the evidence that
 * raised the concern) compares with its own same-slot history. An upstream incident that began before the deploy
 * shows in peers' runs on both sides of it, so the window reaches back PEER_LOOKBACK_MS.
 */
export function peerMoves(peers: readonly SubjectEvidence[], fromMs: number, toMs: number, policy: Policy): PeerMove[] {
  const out: PeerMove[] = [];
  const windowFrom = fromMs - PEER_LOOKBACK_MS;
  for (const p of peers) {
    const residuals: number[] = [];
    for (const table of p.subject.targetTables) {
      const writes = p.writes.filter((w) => w.table === table && w.rows !== null).sort((a, b) => a.timestampMs - b.timestampMs);
      const during = writes.filter((w) => w.timestampMs >= windowFrom && w.timestampMs <= toMs).slice(-PEER_RUNS);
      if (during.length === 0) continue;
      const before = writes.filter((w) => w.timestampMs < during[0]!.timestampMs && w.timestampMs >= windowFrom - policy.baselineDays * 86_400_000);
      for (const s of scoreWrites(before, during, policy)) if (s.baselineN >= policy.minBaseline) residuals.push(s.r);
    }
    if (residuals.length) out.push({ peer: p.subject.name, ratio: Math.exp(residuals.reduce((a, b) => a + b, 0) / residuals.length), runs: residuals.length, sources: p.subject.sourceTables });
  }
  return out;
}

/**
 * Marks a volume anomaly as upstream when, for one of the sources the subject reads, most peers
 * reading that source (with recent data) moved the same way. Peers are grouped per source: an
 * incident on one source must not be outvoted by healthy peers of another.
 */
export function applyControlGroup(result: CheckResult, moves: readonly PeerMove[], peersExpected: number, policy: Policy, sources: readonly string[] = []): CheckResult {
  if ((result.status !== 'FAIL' && result.status !== 'WARN') || result.check !== 'row_count' || result.effect === null) return result;
  if (moves.length === 0) {
    // Peers exist but none has recent data: hold the decision a few runs for them.
    if (peersExpected > 0 && result.status === 'FAIL' && result.postN < 3 && result.observed !== 0) {
      return { ...result, status: 'WARN', explanation: `${result.explanation}; holding for the control group (${peersExpected} untouched pipelines read the same sources and have not run since the deploy)` };
    }
    return result;
  }
  // A peer moved "the same way" when it moved in the same direction by at least half as much (on
  // the log scale) and beyond noise: +15% peers do not explain a doubling.
  const shift = Math.log(result.effect);
  const floor = Math.max(Math.log(1 + policy.deltaRel / 2), Math.abs(shift) / 2);
  const moved = (m: PeerMove) => Math.sign(Math.log(m.ratio)) === Math.sign(shift) && Math.abs(Math.log(m.ratio)) >= floor;
  const groups = sources.length ? sources.map((src) => ({ src, group: moves.filter((m) => m.sources.includes(src)) })) : [{ src: 'the same sources', group: moves }];
  const upstream = groups
    .map(({ src, group }) => ({ src, group, same: group.filter(moved) }))
    .filter((g) => g.same.length > 0 && g.same.length * 2 > g.group.length)
    .sort((a, b) => b.same.length - a.same.length)[0];
  if (!upstream) return result;
  const names = upstream.same.slice(0, 3).map((m) => `${m.peer} ${pct(m.ratio)}`).join(', ');
  return {
    ...result,
    suppressedBy: 'upstream',
    explanation: `${result.explanation}. Upstream, not this deploy: ${upstream.same.length} of ${upstream.group.length} untouched pipelines reading ${upstream.src} moved the same way (${names})`,
  };
}
