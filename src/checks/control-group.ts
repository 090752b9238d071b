// Control group: pipelines the deploy did not touch that read the same upstream tables. When
// they moved the same way over the same period, the cause is upstream, not this deploy.

import { normalPpf } from '../stats/index.js';
import type { CheckResult } from '../types.js';
import type { SubjectEvidence } from './evidence.js';
import { pct } from './format.js';
import type { Policy } from './policy.js';
import { scoreWrites } from './row-count.js';

export interface PeerMove {
  readonly peer: string;
  /** Pooled ratio over the peer's post-deploy runs, and over its latest run of each table. */
  readonly ratio: number;
  readonly latestRatio: number;
  readonly runs: number;
  /** Pooled residuals over their spread: how clearly the peer moved, not just how far. */
  readonly z: number;
  readonly latestZ: number;
  /** Upstream tables the peer reads. */
  readonly sources: readonly string[];
}

interface Pool {
  sum: number;
  variance: number;
  n: number;
}

const add = (p: Pool, r: number, sigma: number) => {
  p.sum += r;
  p.variance += sigma * sigma;
  p.n++;
};

/**
 * How each peer moved since the deploy. A peer speaks to the cause only once it has written
 * since `evidenceFromMs`, when the deployed subject's anomalous runs began: its earlier runs
 * predate anything that started upstream after the deploy. Callers that do not know when the
 * anomaly began pass the deploy time.
 */
export function peerMoves(peers: readonly SubjectEvidence[], fromMs: number, toMs: number, policy: Policy, evidenceFromMs = fromMs): PeerMove[] {
  const out: PeerMove[] = [];
  for (const p of peers) {
    const all: Pool = { sum: 0, variance: 0, n: 0 };
    const latest: Pool = { sum: 0, variance: 0, n: 0 };
    let newest = -Infinity;
    for (const table of p.subject.targetTables) {
      const writes = p.writes.filter((w) => w.table === table && w.rows !== null);
      const before = writes.filter((w) => w.timestampMs < fromMs && w.timestampMs >= fromMs - policy.baselineDays * 86_400_000);
      const during = writes.filter((w) => w.timestampMs >= fromMs && w.timestampMs <= toMs).sort((a, b) => a.timestampMs - b.timestampMs);
      const scored = scoreWrites(before, during, policy).filter((s) => s.baselineN >= policy.minBaseline);
      for (const s of scored) add(all, s.r, s.sigma);
      const last = scored[scored.length - 1];
      if (last) {
        add(latest, last.r, last.sigma);
        newest = Math.max(newest, last.write.timestampMs);
      }
    }
    if (all.n === 0 || newest < evidenceFromMs) continue;
    out.push({
      peer: p.subject.name,
      ratio: Math.exp(all.sum / all.n),
      latestRatio: Math.exp(latest.sum / latest.n),
      runs: all.n,
      z: all.sum / Math.sqrt(all.variance),
      latestZ: latest.sum / Math.sqrt(latest.variance),
      sources: p.subject.sourceTables,
    });
  }
  return out;
}

/**
 * Marks a volume anomaly as upstream when, for one upstream table, most of the untouched
 * pipelines reading it that have run since the deploy moved the same way, clearly and by at least
 * half the rollback-worthy change. Judged per table: an incident on one source moves only its
 * readers, and peers that share a different source with the deploy must not outvote them. A peer
 * counts as moved on its latest run too, because an incident that began after the deploy has not
 * reached the peer runs that started before it.
 */
export function applyControlGroup(result: CheckResult, moves: readonly PeerMove[], peersExpected: number, policy: Policy): CheckResult {
  if ((result.status !== 'FAIL' && result.status !== 'WARN') || result.check !== 'row_count' || result.effect === null) return result;
  const holdable = result.status === 'FAIL' && result.postN < 3 && result.observed !== 0;
  if (moves.length === 0) {
    // Peers exist but none has run since the deploy: hold the decision a few runs for them.
    if (peersExpected > 0 && holdable) {
      return { ...result, status: 'WARN', explanation: `${result.explanation}; holding for the control group (${peersExpected} untouched pipelines read the same sources and have not run since the deploy)` };
    }
    return result;
  }
  const down = result.effect < 1;
  const zMin = normalPpf(1 - policy.warnAlpha / 2);
  const clear = (ratio: number, z: number) => (down ? ratio <= 1 - policy.deltaRel / 2 && z <= -zMin : ratio >= 1 + policy.deltaRel / 2 && z >= zMin);
  const moved = (m: PeerMove) => clear(m.ratio, m.z) || clear(m.latestRatio, m.latestZ);
  // A move as large and as sure as one that would fail the deploy itself.
  const zFail = normalPpf(1 - policy.alpha / 2);
  const decisive = (m: PeerMove) => (down ? m.ratio <= 1 - policy.deltaRel && m.z <= -zFail : m.ratio >= 1 + policy.deltaRel && m.z >= zFail);
  const groups = [...new Set(moves.flatMap((m) => m.sources))].sort().map((source) => {
    const readers = moves.filter((m) => m.sources.includes(source));
    return { source, readers: readers.length, same: readers.filter(moved) };
  });
  const story = (g: (typeof groups)[number]) =>
    `${g.same.length} of ${g.readers} untouched pipelines reading ${g.source} moved the same way (${g.same.slice(0, 3).map((m) => `${m.peer} ${pct(m.ratio)}`).join(', ')})`;
  const byMovers = (a: (typeof groups)[number], b: (typeof groups)[number]) => b.same.length - a.same.length;
  // One peer moving a little can be its own noise: it takes two readers of the same table, or
  // one whose move would fail a deploy of its own.
  const upstream = groups.filter((g) => (g.same.length >= 2 || g.same.some(decisive)) && g.same.length * 2 >= g.readers).sort(byMovers)[0];
  if (upstream) return { ...result, suppressedBy: 'upstream', explanation: `${result.explanation}. Upstream, not this deploy: ${story(upstream)}` };
  // Some readers of a shared source moved; the others may not have run since it began.
  const partial = groups.filter((g) => g.same.length > 0).sort(byMovers)[0];
  if (partial && holdable) return { ...result, status: 'WARN', explanation: `${result.explanation}; holding for the control group: ${story(partial)}` };
  return result;
}
