// Control group: pipelines the deploy did not touch that read the same upstream tables, and the
// upstream tables themselves. When they moved the same way over the same period, the cause is
// upstream, not this deploy; when the upstream tables kept writing as usual, it is not upstream.

import { mean } from 'simple-statistics';
import { normalPpf } from '../stats/index.js';
import type { CheckResult, TableWrite } from '../types.js';
import { inBaseline } from './baseline-window.js';
import type { SubjectEvidence } from './evidence.js';
import { pct } from './format.js';
import type { Policy } from './policy.js';
import { scoreWrites } from './row-count.js';
import { nextDueMs } from './slots.js';

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
  /** When its next write is due by its own cadence (Infinity when it has none). */
  readonly nextWriteMs: number;
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
export function peerMoves(
  peers: readonly SubjectEvidence[],
  fromMs: number,
  concernMs: number,
  nowMs: number,
  direction: 'down' | 'up',
  policy: Policy,
): PeerMove[] {
  return seriesMoves(
    peers.map((p) => ({
      name: p.subject.name,
      tables: p.subject.targetTables,
      sources: p.subject.sourceTables,
      writes: p.writes,
    })),
    fromMs,
    concernMs,
    nowMs,
    direction,
    policy,
  );
}

/** The upstream tables' own moves, measured as a peer's are: each table is a series of its own. */
export function sourceMoves(
  writes: readonly TableWrite[],
  tables: readonly string[],
  fromMs: number,
  concernMs: number,
  nowMs: number,
  direction: 'down' | 'up',
  policy: Policy,
): PeerMove[] {
  return seriesMoves(
    tables.map((t) => ({
      name: `source table ${t}`,
      tables: [t],
      sources: [t],
      writes: writes.filter((w) => w.table === t),
    })),
    fromMs,
    concernMs,
    nowMs,
    direction,
    policy,
  );
}

interface Series {
  readonly name: string;
  readonly tables: readonly string[];
  readonly sources: readonly string[];
  readonly writes: readonly TableWrite[];
}

function seriesMoves(
  series: readonly Series[],
  fromMs: number,
  concernMs: number,
  nowMs: number,
  direction: 'down' | 'up',
  policy: Policy,
): PeerMove[] {
  const out: PeerMove[] = [];
  const windowFrom = fromMs - PEER_BEFORE_MS;
  const windowTo = Math.min(nowMs, concernMs + PEER_AFTER_MS);
  for (const p of series) {
    const picked: number[] = [];
    const zs: number[] = [];
    let candidates = 0;
    let lastWriteMs = -Infinity;
    let nextWriteMs = Infinity;
    for (const table of p.tables) {
      const writes = p.writes.filter((w) => w.table === table && w.rows !== null && w.timestampMs <= nowMs);
      for (const w of writes) lastWriteMs = Math.max(lastWriteMs, w.timestampMs);
      const due = nextDueMs(writes.map((w) => w.timestampMs).sort((a, b) => a - b));
      if (due !== null) nextWriteMs = Math.min(nextWriteMs, due);
      const during = writes.filter((w) => w.timestampMs >= windowFrom && w.timestampMs <= windowTo);
      if (during.length === 0) continue;
      const before = writes.filter((w) => inBaseline(w.timestampMs, windowFrom, policy));
      const scored = scoreWrites(before, during, policy).filter((x) => x.baselineN >= policy.minBaseline);
      if (scored.length === 0) continue;
      const pick = scored.reduce((a, b) => ((direction === 'down' ? b.r < a.r : b.r > a.r) ? b : a));
      picked.push(pick.r);
      zs.push(pick.t);
      candidates = Math.max(candidates, scored.length);
    }
    // A peer with no run it can be judged on still says whether it has run since the concern.
    out.push({
      peer: p.name,
      ratio: picked.length ? Math.exp(mean(picked)) : 1,
      runs: picked.length,
      z: zs.length ? mean(zs) : 0,
      candidates,
      sources: p.sources,
      lastWriteMs,
      nextWriteMs,
    });
  }
  return out;
}

/** A peer's write lands in the table history a few minutes after its run's commit. */
const LANDING_MS = 10 * 60_000;

/**
 * Marks a volume anomaly as upstream when, for one of the sources the subject reads, most peers
 * reading that source (with recent data) moved the same way. Peers are grouped per source: an
 * incident on one source must not be outvoted by healthy peers of another.
 *
 * Peers that have not written since the concern cannot speak for that period yet. A failure is
 * held for them only while they could still make an upstream majority and are due to write
 * within the hold (policy.controlHoldMinutes after the concern): a peer that runs daily cannot
 * be waited for, and peers that already wrote unmoved since the concern settle it at once.
 */
export function applyControlGroup(
  result: CheckResult,
  moves: readonly PeerMove[],
  policy: Policy,
  sources: readonly string[],
  nowMs: number,
  upstreamMoves: readonly PeerMove[] = [],
): CheckResult {
  if ((result.status !== 'FAIL' && result.status !== 'WARN') || result.check !== 'row_count' || result.effect === null)
    return result;
  const scored = moves.filter((m) => m.runs > 0);
  // A peer moved "the same way" when it moved in the same direction by at least half as much (on
  // the log scale) and beyond noise: +15% peers do not explain a doubling. The move is the
  // furthest of several runs, so "beyond noise" is judged against the largest of that many draws.
  const shift = Math.log(result.effect);
  const floor = Math.max(Math.log(1 + policy.deltaRel / 2), Math.abs(shift) / 2);
  const beyondNoise = (m: PeerMove) =>
    Math.abs(m.z) >= normalPpf(1 - policy.warnAlpha / (2 * Math.max(1, m.candidates)));
  const moved = (m: PeerMove) =>
    Math.sign(Math.log(m.ratio)) === Math.sign(shift) && Math.abs(Math.log(m.ratio)) >= floor && beyondNoise(m);
  // A peer that moved at least as far as the subject itself is strong evidence: it settles a tie.
  const asFar = (m: PeerMove) => moved(m) && Math.abs(Math.log(m.ratio)) >= Math.abs(shift);
  const majority = (same: readonly PeerMove[], group: readonly PeerMove[]) =>
    same.length > 0 && (same.length * 2 > group.length || (same.length * 2 === group.length && same.some(asFar)));
  const groups = sources.length
    ? sources.map((src) => ({ src, readers: moves.filter((m) => m.sources.includes(src)) }))
    : [{ src: 'the same sources', readers: moves }];
  const upstream = groups
    .map(({ src, readers }) => {
      const group = scored.filter((m) => readers.includes(m));
      return { src, group, same: group.filter(moved) };
    })
    .filter((g) => majority(g.same, g.group))
    .sort((a, b) => b.same.length - a.same.length)[0];
  const named = (ms: readonly PeerMove[]) =>
    ms
      .slice(0, 3)
      .map((m) => `${m.peer} ${pct(m.ratio)}`)
      .join(', ');
  const upstreamBecause = (why: string): CheckResult => ({
    ...result,
    suppressedBy: 'upstream',
    explanation: `${result.explanation}. Upstream, not this deploy: ${why}`,
  });
  if (upstream)
    return upstreamBecause(
      `${upstream.same.length} of ${upstream.group.length} untouched pipelines reading ${upstream.src} moved the same way (${named(upstream.same)})`,
    );
  // An upstream table that moved the same way is the incident itself.
  const sourceMoved = upstreamMoves.filter((m) => m.runs > 0 && moved(m));
  if (sourceMoved.length > 0) return upstreamBecause(`${named(sourceMoved)} over the same period`);
  // Zero rows is a hard rule, and a warning has nothing to hold.
  if (result.status !== 'FAIL' || result.observed === 0 || result.decidedAtMs === null) return result;
  const concernMs = result.decidedAtMs;
  // Every upstream table wrote as usual since the concern: nothing upstream to wait for.
  const steady =
    sources.length > 0 &&
    sources.every((src) =>
      upstreamMoves.some((m) => m.sources.includes(src) && m.runs > 0 && m.lastWriteMs >= concernMs),
    );
  if (steady)
    return {
      ...result,
      explanation: `${result.explanation}; the tables it reads (${sources.join(', ')}) kept writing as usual since the change began, so the cause is not upstream`,
    };
  const holdEndMs = concernMs + policy.controlHoldMinutes * 60_000;
  if (nowMs >= holdEndMs) return result;
  // Peers still to speak: not written since the concern, due within the hold and not overdue.
  const pendingOf = (readers: readonly PeerMove[]) =>
    readers.filter((m) => m.lastWriteMs < concernMs && m.nextWriteMs < holdEndMs && nowMs < m.nextWriteMs + LANDING_MS);
  const waits = groups
    .map(({ readers }) => {
      const pending = pendingOf(readers);
      const group = scored.filter((m) => readers.includes(m) && !pending.includes(m));
      // The most the pending peers could add: every one of them moving as far as the subject.
      const best = [...group.filter(moved), ...pending.map((m) => ({ ...m, ratio: result.effect!, z: Infinity }))];
      return { pending, readers, possible: pending.length > 0 && majority(best, [...group, ...pending]) };
    })
    .filter((g) => g.possible);
  if (waits.length === 0) return result;
  const pending = [...new Set(waits.flatMap((g) => g.pending))];
  const readers = new Set(waits.flatMap((g) => g.readers));
  const untilMs = Math.min(holdEndMs, Math.max(...pending.map((m) => m.nextWriteMs + LANDING_MS)));
  return {
    ...result,
    status: 'WARN',
    recheckAtMs: Math.min(untilMs, ...pending.map((m) => m.nextWriteMs + LANDING_MS)),
    explanation: `${result.explanation}; holding for the control group: ${pending.length} of ${readers.size} untouched pipelines reading the same sources have not run since and are due by ${new Date(untilMs).toISOString().slice(11, 16)} UTC`,
  };
}
