// The hard SLAs a subject is held to and their breaches. The policy file's SLA of a job or pipeline
// wins over what the workspace states for the run; the job's and its tasks' own timeouts and
// RUN_DURATION_SECONDS health rules hold wherever the policy is silent, unless it switches them
// off. A run or task run past its SLA, still running past it, or cancelled by Databricks for its
// timeout (TIMED_OUT) fails the duration check at once, and says which SLA and where it was stated.

import type { CheckResult, RunRecord, Subject, TaskRunRecord } from '../types.js';
import { elapsed } from './format.js';
import { type Policy, slaSecondsFor } from './policy.js';
import { checkResult } from './result.js';
import type { StatedLimit, StatedSlas } from './stated-slas.js';

export interface SubjectSlas {
  /** The SLA of a whole run, if any. */
  readonly run: StatedLimit | null;
  /** Each task's SLA, by task key. */
  readonly tasks: ReadonlyMap<string, StatedLimit>;
  /** The job's own timeout, if it states one: what a TIMED_OUT run was cancelled at. */
  readonly timeout: StatedLimit | null;
  /** Whether a run Databricks cancelled for its timeout counts as a breach. */
  readonly timedOutBreaches: boolean;
}

export const NO_SLAS: SubjectSlas = { run: null, tasks: new Map(), timeout: null, timedOutBreaches: false };

/** The SLAs of a subject: the policy's first, then the settings the workspace states (jobs only). */
export function resolveSlas(
  policy: Policy,
  subject: Pick<Subject, 'id' | 'type'>,
  resourceKey: string | null,
  stated: StatedSlas | null | undefined,
): SubjectSlas {
  const own = slaSecondsFor(policy, subject, resourceKey);
  const fromPolicy: StatedLimit | null = own === null ? null : { seconds: own, source: "the policy's SLA" };
  if (!policy.slaFromSettings || subject.type !== 'job') return { ...NO_SLAS, run: fromPolicy };
  const tasks = new Map<string, StatedLimit>();
  for (const [key, ls] of stated?.tasks ?? []) if (ls[0]) tasks.set(key, ls[0]);
  return {
    run: fromPolicy ?? stated?.job[0] ?? null,
    tasks,
    timeout: stated?.job.find((l) => l.source.endsWith('timeout_seconds')) ?? null,
    timedOutBreaches: true,
  };
}

interface Breach {
  readonly run: RunRecord;
  readonly seconds: number;
  readonly limit: StatedLimit | null;
  readonly task: string | null;
  readonly running: boolean;
  readonly timedOut: boolean;
}

const lengthS = (startMs: number, endMs: number | null, nowMs: number) => ((endMs ?? nowMs) - startMs) / 1000;
const isRunning = (r: { endMs: number | null; result: string }) => r.endMs === null || r.result === 'RUNNING';

function taskBreaches(run: RunRecord, slas: SubjectSlas, nowMs: number): Breach[] {
  const out: Breach[] = [];
  for (const t of run.tasks ?? []) {
    const limit = slas.tasks.get(t.taskKey) ?? null;
    const running = isRunning(t);
    const s = lengthS(t.startMs, t.endMs, nowMs);
    // A task with no timeout of its own in a run that timed out was cancelled at the job's: the run tells it.
    const jobs = limit === null && run.result === 'TIMED_OUT' && slas.timeout !== null;
    const timedOut = slas.timedOutBreaches && t.result === 'TIMED_OUT' && !jobs;
    if ((limit && s > limit.seconds) || timedOut)
      out.push({ run, seconds: s, limit: taskLimitFor(t, limit, timedOut), task: t.taskKey, running, timedOut });
  }
  return out;
}

function taskLimitFor(t: TaskRunRecord, limit: StatedLimit | null, timedOut: boolean): StatedLimit | null {
  // A task that timed out was cancelled at its own timeout: name that one, not its health rule.
  if (!timedOut || !limit || limit.source.endsWith('timeout_seconds')) return limit;
  return { seconds: limit.seconds, source: `task ${t.taskKey}'s timeout` };
}

function sentence(subject: Subject, b: Breach): string {
  const who = b.task === null ? `run ${b.run.runId} of ${subject.name}` : `task ${b.task} of run ${b.run.runId}`;
  if (b.timedOut) {
    const at = b.limit ? ` at ${b.limit.source} of ${elapsed(b.limit.seconds)}` : ' at its timeout';
    return `${who} timed out: Databricks cancelled it after ${elapsed(b.seconds)}${at}`;
  }
  const what = b.running ? `has been running for ${elapsed(b.seconds)}, past` : `took ${elapsed(b.seconds)}, over`;
  return `${who} ${what} ${b.limit!.source} of ${elapsed(b.limit!.seconds)}`;
}

/**
 * The duration check's result when a post-deploy run breaks a hard SLA, else null. `post` are the
 * runs that started after the deploy. The worst breach (longest against its limit) is reported.
 */
export function slaBreach(
  subject: Subject,
  post: readonly RunRecord[],
  slas: SubjectSlas,
  policy: Policy,
  nowMs: number,
): CheckResult | null {
  const breaches: Breach[] = [];
  for (const run of post) {
    if (run.result === 'SKIPPED') continue;
    const running = isRunning(run);
    const s = lengthS(run.startMs, running ? null : run.endMs, nowMs);
    // A job run cancelled for a task's timeout is told by that task, where the task runs are known.
    const tasks = taskBreaches(run, slas, nowMs);
    const timedOut = slas.timedOutBreaches && run.result === 'TIMED_OUT' && !tasks.some((t) => t.timedOut);
    if ((slas.run && s > slas.run.seconds) || timedOut)
      breaches.push({ run, seconds: s, limit: timedOut ? slas.timeout : slas.run, task: null, running, timedOut });
    breaches.push(...tasks);
  }
  if (breaches.length === 0) return null;
  const ratio = (b: Breach) => (b.limit ? b.seconds / b.limit.seconds : 1);
  const worst = breaches.reduce((a, b) => (ratio(b) > ratio(a) ? b : a));
  const done = post.filter((r) => !isRunning(r));
  const newest = done.reduce((m, r) => Math.max(m, r.endMs ?? 0), 0);
  const more = breaches.length > 1 ? `; ${breaches.length} breaches of a hard SLA since the deploy` : '';
  return checkResult({
    check: 'duration',
    subject: `${subject.type}:${subject.id}`,
    look: done.length,
    status: 'FAIL',
    critical: policy.critical.duration,
    observed: worst.seconds,
    threshold: worst.limit?.seconds ?? null,
    effect: worst.limit ? ratio(worst) : null,
    plane: worst.run.plane,
    evidenceAgeS: newest ? (nowMs - newest) / 1000 : null,
    explanation: `${sentence(subject, worst)}${more}`,
  });
}

/** When a run or task still going crosses its SLA with no new evidence, if it has not yet. */
export function slaCrossingMs(post: readonly RunRecord[], slas: SubjectSlas, nowMs: number): number | null {
  const times: number[] = [];
  for (const run of post) {
    if (!isRunning(run)) continue;
    if (slas.run) times.push(run.startMs + slas.run.seconds * 1000 + 1);
    for (const t of run.tasks ?? []) {
      const limit = slas.tasks.get(t.taskKey);
      if (limit && isRunning(t)) times.push(t.startMs + limit.seconds * 1000 + 1);
    }
  }
  const future = times.filter((t) => t > nowMs);
  return future.length ? Math.min(...future) : null;
}
