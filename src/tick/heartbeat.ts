// The tick's own record: its summary, and the heartbeat row that carries the watermarks the next
// tick starts from.

import type { ChainTail } from '../audit/hash-chain.js';
import { knownHead } from '../audit/key-binding.js';
import type { MeasurementError } from '../types.js';
import type { Applied } from './apply.js';
import type { Decisions } from './decide.js';
import type { Discovery } from './discover.js';
import type { JudgedEvidence } from './judge.js';
import { tickRows } from './result-rows.js';
import type { TickDeps, TickSummary } from './types.js';
import { verifierSpans } from './verdict-spans.js';

/** Rollback outcomes after which a ledger row needs no further tick. */
const TERMINAL: ReadonlySet<string> = new Set(['SUCCEEDED', 'FAILED', 'BLOCKED', 'CANCELLED']);

/** The warehouse's and workspace's counters when the tick began, and its wall clock. */
export interface TickMeter {
  readonly startedMs: number;
  readonly statements: number;
  readonly historyReads: number;
  readonly restCalls: number;
  readonly wallClock: () => number;
}

export function startMeter(deps: TickDeps, wallClock: () => number): TickMeter {
  const { wh, ws } = deps;
  return {
    startedMs: wallClock(),
    statements: wh.stats.statements,
    historyReads: wh.stats.historyReads,
    restCalls: ws.stats.calls,
    wallClock,
  };
}

/**
 * ERROR results by check and measurement errors by source, keys sorted so the same errors give the
 * same text. A measurement error that also made ERROR results is counted under both: the source
 * says what failed, the checks say what it left unjudged.
 */
export function errorsByKind(
  judged: readonly JudgedEvidence[],
  errors: readonly MeasurementError[],
): Record<string, number> {
  const counts = new Map<string, number>();
  const add = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  for (const j of judged) for (const r of j.results) if (r.status === 'ERROR') add(`check:${r.check}`);
  for (const e of errors) add(`source:${e.kind}`);
  return Object.fromEntries([...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function summarize(
  deps: TickDeps,
  meter: TickMeter,
  tick: {
    tickId: string;
    nowMs: number;
    found: Discovery;
    judged: readonly JudgedEvidence[];
    decided: Decisions;
    applied: Applied;
  },
): TickSummary {
  const { found, decided, applied } = tick;
  const counts: Record<string, number> = {};
  const judged = new Map(decided.verdicts.map((v) => [v.deploymentId, v.state]));
  for (const a of found.active) {
    const state = judged.get(a.deployment.deploymentId) ?? a.verdictState ?? 'VERIFYING';
    counts[state] = (counts[state] ?? 0) + 1;
  }
  return {
    tickId: tick.tickId,
    nowMs: tick.nowMs,
    deployments: found.active.length,
    judged: found.due.length,
    deferred: found.deferred,
    firstReads: found.firstReads,
    verdicts: counts,
    newRuns: found.newRuns,
    // The heartbeat row is written after the summary is made, and counted here.
    statements: deps.wh.stats.statements - meter.statements + 1,
    historyReads: deps.wh.stats.historyReads - meter.historyReads,
    restCalls: deps.ws.stats.calls - meter.restCalls,
    errors: found.errors,
    errorsByKind: errorsByKind(tick.judged, found.errors),
    durationMs: meter.wallClock() - meter.startedMs,
    changed: decided.changed,
    rollbacks: applied.rollbacks,
    budgets: applied.budgets,
    auditHead: newer(found.auditTail, knownHead(deps.wh)),
  };
}

/** The head read at the tick's start, or one recorded since (by this tick's appends). */
function newer(a: ChainTail | null | undefined, b: ChainTail | null): ChainTail | null {
  if (!a) return b;
  return b && b.seq > a.seq ? b : a;
}

export async function writeHeartbeat(deps: TickDeps, summary: TickSummary, found: Discovery): Promise<void> {
  const r = summary.rollbacks;
  const rollbackOpen =
    r !== null &&
    (r.errors.length > 0 ||
      (r.left?.length ?? 0) > 0 ||
      r.decided.some((d) => d.state === 'REQUESTED') ||
      r.executed.some((e) => !TERMINAL.has(e.result)));
  await deps.wh.execute(
    'tick/insert_tick',
    {},
    tickRows(summary, found.runsFromMs, found.eventLogFromMs, rollbackOpen),
  );
}

/** The verifier's spans of this tick, when traces are exported (see TickDeps.traces). */
export async function exportTickSpans(deps: TickDeps, summary: TickSummary): Promise<void> {
  if (!deps.traces) return;
  const spans = verifierSpans({
    tickId: summary.tickId,
    nowMs: summary.nowMs,
    changed: summary.changed,
    rollbacks: summary.rollbacks,
  });
  if (spans.length) await deps.traces(spans);
}
