// Executes one open rollback: claim it, re-check that acting is still right, restore through the
// strategy, record the restored version as a deployment to verify, then close the ledger row.
// Audit entries go first (keyed by event), ledger transitions last, so a tick that stops at any
// point leaves the next tick able to finish with the same entries and no second effect.

import { allDone } from '../all-done.js';
import { AuditWriter } from '../audit/audit-writer.js';
import type { Warehouse } from '../warehouse/port.js';
import type { Workspace } from '../workspace/port.js';
import { AUDIT_ACTOR, actionEntries, stepEntry } from './audit-entries.js';
import type { Dispatcher } from './ci/dispatcher.js';
import { nextStep, type OpenRollback } from './guards.js';
import { claim, markVerdict, transition } from './ledger.js';
import { type ResumeWork, readCode, readSnapshots } from './ledger-reads.js';
import type { RollbackPolicy } from './policy.js';
import { recordRestore } from './restore-record.js';
import { ciDispatchStrategy } from './strategies/ci-dispatch.js';
import { jobsApiStrategy } from './strategies/jobs-api.js';
import { marksOfPlan } from './strategies/live-state.js';
import { RestoreError, type RollbackStrategy } from './strategies/strategy.js';

export interface ExecutorDeps {
  readonly wh: Warehouse;
  readonly ws: Workspace;
  readonly policy: RollbackPolicy;
  readonly dispatcher: Dispatcher | null;
  /** Unique per tick run: two ticks started at once must not share it. */
  readonly holder: string;
  /** The tick's audit appends, chained one on another (by default a writer of its own). */
  readonly audit?: AuditWriter;
}

export type ExecutionResult =
  | 'waiting'
  | 'held_elsewhere'
  | 'pending'
  | 'retry'
  | 'SUCCEEDED'
  | 'FAILED'
  | 'BLOCKED'
  | 'CANCELLED';

interface OpenDetail {
  readonly dispatchedMs?: number;
  readonly lastError?: string;
}

function openDetail(detail: string): OpenDetail {
  try {
    const v = JSON.parse(detail) as unknown;
    return v && typeof v === 'object' ? (v as OpenDetail) : {};
  } catch {
    return detail ? { lastError: detail } : {};
  }
}

function strategyOf(deps: ExecutorDeps, row: OpenRollback): RollbackStrategy {
  if (row.strategy === 'jobs-api') return jobsApiStrategy;
  if (!deps.dispatcher)
    throw new RestoreError(
      'strategy ci-dispatch needs rollback.ciDispatch configured (and its secret in the environment)',
      'block',
    );
  return ciDispatchStrategy(deps.dispatcher, deps.policy.dispatchTimeoutMinutes * 60_000);
}

export async function executeRollback(deps: ExecutorDeps, work: ResumeWork, nowMs: number): Promise<ExecutionResult> {
  if (deps.audit) return execute(deps, deps.audit, work, nowMs);
  const writer = new AuditWriter(deps.wh);
  try {
    return await execute(deps, writer, work, nowMs);
  } finally {
    await writer.settle();
  }
}

async function execute(
  deps: ExecutorDeps,
  writer: AuditWriter,
  work: ResumeWork,
  nowMs: number,
): Promise<ExecutionResult> {
  const { wh, policy, holder } = deps;
  const row = work.row;
  const step = nextStep(row, work.latest, policy, nowMs);
  if (step.kind === 'wait') return 'waiting';
  const held = await claim(wh, row.rollbackId, holder, nowMs, policy.leaseSeconds * 1000);
  if (!held) return 'held_elsewhere';
  const id = row.rollbackId;
  const audit = (entries: Parameters<AuditWriter['append']>[0]) => writer.append(entries, nowMs);
  // What a restore reads is read while the attempt is audited: reads change nothing, and a failed
  // one is met where it is used, as the attempt's error. All three are back before going on.
  const restoring = step.kind === 'execute' && row.toDeploymentId !== null && row.toVersion !== null;
  const [snapsRead, codeRead, attempt] = await Promise.allSettled([
    restoring ? readSnapshots(wh, [row.toDeploymentId!, row.deploymentId]) : null,
    restoring ? readCode(wh, [row.toDeploymentId!]) : null,
    audit([
      stepEntry(
        id,
        'rollback.attempt',
        `attempt:${held.attempts}`,
        { attempt: held.attempts, holder, step: step.kind },
        nowMs,
      ),
    ]),
  ]);
  if (attempt.status === 'rejected') throw attempt.reason;
  const settled = <T>(r: PromiseSettledResult<T | null>): Promise<T> | undefined =>
    r.status === 'rejected' ? Promise.reject(r.reason) : r.value === null ? undefined : Promise.resolve(r.value);

  const close = async (state: 'FAILED' | 'BLOCKED' | 'CANCELLED', why: string): Promise<ExecutionResult> => {
    await audit([stepEntry(id, `rollback.${state.toLowerCase()}`, state.toLowerCase(), { reason: why }, nowMs)]);
    if (state !== 'CANCELLED')
      await markVerdict(
        wh,
        row.deploymentId,
        'FAILED',
        `verification failed; automatic rollback ${state}: ${why}`,
        `rollback ${state}: ${why}`,
        nowMs,
      );
    await transition(wh, id, holder, { state, detail: why }, nowMs);
    return state;
  };
  const succeed = async (restoreDeploymentId: string, how: string): Promise<ExecutionResult> => {
    await audit([
      stepEntry(
        id,
        'rollback.succeeded',
        'succeeded',
        { restore_deployment_id: restoreDeploymentId, to_version: row.toVersion, how },
        nowMs,
      ),
      {
        atMs: nowMs,
        actor: AUDIT_ACTOR,
        action: 'verdict.changed',
        subject: `deployment:${row.deploymentId}`,
        eventKey: `verdict:${row.deploymentId}:FAILED>ROLLED_BACK:${id}`,
        payload: { from: 'FAILED', to: 'ROLLED_BACK', rollback_id: id },
      },
    ]);
    await markVerdict(
      wh,
      row.deploymentId,
      'ROLLED_BACK',
      `rolled back to ${row.toVersion?.slice(0, 12)} (${how}); the restored version is verified as deployment ${restoreDeploymentId}`,
      null,
      nowMs,
    );
    await transition(
      wh,
      id,
      holder,
      {
        state: 'SUCCEEDED',
        detail: `restored ${row.toVersion} (${how}); re-verified as ${restoreDeploymentId}`,
        restoreDeploymentId,
      },
      nowMs,
    );
    return 'SUCCEEDED';
  };

  if (step.kind === 'cancel') return close('CANCELLED', step.reason);
  if (step.kind === 'give_up') return close('FAILED', step.reason);
  if (step.kind === 'adopt_redeploy') return succeed(step.deploymentId, 'CI redeployed it');
  if (row.toVersion === null || row.toDeploymentId === null)
    return close('BLOCKED', 'the ledger row has no target version');

  const previous = openDetail(row.detail);
  try {
    const strategy = strategyOf(deps, row);
    const snaps = await (settled(snapsRead) ?? readSnapshots(wh, [row.toDeploymentId, row.deploymentId]));
    const restore = snaps.filter((s) => s.deploymentId === row.toDeploymentId);
    const failedSettings = snaps.filter((s) => s.deploymentId === row.deploymentId);
    if (restore.length === 0)
      throw new RestoreError(`no settings snapshot of the target deployment ${row.toDeploymentId}`, 'block');
    const out = await strategy.restore(
      {
        rollbackId: id,
        bundle: row.bundle,
        target: row.target,
        fromVersion: row.fromVersion,
        toVersion: row.toVersion,
        reason: work.cause || 'verification failed',
        restore,
        failedSettings,
        marks: marksOfPlan(held.plan),
        detail: row.detail,
        nowMs,
      },
      deps.ws,
    );
    if (out.status === 'pending') {
      await audit(actionEntries(id, out.actions, nowMs));
      await transition(wh, id, holder, { state: 'EXECUTING', detail: out.detail, leaseUntilMs: nowMs }, nowMs);
      return 'pending';
    }
    // The actions' entries and the restored version's deployment rows go to different tables at
    // once: a stop between them leaves the row EXECUTING, and the next attempt finds the settings
    // restored and records both again under the same keys.
    const [, restoreId] = await allDone([
      audit(actionEntries(id, out.actions, nowMs)),
      recordRestore(
        wh,
        {
          rollbackId: id,
          bundle: row.bundle,
          target: row.target,
          fromVersion: row.fromVersion,
          toVersion: row.toVersion,
          toDeploymentId: row.toDeploymentId,
          restore,
          startedMs: nowMs,
        },
        nowMs,
        settled(codeRead),
      ),
    ]);
    return succeed(
      restoreId,
      out.actions.some((a) => a.action !== 'found_restored') ? strategy.name : `${strategy.name}, found restored`,
    );
  } catch (e) {
    const err = e as Error;
    if (err instanceof RestoreError && err.kind !== 'retry') {
      // What was restored before the stop is on record too: a half-done rollback is a human's to finish.
      if (err.actions.length) await audit(actionEntries(id, err.actions, nowMs));
      return close(err.kind === 'block' ? 'BLOCKED' : 'FAILED', err.message);
    }
    if (held.attempts >= policy.maxAttempts)
      return close('FAILED', `attempt ${held.attempts} of ${policy.maxAttempts} failed: ${err.message}`);
    await audit([
      stepEntry(
        id,
        'rollback.retry',
        `retry:${held.attempts}`,
        { attempt: held.attempts, error: err.message.slice(0, 2000) },
        nowMs,
      ),
    ]);
    await transition(
      wh,
      id,
      holder,
      {
        state: 'EXECUTING',
        detail: JSON.stringify({ ...previous, lastError: err.message.slice(0, 2000) }),
        leaseUntilMs: nowMs,
      },
      nowMs,
    );
    return 'retry';
  }
}
