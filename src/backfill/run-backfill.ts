// Backfill: the deployments of the history judged, so every bundle starts with verified versions
// and the first bad deploy after installation has a HEALTHY version to roll back to. A slice at a
// time, bounded the way a catching-up tick is (catch-up.ts): the first reads of table histories
// and event logs it makes. The work left is whatever past deployment has no verdict yet, so a
// second run finds nothing and a stopped run resumes where it stopped. History is never rolled
// back: its verdicts are marked as backfilled, which the rollback step leaves alone.

import { appendAudit } from '../audit/audit-log.js';
import type { AuditEntry, ChainTail } from '../audit/hash-chain.js';
import { verdictChangeEntries } from '../audit/verdict-changes.js';
import type { DeploymentEvidence } from '../checks/evidence.js';
import { judgeDeployment } from '../checks/judge.js';
import type { Policy } from '../checks/policy.js';
import type { PolicySet } from '../config/policy-file.js';
import { catchUpSlice, FIRST_READS_PER_TICK } from '../tick/catch-up.js';
import { gatherEvidence } from '../tick/gather.js';
import { underOwnPolicy } from '../tick/judge.js';
import { type ActiveDeployment, readDeployments, readMarks } from '../tick/open.js';
import { checkResultRows, verdictRows, writeWatermarks } from '../tick/result-rows.js';
import type { CheckResult, MeasurementError, Verdict } from '../types.js';
import type { RowBatch, Warehouse } from '../warehouse/port.js';
import { type PastVerdict, pastVerdict, windowCloseMs } from './as-of.js';

const DAY = 86_400_000;
/** Verdicts a backfill writes carry this tick id prefix: the rollback step never acts on them. */
export const BACKFILL_TICK_PREFIX = 'backfill-';

export interface BackfillDeps {
  readonly wh: Warehouse;
  readonly policy: Policy;
  readonly policies?: PolicySet | undefined;
  /** First reads a slice makes at most (catch-up.ts); default FIRST_READS_PER_TICK. */
  readonly firstReadsPerSlice?: number;
  /** Wall time a slice spends judging at most; default JUDGING_BUDGET_MS. */
  readonly judgingBudgetMs?: number;
  readonly wallClock?: () => number;
}

/**
 * Judging a past deployment means judging it at every moment a live tick would have looked, which
 * costs CPU time in proportion to its post-deploy runs: a slice stops taking deployments once it
 * has spent this long judging (the rest wait for the next slice, their evidence cached by then),
 * so with the bounded first reads it stays well within the 50 s a tick may take.
 */
export const JUDGING_BUDGET_MS = 25_000;

export interface SliceOutcome {
  /** Deployments given a verdict by this slice. */
  readonly judged: readonly PastJudgement[];
  /** Past deployments still without a verdict after this slice. */
  readonly remaining: number;
  readonly firstReads: number;
  readonly errors: readonly MeasurementError[];
}

export interface PastJudgement {
  readonly deploymentId: string;
  readonly bundle: string;
  readonly verdict: Verdict;
  readonly atMs: number;
}

/** Past deployments without a verdict whose window closed by `nowMs`, finished since `fromMs`. */
export function pastOpen(
  active: readonly ActiveDeployment[],
  fromMs: number,
  nowMs: number,
  policy: Pick<Policy, 'window'>,
): ActiveDeployment[] {
  return active.filter(
    (a) =>
      a.verdictState === null &&
      a.deployment.finishedMs >= fromMs &&
      windowCloseMs({ finishedMs: a.deployment.finishedMs, supersededAtMs: a.supersededAtMs }, policy) <= nowMs,
  );
}

/** How far back deployments are read: the backfill's days and one verdict window before them. */
export function readSinceMs(days: number, nowMs: number): number {
  return nowMs - days * DAY;
}

/**
 * One slice: the past deployments without a verdict whose window has closed, newest first within
 * the first-read budget, judged as of their own time and written (check results and audit first,
 * the verdict last, as a tick writes them).
 */
export async function backfillSlice(
  deps: BackfillDeps,
  nowMs: number,
  days: number,
  opts: {
    auditTail?: ChainTail | undefined;
    skip?: ReadonlySet<string>;
    /** The watermarks, when the caller has read them (a tick has). */
    marks?: ReadonlyMap<string, number>;
  } = {},
): Promise<SliceOutcome> {
  const { wh, policy } = deps;
  const fromMs = readSinceMs(days, nowMs);
  const [opened, marks] = await Promise.all([
    readDeployments(wh, nowMs, nowMs - fromMs),
    opts.marks ? { marks: opts.marks } : readMarks(wh),
  ]);
  const errors: MeasurementError[] = [...opened.errors];
  const waiting = pastOpen(opened.active, fromMs, nowMs, policy).filter(
    (a) => !opts.skip?.has(a.deployment.deploymentId),
  );
  if (waiting.length === 0) return { judged: [], remaining: 0, firstReads: 0, errors };
  const slice = await catchUpSlice(
    wh,
    { due: waiting, marks: marks.marks, errors },
    nowMs,
    deps.firstReadsPerSlice ?? FIRST_READS_PER_TICK,
  );
  const gathered = await gatherEvidence(wh, {
    active: slice.due,
    nowMs,
    finishedSince: new Set(),
    marks: marks.marks,
    policy,
    errors,
    // A table's history is read from the start once: back as far as the oldest deployment waiting.
    horizonFromMs: Math.min(...waiting.map((a) => a.deployment.finishedMs)),
  });
  const judge = (ev: DeploymentEvidence): PastVerdict => {
    const { own, judged } = underOwnPolicy(deps, ev);
    const close = windowCloseMs({ finishedMs: ev.deployment.finishedMs, supersededAtMs: ev.supersededAtMs }, own);
    return pastVerdict(judged, own, close, (e, at) => judgeDeployment(e, own, at));
  };
  const clock = deps.wallClock ?? Date.now;
  const startedMs = clock();
  const budgetMs = deps.judgingBudgetMs ?? JUDGING_BUDGET_MS;
  let past: PastVerdict[] = [];
  for (const ev of gathered.evidence) {
    if (past.length > 0 && clock() - startedMs > budgetMs) break;
    past.push(judge(ev));
  }
  // A volume failure is judged again with its control group, as a tick does.
  const anomalous = new Set(
    past
      .filter((p) => p.results.some((r) => r.check === 'row_count' && r.status === 'FAIL'))
      .map((p) => p.verdict.deploymentId),
  );
  if (anomalous.size > 0) {
    const withPeers = await gathered.withControlGroup(anomalous);
    past = past.map((p, i) => (anomalous.has(p.verdict.deploymentId) ? judge(withPeers[i]!) : p));
  }
  await gathered.cacheWritten;
  await writePast(wh, past, nowMs, opts.auditTail, gathered.newMarks);
  const judged = past.map((p, i) => ({
    deploymentId: p.verdict.deploymentId,
    bundle: slice.due[i]!.deployment.bundle,
    verdict: p.verdict,
    atMs: p.atMs,
  }));
  return { judged, remaining: waiting.length - judged.length, firstReads: slice.firstReads, errors };
}

/**
 * The verdicts of a slice written: audited (at the time of the backfill, which is when postflight
 * decided) with their check results (at the time each was reached), then the verdicts themselves.
 */
async function writePast(
  wh: Warehouse,
  past: readonly PastVerdict[],
  nowMs: number,
  tail: ChainTail | undefined,
  newMarks: Readonly<Record<string, number>>,
): Promise<void> {
  const tickId = `${BACKFILL_TICK_PREFIX}${nowMs}`;
  const entries: AuditEntry[] = verdictChangeEntries(
    past.map((p) => ({ deploymentId: p.verdict.deploymentId, from: null, to: p.verdict.state })),
    past.map((p) => p.verdict),
    nowMs,
  ).map((e) => ({ ...e, payload: { ...e.payload, backfill: true } }));
  const results = concat(
    past.map((p) =>
      checkResultRows(
        p.results.map((r: CheckResult) => ({ deploymentId: p.verdict.deploymentId, result: r })),
        tickId,
        p.atMs,
      ),
    ),
  );
  await Promise.all([
    entries.length ? appendAudit(wh, entries, nowMs, tail) : null,
    results.rows.length ? wh.execute('tick/merge_check_results', {}, results) : null,
    Object.keys(newMarks).length ? writeWatermarks(wh, newMarks, nowMs) : null,
  ]);
  const verdicts = concat(past.map((p) => verdictRows([p.verdict], tickId, p.atMs)));
  if (verdicts.rows.length) await wh.execute('tick/merge_verdicts', {}, verdicts);
}

function concat(batches: readonly RowBatch[]): RowBatch {
  return { columns: batches[0]?.columns ?? [], rows: batches.flatMap((b) => b.rows) };
}
