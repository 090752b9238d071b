// Control group: pipelines the deploy did not touch that read the same upstream tables. When
// they moved the same way over the same period, the cause is upstream, not this deploy.

import { mean } from 'simple-statistics';
import { normalPpf } from '../stats/index.js';
import type { CheckResult } from '../types.js';
import type { SubjectEvidence } from './evidence.js';
import { pct } from './format.js';
import type { Policy } from './policy.js';
import { scoreWrites } from './row-count.js';

export interface PeerMove {
  readonly peer: string;
  /** 1 when none of the peer's runs in the window could be judged (runs = 0). */
  readonly ratio: number;
  /** Tables whose runs in the window were judged against a baseline. */
  readonly runs: number;
  /** The picked move over its prediction sigma, and how many runs it was picked from. */
  readonly z: number;
  readonly candidates: number;
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
    const zs: number[] = [];
    let candidates = 0;
    let lastWriteMs = -Infinity;
    for (const table of p.subject.targetTables) {
      const writes = p.writes.filter((w) => w.table === table && w.rows !== null && w.timestampMs <= nowMs);
      for (const w of writes) lastWriteMs = Math.max(lastWriteMs, w.timestampMs);
      const during = writes.filter((w) => w.timestampMs >= windowFrom && w.timestampMs <= windowTo);
      if (during.length === 0) continue;
      const before = writes.filter((w) => w.timestampMs < windowFrom && w.timestampMs >= windowFrom - policy.baselineDays * 86_400_000);
      const scored = scoreWrites(before, during, policy).filter((x) => x.baselineN >= policy.minBaseline);
      if (scored.length === 0) continue;
      const pick = scored.reduce((a, b) => ((direction === 'down' ? b.r < a.r : b.r > a.r) ? b : a));
      picked.push(pick.r);
      zs.push(pick.t);
      candidates = Math.max(candidates, scored.length);
    }
    // A peer with no run it can be judged on still says whether it has run since the concern.
    out.push({
      peer: p.subject.name,
      ratio: picked.length ? Math.exp(mean(picked)) : 1,
      runs: picked.length,
      z: zs.length ? mean(zs) : 0,
      candidates,
      sources: p.subject.sourceTables,
      lastWriteMs,
    });
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
  const holdable = result.status === 'FAIL' && result.postN < 3 && result.observed !== 0;
  const scored = moves.filter((m) => m.runs > 0);
  if (scored.length === 0) {
    // Peers exist but none has a run since the deploy that can be judged: hold a few runs for them.
    if (peersExpected > 0 && holdable) {
      return { ...result, status: 'WARN', explanation: `${result.explanation}; holding for the control group (${peersExpected} untouched pipelines read the same sources and have no run since the deploy that can be judged yet)` };
    }
    return result;
  }
  // A peer moved "the same way" when it moved in the same direction by at least half as much (on
  // the log scale) and beyond noise: +15% peers do not explain a doubling. The move is the
  // furthest of several runs, so "beyond noise" is judged against the largest of that many draws.
  const shift = Math.log(result.effect);
  const floor = Math.max(Math.log(1 + policy.deltaRel / 2), Math.abs(shift) / 2);
  const beyondNoise = (m: PeerMove) => Math.abs(m.z) >= normalPpf(1 - policy.warnAlpha / (2 * Math.max(1, m.candidates)));
  const moved = (m: PeerMove) => Math.sign(Math.log(m.ratio)) === Math.sign(shift) && Math.abs(Math.log(m.ratio)) >= floor && beyondNoise(m);
  // A peer that moved at least as far as the subject itself is strong evidence: it settles a tie.
  const asFar = (m: PeerMove) => moved(m) && Math.abs(Math.log(m.ratio)) >= Math.abs(shift);
  const groups = sources.length ? sources.map((src) => ({ src, group: scored.filter((m) => m.sources.includes(src)) })) : [{ src: 'the same sources', group: scored }];
  const upstream = groups
    .map(({ src, group }) => ({ src, group, same: group.filter(moved) }))
    .filter((g) => g.same.length > 0 && (g.same.length * 2 > g.group.length || (g.same.length * 2 === g.group.length && g.same.some(asFar))))
    .sort((a, b) => b.same.length - a.same.length)[0];
  if (!upstream) {
    // Peers that have not written since the concern cannot speak for that period yet, whether
    // or not their earlier runs could be judged: wait for them a little (a few runs of the deploy).
    const relevant = sources.length ? moves.filter((m) => m.sources.some((s) => sources.includes(s))) : moves;
    const behind = relevant.filter((m) => result.decidedAtMs !== null && m.lastWriteMs < result.decidedAtMs);
    if (behind.length > 0 && holdable) {
      return { ...result, status: 'WARN', explanation: `${result.explanation}; holding for the control group (${behind.length} of ${relevant.length} untouched pipelines reading the same sources have not run since)` };
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
