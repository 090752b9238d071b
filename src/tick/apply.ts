// Step 5, apply: the tick's decisions made real. Verdict changes are audited and the verdicts
// written, the error budgets worked out and written beside them, runs judged from the slow plane
// alone cached, and, when there can be work for it, the rollback step run.

import type { ChainTail } from '../audit/hash-chain.js';
import { auditVerdictChanges } from '../audit/verdict-changes.js';
import type { DeploymentEvidence } from '../checks/evidence.js';
import type { RunRecord } from '../types.js';
import type { Warehouse } from '../warehouse/port.js';
import { type BudgetTickSummary, runBudgetStep } from './budgets.js';
import { burnsToFail, failOnBurn } from './burn-verdicts.js';
import type { Decisions } from './decide.js';
import { type RollbackTickSummary, readRollbackWork, runRollbackStep } from './decide-rollbacks.js';
import type { Discovery } from './discover.js';
import type { Gathered } from './gather.js';
import type { JudgedEvidence } from './judge.js';
import { liveWatchSubjects, readLiveBurns } from './live-burn.js';
import { writeCheckResults, writeVerdicts, writeWatermarks } from './result-rows.js';
import { observedRunRows } from './runs.js';
import type { TickDeps } from './types.js';

/** A tick row older than this before the current tick means ticks were missed (or one crashed). */
const TICK_GAP_MS = 90_000;

export interface TickWork {
  readonly tickId: string;
  readonly nowMs: number;
  readonly found: Discovery;
  readonly gathered: Gathered;
  readonly judged: readonly JudgedEvidence[];
  readonly decided: Decisions;
  /**
   * A tick judging its deployments in slices runs the rollback step once, after its last slice
   * (false before it), knowing whether an earlier slice turned a verdict FAILED.
   */
  readonly withRollbacks?: boolean;
  readonly failedEarlier?: boolean;
  /** Whether the tick's budget allows another rollback to start (see RollbackDeps.budgetLeft). */
  readonly budgetLeft?: () => boolean;
}

export interface Applied {
  readonly budgets: BudgetTickSummary | null;
  readonly rollbacks: RollbackTickSummary | null;
  /** The audit log's last entry as this apply left it, where known: the next slice chains on it. */
  readonly auditTail: ChainTail | null | undefined;
  /** A live deployment was failed on its budget's burn: the rollback step has work. */
  readonly burned?: boolean;
}

/** Whether the rollback step has work to look for this tick (see apply). */
function rollbackDueOf(found: Discovery, nowMs: number, failedNow: boolean): boolean {
  return (
    failedNow || found.marks.get('rollback_open') === 1 || nowMs - found.lastTickMs > TICK_GAP_MS || found.periodic
  );
}

/** The rollback step of a tick whose budget ran out before its last slice: the decisions made are acted on. */
export async function applyRollbacks(
  deps: TickDeps,
  tick: { tickId: string; nowMs: number; found: Discovery; failedNow: boolean; budgetLeft?: () => boolean },
  auditTail: ChainTail | null | undefined,
): Promise<RollbackTickSummary | null> {
  if (!deps.rollback || !rollbackDueOf(tick.found, tick.nowMs, tick.failedNow)) return null;
  const budgetLeft = tick.budgetLeft ? { budgetLeft: tick.budgetLeft } : {};
  return runRollbackStep(
    { wh: deps.wh, ws: deps.ws, ...deps.rollback, ...budgetLeft },
    tick.tickId,
    tick.nowMs,
    undefined,
    auditTail,
  );
}

export async function apply(deps: TickDeps, work: TickWork): Promise<Applied> {
  const { wh } = deps;
  const { tickId, nowMs, found, gathered, decided } = work;
  // The rollback step reads its work only when there can be some: a verdict turned FAILED now,
  // the previous tick left a rollback open, ticks were missed, or the periodic sweep is due. When
  // no verdict turned FAILED, nothing this tick writes changes that work: it is read beside the writes.
  const failedNow = work.failedEarlier === true || decided.changed.some((c) => c.to === 'FAILED');
  const rollbackDue = work.withRollbacks !== false && rollbackDueOf(found, nowMs, failedNow);
  const rollbackWork =
    deps.rollback && rollbackDue && !failedNow
      ? readRollbackWork({ wh, policy: deps.rollback.policy }, nowMs)
      : undefined;
  rollbackWork?.catch(() => undefined);
  const evidence = work.judged.map((j) => j.evidence);
  // The budgets touch none of the tables the verdicts go to, so they are written alongside. A
  // verdict change is audited, and the check results a verdict rests on are written, before the
  // verdict is: a crash in between writes them again, never leaves a verdict without them. The
  // audit log's recorded head and the watermarks of newly followed pipelines need no such order.
  let auditTail: ChainTail | null | undefined;
  const recorded = (async () => {
    const heads: Promise<unknown>[] = [];
    await Promise.all([
      auditVerdictChanges(wh, decided.changed, decided.verdicts, nowMs, found.auditTail, (h) => heads.push(h)).then(
        (t) => {
          auditTail = t;
        },
      ),
      writeCheckResults(wh, decided.results, tickId, nowMs),
      Object.keys(gathered.newMarks).length ? writeWatermarks(wh, gathered.newMarks, nowMs) : null,
    ]);
    await Promise.all([writeVerdicts(wh, decided.verdicts, tickId, nowMs), ...heads]);
  })();
  // The budgets' arithmetic waits until the verdict writes are on their way (the next turn of the
  // event loop), and runs while the warehouse carries them out instead of holding them back.
  const budgets = deps.slos
    ? nextTurn().then(() => runBudgetStep({ wh, slos: deps.slos! }, evidence, nowMs, gathered.budgetContext))
    : null;
  const slowJudged = evidence.filter((ev) => found.slowPending.has(ev.deployment.deploymentId));
  // The history read this tick is in the commit cache before the rollback step reads schema changes from it.
  // Live versions no check judges any more are watched by their budgets when a bad run of theirs
  // is new (the run cache holds it: gather wrote it before returning).
  const watched = deps.slos ? liveWatchSubjects(found.runRows, evidence) : [];
  const live = watched.length
    ? readLiveBurns(wh, deps.slos!, watched, deps.rollback?.policy.candidateHours ?? 24, nowMs)
    : Promise.resolve([]);
  live.catch(() => undefined);
  const [budgetSummary] = await Promise.all([
    budgets,
    cacheSlowRuns(wh, slowJudged, nowMs),
    recorded,
    gathered.cacheWritten,
  ]);
  // A budget burning past policy fails its live deployment now, and the rollback step, reading its
  // work afresh, finds it among the failed deployments.
  let liveBurns: Awaited<typeof live> = [];
  try {
    liveBurns = await live;
  } catch (e) {
    deps.log?.error({ err: (e as Error).message }, 'reading the live versions burning their budgets failed');
  }
  const burns = [...(budgetSummary ? burnsToFail(budgetSummary.burns, decided.verdicts) : []), ...liveBurns];
  let burned = false;
  if (burns.length) {
    try {
      auditTail = await failOnBurn(wh, burns, nowMs, auditTail);
      burned = true;
    } catch (e) {
      // Nothing acted yet: the next tick finds the same burn and tries again.
      auditTail = undefined;
      deps.log?.error({ err: (e as Error).message }, 'failing deployments on budget burn stopped');
    }
  }
  const rollbacks =
    deps.rollback && work.withRollbacks !== false && (rollbackDue || burned)
      ? await runRollbackStep(
          { wh, ws: deps.ws, ...deps.rollback, ...(work.budgetLeft ? { budgetLeft: work.budgetLeft } : {}) },
          tickId,
          nowMs,
          burned ? undefined : rollbackWork,
          auditTail,
        )
      : null;
  return { budgets: budgetSummary, rollbacks, auditTail, burned };
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Post-deploy runs judged from the system tables alone go into the run cache, so the periodic
 * slow-plane check finds them recorded and does not judge the deployment again for them.
 */
async function cacheSlowRuns(wh: Warehouse, judged: readonly DeploymentEvidence[], nowMs: number): Promise<void> {
  const runs = new Map<string, RunRecord>();
  for (const ev of judged) {
    for (const s of ev.subjects) {
      for (const r of s.runs) {
        if (r.plane === 'slow' && r.endMs !== null && r.startMs >= ev.deployment.finishedMs) runs.set(r.runId, r);
      }
    }
  }
  if (runs.size) await wh.execute('tick/merge_observed_runs', {}, observedRunRows([...runs.values()], nowMs));
}
