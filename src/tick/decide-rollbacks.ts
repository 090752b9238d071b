// The tick's rollback step, run after verdicts are written: decide a rollback for every failed
// deployment that is still live (plan, guards, ledger row before any side effect, quarantine),
// then start or resume every open rollback. Set-based: one statement finds all the work, and
// a decision's facts are read for all candidates at once.

import { randomUUID } from 'node:crypto';
import { allDone } from '../all-done.js';
import { AuditWriter } from '../audit/audit-writer.js';
import type { ChainTail } from '../audit/hash-chain.js';
import type { Logger } from '../log.js';
import { decisionEntries } from '../rollback/audit-entries.js';
import type { Dispatcher } from '../rollback/ci/dispatcher.js';
import { type ExecutionResult, executeRollback } from '../rollback/executor.js';
import { decideRollback, type OpenRollback } from '../rollback/guards.js';
import { type DecisionRecord, insertDecisions, markVerdict, quarantine } from '../rollback/ledger.js';
import {
  type DecideWork,
  type ResumeWork,
  readCode,
  readHistory,
  readSchemaChanges,
  readSnapshots,
  readWork,
} from '../rollback/ledger-reads.js';
import { planRollback } from '../rollback/plan.js';
import { type RollbackPolicy, strategyFor } from '../rollback/policy.js';
import { restoreDeploymentIdOf } from '../rollback/rollback-id.js';
import { readMarks } from '../rollback/strategies/live-state.js';
import { selectTarget } from '../rollback/target.js';
import type { VersionRecord } from '../rollback/types.js';
import type { Warehouse } from '../warehouse/port.js';
import type { Workspace } from '../workspace/port.js';

const HOUR = 3_600_000;

export interface RollbackDeps {
  readonly wh: Warehouse;
  readonly ws: Workspace;
  readonly policy: RollbackPolicy;
  readonly dispatcher?: Dispatcher | null;
  readonly log?: Logger;
  /**
   * Whether the tick's time budget allows another rollback to start (tick-budget.ts); the first open
   * rollback always runs, and those not started stay open in the ledger for the next tick.
   */
  readonly budgetLeft?: () => boolean;
}

export interface RollbackTickSummary {
  readonly decided: ReadonlyArray<{ rollbackId: string; deploymentId: string; state: string; safety: string }>;
  readonly executed: ReadonlyArray<{ rollbackId: string; deploymentId: string; result: ExecutionResult }>;
  readonly errors: readonly string[];
  /** Open rollbacks the tick's budget left to the next tick, not started. */
  readonly left?: readonly string[];
}

/** The rollback step as the tick runs it: a failure is reported, never allowed to stop the tick. */
export async function runRollbackStep(
  deps: RollbackDeps,
  tickId: string,
  nowMs: number,
  work?: Promise<RollbackWork>,
  /** The audit log's last entry as the tick left it, where known. */
  auditTail?: ChainTail | null,
): Promise<RollbackTickSummary> {
  try {
    return await decideRollbacks(deps, tickId, nowMs, work, auditTail);
  } catch (e) {
    deps.log?.error({ err: (e as Error).message }, 'rollback step failed; open rollbacks resume next tick');
    return { decided: [], executed: [], errors: [(e as Error).message] };
  }
}

/** What the rollback step has to do: read at its start, or earlier by a caller that knows it can be. */
export type RollbackWork = Awaited<ReturnType<typeof readWork>>;

export function readRollbackWork(deps: Pick<RollbackDeps, 'wh' | 'policy'>, nowMs: number): Promise<RollbackWork> {
  return readWork(deps.wh, nowMs, nowMs - deps.policy.candidateHours * HOUR);
}

export async function decideRollbacks(
  deps: RollbackDeps,
  tickId: string,
  nowMs: number,
  /** The work, read already (see readRollbackWork); by default read now. */
  early?: Promise<RollbackWork>,
  auditTail?: ChainTail | null,
): Promise<RollbackTickSummary> {
  const audit = new AuditWriter(deps.wh, auditTail);
  try {
    return await decideWith(deps, tickId, nowMs, audit, early);
  } finally {
    await audit.settle();
  }
}

async function decideWith(
  deps: RollbackDeps,
  tickId: string,
  nowMs: number,
  audit: AuditWriter,
  early?: Promise<RollbackWork>,
): Promise<RollbackTickSummary> {
  const { wh, policy } = deps;
  const work = await (early ?? readRollbackWork(deps, nowMs));
  const errors = [...work.errors];
  const decided = work.decide.length ? await decide(deps, work.decide, nowMs, audit) : [];
  const resume: ResumeWork[] = [
    ...work.resume,
    ...decided
      .filter((d) => d.decision.state === 'REQUESTED')
      .map((d) => ({
        row: openRowOf(d, nowMs),
        cause: d.plan.cause,
        latest: { deploymentId: d.plan.deploymentId, version: d.plan.fromVersion },
      })),
  ];
  const holder = `${tickId}:${randomUUID().slice(0, 8)}`;
  const executed: Array<{ rollbackId: string; deploymentId: string; result: ExecutionResult }> = [];
  const left: string[] = [];
  let started = 0;
  for (const w of resume) {
    if (started > 0 && deps.budgetLeft?.() === false) {
      left.push(w.row.rollbackId);
      continue;
    }
    started++;
    try {
      executed.push({
        rollbackId: w.row.rollbackId,
        deploymentId: w.row.deploymentId,
        result: await executeRollback(
          { wh, ws: deps.ws, policy, dispatcher: deps.dispatcher ?? null, holder, audit },
          w,
          nowMs,
        ),
      });
    } catch (e) {
      // The ledger row stays open: the next tick resumes it once this tick's lease runs out.
      errors.push(`rollback ${w.row.rollbackId}: ${(e as Error).message}`);
      deps.log?.warn({ rollback: w.row.rollbackId, err: (e as Error).message }, 'rollback attempt stopped');
    }
  }
  return {
    decided: decided.map((d) => ({
      rollbackId: d.plan.rollbackId,
      deploymentId: d.plan.deploymentId,
      state: d.decision.state,
      safety: d.plan.safety,
    })),
    executed,
    errors,
    ...(left.length ? { left } : {}),
  };
}

async function decide(
  deps: RollbackDeps,
  candidates: readonly DecideWork[],
  nowMs: number,
  audit: AuditWriter,
): Promise<DecisionRecord[]> {
  const { wh, policy } = deps;
  const pairs = candidates.map((c) => ({ bundle: c.deployment.bundle, target: c.deployment.target }));
  const windowMs = Math.max(policy.cap.windowHours * HOUR, policy.coolDownMinutes * 60_000);
  const { versions, rollbacks } = await readHistory(
    wh,
    pairs,
    nowMs - policy.targetLookbackDays * 24 * HOUR,
    nowMs - windowMs,
  );
  const failedRecords = candidates.map((c): VersionRecord => {
    const d = c.deployment;
    return (
      versions.find((v) => v.deploymentId === d.deploymentId) ?? {
        deploymentId: d.deploymentId,
        bundle: d.bundle,
        target: d.target,
        version: d.version,
        finishedMs: d.finishedMs,
        actor: d.actor,
        resources: d.resources,
        verdict: 'FAILED',
        quarantined: false,
      }
    );
  });
  const targets = failedRecords
    .map((f) => selectTarget(f, versions).target?.deploymentId)
    .filter((x): x is string => x !== undefined);
  const involved = [...failedRecords.map((f) => f.deploymentId), ...targets];
  const [snapshots, code, schemaChanges] = await allDone([
    readSnapshots(wh, involved),
    readCode(wh, involved),
    readSchemaChanges(
      wh,
      failedRecords.flatMap((f) => f.resources.map((r) => ({ subjectId: r.id, sinceMs: f.finishedMs }))),
    ),
  ]);
  const planned = failedRecords.map((failed, i) => {
    const ids = new Set(failed.resources.map((r) => r.id));
    const plan = planRollback({
      failed,
      cause: candidates[i]!.cause,
      history: versions,
      snapshots,
      schemaChanges: schemaChanges.filter(
        (c) => c.subjectId !== null && ids.has(c.subjectId) && c.atMs >= failed.finishedMs,
      ),
      strategy: strategyFor(policy, failed.bundle),
      ciDispatch: policy.ciDispatch !== null,
      code,
      partial: candidates[i]!.deployment.status === 'PARTIAL',
    });
    const decision = decideRollback({ plan, failedActor: failed.actor, recent: rollbacks, policy, nowMs });
    const restoreDeploymentId =
      decision.state === 'REQUESTED' && plan.toVersion
        ? restoreDeploymentIdOf(plan.bundle, plan.target, plan.toVersion, plan.rollbackId)
        : null;
    return { plan, decision, restoreDeploymentId };
  });
  // How each resource a rollback will restore looks now: a change made after this, by hand, stops
  // the restore instead of being overwritten (read only for rollbacks that will act).
  const records: DecisionRecord[] = await Promise.all(
    planned.map(async (r) => ({
      ...r,
      marks: r.decision.state === 'REQUESTED' ? await readMarks(deps.ws, r.plan.restore, nowMs) : [],
    })),
  );
  // The decision is on record before anything acts on it. The ledger row goes last: once it
  // exists the deployment is no longer a candidate, so quarantine and pages must already be done.
  // Quarantine and pages write different tables and go together; pages, all to the verdicts
  // table, one after another (Delta refuses concurrent writes to one table's files).
  await audit.append(
    records.flatMap((r) => decisionEntries(r.plan, r.decision, nowMs)),
    nowMs,
  );
  await allDone([
    quarantine(
      wh,
      records.map((r) => r.plan),
      nowMs,
    ),
    (async () => {
      for (const r of records.filter((x) => x.decision.pages)) {
        const why = r.decision.reasons.join('; ');
        await markVerdict(
          wh,
          r.plan.deploymentId,
          'FAILED',
          `${r.plan.cause} | automatic rollback BLOCKED: ${why}`,
          `rollback BLOCKED (${r.plan.safety}): ${why}`,
          nowMs,
        );
      }
    })(),
  ]);
  await insertDecisions(wh, records, nowMs);
  return records;
}

function openRowOf(r: DecisionRecord, nowMs: number): OpenRollback {
  const p = r.plan;
  return {
    rollbackId: p.rollbackId,
    deploymentId: p.deploymentId,
    bundle: p.bundle,
    target: p.target,
    state: 'REQUESTED',
    requestedMs: nowMs,
    strategy: r.decision.strategy,
    fromVersion: p.fromVersion,
    toVersion: p.toVersion,
    toDeploymentId: p.toDeploymentId,
    restoreDeploymentId: r.restoreDeploymentId,
    attempts: 0,
    notBeforeMs: r.decision.notBeforeMs,
    detail: '',
  };
}
