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
  /** The peer's newest write: before the concern means its evidence for that period is not in yet. */
  readonly lastWriteMs: number;
}

/** Peers' runs from this long before the deploy count: an incident already going on when it landed. */
const PEER_BEFORE_MS = 3_600_000;
/** ...and up to this long after the concern, for peers that run less often than the deploy's pipeline. */
const PEER_AFTER_MS = 3 * 3_600_000;

/**
 * How far each peer moved around the evidence that raised the concern: its runs from
 * PEER_BEFORE_MS before the deploy to PEER_AFTER_MS after the concern, each against its own
 * same-slot history, and per table the run that moved furthest in the concern's direction (an
 * incident can start or end inside the window, so an average would blur it).
 */
export function peerMoves(peers: readonly SubjectEvidence[], fromMs: number, concernMs: number, nowMs: number, direction: 'down' | 'up', policy: Policy): PeerMove[] {
  const out: PeerMove[] = [];
  const windowFrom = fromMs - PEER_BEFORE_MS;
  const windowTo = Math.min(nowMs, concernMs + PEER_AFTER_MS);
  for (const p of peers) {
    const picked: number[] = [];
    let lastWriteMs = -Infinity;
    for (const table of p.subject.targetTables) {
      const writes = p.writes.filter((w) => w.table === table && w.rows !== null && w.timestampMs <= nowMs);
      for (const w of writes) lastWriteMs = Math.max(lastWriteMs, w.timestampMs);
      const during = writes.filter((w) => w.timestampMs >= windowFrom && w.timestampMs <= windowTo);
      if (during.length === 0) continue;
      const before = writes.filter((w) => w.timestampMs < windowFrom && w.timestampMs >= windowFrom - policy.baselineDays * 86_400_000);
      const rs = scoreWrites(before, during, policy).filter((x) => x.baselineN >= policy.minBaseline).map((x) => x.r);
      if (rs.length) picked.push(direction === 'down' ? Math.min(...rs) : Math.max(...rs));
    }
    if (picked.length) out.push({ peer: p.subject.name, ratio: Math.exp(picked.reduce((a, b) => a + b, 0) / picked.length), runs: picked.length, sources: p.subject.sourceTables, lastWriteMs });
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
  if (!upstream) {
    // Peers that have not written since the concern cannot speak for that period yet: wait for
    // them a little (a few runs of the deploy) before blaming the deploy.
    const relevant = new Set(groups.flatMap((g) => g.group));
    const behind = [...relevant].filter((m) => result.decidedAtMs !== null && m.lastWriteMs < result.decidedAtMs);
    if (behind.length > 0 && result.status === 'FAIL' && result.postN < 3 && result.observed !== 0) {
      return { ...result, status: 'WARN', explanation: `${result.explanation}; holding for the control group (${behind.length} of ${relevant.size} untouched pipelines reading the same sources have not run since)` };
    }
    return result;
  }
  const names = upstream.same.slice(0, 3).map((m) => `${m.peer} ${pct(m.ratio)}`).join(', ');
  return {
    ...result,
    suppressedBy: 'upstream',
    explanation: `${result.explanation}. Upstream, not this deploy: ${upstream.same.length} of ${upstream.group.length} untouched pipelines reading ${upstream.src} moved the same way (${names})`,
  };
}
