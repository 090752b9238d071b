// One tick: discover -> gather -> judge -> decide -> apply. The core in the middle is pure;
// everything around it goes through the Warehouse and Workspace ports.

import { auditVerdictChanges } from '../audit/verdict-changes.js';
import type { SloPolicy } from '../budget/slo-policy.js';
import { flatHorizon } from '../checks/baseline-window.js';
import type { DeploymentEvidence } from '../checks/evidence.js';
import { judgeDeployment } from '../checks/judge.js';
import { type Policy, slaSecondsFor } from '../checks/policy.js';
import { decideVerdict } from '../checks/verdict.js';
import type { PolicySet } from '../config/policy-file.js';
import type { CheckResult, MeasurementError, RunRecord, Verdict } from '../types.js';
import type { Warehouse } from '../warehouse/port.js';
import type { Workspace } from '../workspace/port.js';
import { tickRows, writeResults, writeWatermarks } from './apply.js';
import { type BudgetTickSummary, readBudgetContext, runBudgetStep } from './budgets.js';
import { type RollbackDeps, type RollbackTickSummary, runRollbackStep } from './decide-rollbacks.js';
import { openTick, readMarks } from './discover.js';
import type { FlowCommit } from './flow-metrics.js';
import {
  commitRows,
  listNewRuns,
  observedRunRows,
  pipelineEvidence,
  readFollowedEvents,
  readPipelineEvents,
  readSlowPending,
} from './gather.js';
import { gatherEvidence } from './gather-evidence.js';

/** Rollback outcomes after which a ledger row needs no further tick. */
const TERMINAL: ReadonlySet<string> = new Set(['SUCCEEDED', 'FAILED', 'BLOCKED', 'CANCELLED']);

const HOUR = 3_600_000;
const MINUTE = 60_000;
/**
 * Once per this period the tick asks the slow plane (system tables, hours late) whether it holds a
 * finished post-deploy run the fast plane never recorded, and judges those deployments again. The
 * periods are aligned to the clock so that every such deployment is judged in the same tick: a
 * set-based tick costs about the same for one deployment as for fifty.
 */
const REJUDGE_MS = 15 * MINUTE;
/**
 * Error budgets keep one row per subject and clock hour, and a table's staleness grows with no
 * event to report it: a deployment not judged during an hour is judged in the hour's last quarter.
 */
const HOURLY_FROM_MS = 45 * MINUTE;
/** Event-log reads reach back this far before where the last tick stopped: events land a little late. */
const EVENT_OVERLAP_MS = 10 * MINUTE;
/** How far back a first tick (no tick row, no runs watermark yet) reads. */
const FIRST_TICK_LOOKBACK_MS = 6 * HOUR;
/** A tick row older than this before the current tick means ticks were missed (or one crashed). */
const TICK_GAP_MS = 90_000;

export interface TickDeps {
  readonly wh: Warehouse;
  readonly ws: Workspace;
  /** Gathering settings (baseline days, window) and the default judgement policy. */
  readonly policy: Policy;
  /** The policy file, when one is given: per-bundle policies and expected-change annotations. */
  readonly policies?: PolicySet;
  /** Rollback policy and CI dispatcher; without it the tick decides no rollbacks. */
  readonly rollback?: Omit<RollbackDeps, 'wh' | 'ws'>;
  /** SLOs for error budgets; without them the tick keeps no budgets. */
  readonly slos?: SloPolicy;
  /**
   * Called once the tick has made every change it will make but its heartbeat row: what waits on
   * the tick's decisions (a replay's next minute) can go on while that row is written.
   */
  readonly onDecided?: () => void;
}

export interface TickSummary {
  readonly tickId: string;
  readonly nowMs: number;
  readonly deployments: number;
  /** Deployments judged this tick: new, touched by new evidence, or due a re-check. */
  readonly judged: number;
  readonly verdicts: Readonly<Record<string, number>>;
  readonly newRuns: number;
  readonly statements: number;
  readonly historyReads: number;
  readonly restCalls: number;
  readonly errors: readonly MeasurementError[];
  readonly durationMs: number;
  readonly changed: ReadonlyArray<{ deploymentId: string; from: string | null; to: string }>;
  readonly rollbacks: RollbackTickSummary | null;
  readonly budgets: BudgetTickSummary | null;
}

/**
 * Post-deploy runs judged from the system tables alone go into the run cache, so the periodic
 * slow-plane check finds them recorded and does not judge the deployment again for them.
 */
async function cacheSlowRuns(wh: Warehouse, judged: readonly DeploymentEvidence[], nowMs: number): Promise<void> {
  const runs = new Map<string, RunRecord>();
  for (const ev of judged) {
    for (const s of ev.subjects)
      for (const r of s.runs)
        if (r.plane === 'slow' && r.endMs !== null && r.startMs >= ev.deployment.finishedMs) runs.set(r.runId, r);
  }
  if (runs.size) await wh.execute('tick/merge_observed_runs', {}, observedRunRows([...runs.values()], nowMs));
}

export async function runTick(deps: TickDeps, nowMs: number, wallClock: () => number = Date.now): Promise<TickSummary> {
  const started = wallClock();
  const { wh, ws, policy } = deps;
  const stmt0 = wh.stats.statements;
  const hist0 = wh.stats.historyReads;
  const rest0 = ws.stats.calls;
  const tickId = `tick-${nowMs}`;
  const errors: MeasurementError[] = [];

  // Two narrow statements read the deployments under verification and where the last tick
  // stopped. The followed pipelines' event log is read alongside them, over the span a tick a
  // minute after the last one needs; only after missed ticks is the span read again, from where
  // the last one stopped.
  const earlyEventsFrom = nowMs - MINUTE - EVENT_OVERLAP_MS;
  // The runs listing needs only the watermark, so it starts as soon as that narrow read is back,
  // while the deployments are still being read: on a workspace the listing is a REST round trip.
  const runsFrom = (marks: ReadonlyMap<string, number>) =>
    marks.get('jobs_runs_from_ms') ?? nowMs - FIRST_TICK_LOOKBACK_MS;
  const marksRead = readMarks(wh);
  const listingRead = marksRead.then((m) => listNewRuns(ws, runsFrom(m.marks), nowMs));
  listingRead.catch(() => undefined);
  const [opening, earlyEvents] = await Promise.allSettled([
    openTick(wh, nowMs, (policy.window.maxHours + 24) * HOUR, marksRead),
    readFollowedEvents(wh, earlyEventsFrom),
  ]);
  if (opening.status === 'rejected') throw opening.reason;
  const { active, errors: discoverErrors, marks, auditTail } = opening.value;
  const lastTickMs = marks.get('last_tick_ms') ?? nowMs - FIRST_TICK_LOOKBACK_MS;
  // Marks that only change when a pipeline is first followed; the rolling ones ride on the tick row.
  const newMarks: Record<string, number> = {};
  errors.push(...discoverErrors);

  let runsWatermark = runsFrom(marks);
  let eventLogWatermark = marks.get('event_log_from_ms') ?? null;
  // Followed pipelines (seen before, targets known) are read from the event-log watermark.
  const followed = [...marks.keys()].filter((k) => k.startsWith('event_log:')).map((k) => k.slice('event_log:'.length));
  const eventsFrom = (marks.get('event_log_from_ms') ?? lastTickMs) - EVENT_OVERLAP_MS;
  const periodic = Math.floor(nowMs / REJUDGE_MS) > Math.floor(lastTickMs / REJUDGE_MS);
  // Final verdicts are not reopened; only the open ones may still be waiting on the slow plane.
  const open = periodic ? active.filter((a) => a.judgedAtMs !== null && a.verdictState !== null) : [];
  const eventsRead = async () => {
    if (earlyEvents.status === 'rejected') throw earlyEvents.reason;
    if (eventsFrom >= earlyEventsFrom) return pipelineEvidence(earlyEvents.value, eventsFrom);
    return readPipelineEvents(wh, followed, flatHorizon(eventsFrom));
  };
  const [listing, events, pending] = await Promise.allSettled([
    listingRead,
    eventsRead(),
    readSlowPending(
      wh,
      open.map((a) => a.deployment),
    ),
  ]);
  // Without the answer every open deployment is judged again, as if all had something new.
  if (pending.status === 'rejected')
    errors.push({
      kind: 'runs',
      subject: 'system.lakeflow',
      message: `slow-plane check failed, judging every open deployment again: ${(pending.reason as Error).message}`,
    });
  const slowPending = new Set(
    pending.status === 'fulfilled'
      ? [...pending.value].map((i) => open[i]!.deployment.deploymentId)
      : open.map((a) => a.deployment.deploymentId),
  );

  // Subjects with new fast-plane evidence since the last tick: only they (plus deployments that
  // are new, due a time-based re-check, waiting on the slow plane or unjudged this hour) are judged again.
  const touched = new Set<string>();
  // A run that only started brings no evidence, except against an SLA its resource is held to.
  const underSla = new Set(
    active.flatMap((a) => {
      const own = deps.policies?.forBundle(a.deployment.bundle) ?? policy;
      return a.deployment.resources.filter((r) => slaSecondsFor(own, r, r.key) !== null).map((r) => r.id);
    }),
  );
  const recentMs = lastTickMs - MINUTE;
  const evidenceOf = (r: RunRecord) => (r.endMs !== null && r.endMs > recentMs) || underSla.has(r.subjectId);
  // A run that started or ended since the last tick; the reads reach further back than that.
  const changedSince = (r: RunRecord) => r.startMs > recentMs || (r.endMs !== null && r.endMs > recentMs);
  const runRows: RunRecord[] = [];
  let newRuns = 0;
  if (listing.status === 'fulfilled') {
    const listed = listing.value;
    const changed = listed.runs.filter(changedSince);
    runRows.push(...changed);
    for (const r of changed) if (evidenceOf(r)) touched.add(r.subjectId);
    newRuns = listed.runs.filter((r) => r.endMs !== null && r.endMs > lastTickMs).length;
    runsWatermark = Math.max(runsWatermark, listed.nextWatermarkMs);
  } else {
    errors.push({
      kind: 'runs',
      subject: 'workspace',
      message: `jobs/runs/list failed: ${(listing.reason as Error).message}`,
    });
  }

  const commits: FlowCommit[] = [];
  if (events.status === 'fulfilled') {
    const pe = events.value;
    const fresh = pe.runs.filter(changedSince);
    // The read reaches back before the last tick; what it saw then is cached already.
    const freshWrites = pe.writes.filter((w) => w.timestampMs > recentMs);
    runRows.push(...fresh);
    commits.push(...freshWrites);
    for (const r of fresh) if (evidenceOf(r)) touched.add(r.subjectId);
    for (const w of freshWrites) touched.add(w.subjectId);
    eventLogWatermark = nowMs;
  } else {
    for (const id of followed)
      errors.push({
        kind: 'runs',
        subject: `pipeline:${id}`,
        message: `pipeline event log unavailable: ${(events.reason as Error).message}`,
      });
  }
  // The run cache is topped up while the evidence is read: of the reads, only the runs wait for it.
  const runsCached = runRows.length
    ? wh.execute('tick/merge_observed_runs', {}, observedRunRows(runRows, nowMs))
    : Promise.resolve(0);
  runsCached.catch(() => undefined);

  const due = active.filter(
    (a) =>
      a.verdictState === null ||
      a.supersededAtMs !== null ||
      a.judgedAtMs === null ||
      slowPending.has(a.deployment.deploymentId) ||
      (nowMs % HOUR >= HOURLY_FROM_MS && Math.floor(a.judgedAtMs / HOUR) < Math.floor(nowMs / HOUR)) ||
      (a.recheckAtMs !== null && a.recheckAtMs <= nowMs) ||
      a.deployment.resources.some((r) => touched.has(r.id)),
  );
  const budgetDeps = deps.slos ? { wh, slos: deps.slos } : null;
  const budgetContext =
    budgetDeps && due.length
      ? readBudgetContext(budgetDeps, [...new Set(due.map((a) => a.deployment.bundle))], nowMs)
      : undefined;
  budgetContext?.catch(() => undefined);
  const finishedSince = new Set(
    runRows.filter((r) => r.endMs !== null && r.endMs > lastTickMs).map((r) => r.subjectId),
  );
  // Each deployment is judged under its bundle's policy, with its expected changes applied.
  const prepare = (ev: DeploymentEvidence) => {
    const own = deps.policies ? deps.policies.forBundle(ev.deployment.bundle) : policy;
    const judged = deps.policies
      ? { ...ev, deployment: { ...ev.deployment, expectedChanges: deps.policies.expectedChanges(ev.deployment) } }
      : ev;
    return { own, judged };
  };
  const gathered = due.length
    ? await gatherEvidence(wh, {
        active: due,
        nowMs,
        finishedSince,
        marks,
        newMarks,
        policy,
        errors,
        pendingCommits: commits,
        runsCached,
        judge: (ev) => {
          const { own, judged } = prepare(ev);
          return judgeDeployment(judged, own, nowMs);
        },
      })
    : [];
  const evidence = gathered.map((g) => g.evidence);
  // New flow commits are merged together with the history read for the judged deployments, or
  // else beside the run cache. Both are in before anything of the tick's own is written.
  await Promise.all([
    runsCached,
    !due.length && commits.length
      ? wh.execute('tick/merge_table_commits', {}, commitRows(commits, 'STREAMING UPDATE', nowMs))
      : null,
  ]);

  const results: Array<{ deploymentId: string; result: CheckResult }> = [];
  const verdicts: Verdict[] = [];
  const changed: Array<{ deploymentId: string; from: string | null; to: string }> = [];
  for (const [i, { evidence: ev, results: rs }] of gathered.entries()) {
    const { own, judged } = prepare(ev);
    const v = decideVerdict(judged, rs, own, nowMs);
    for (const r of rs) results.push({ deploymentId: ev.deployment.deploymentId, result: r });
    verdicts.push(v);
    if (due[i]!.verdictState !== v.state)
      changed.push({ deploymentId: v.deploymentId, from: due[i]!.verdictState, to: v.state });
  }
  // The budgets touch none of the tables the verdicts go to, so they are written alongside. A
  // verdict change is audited before it is recorded: a crash in between audits it again, never not.
  const recorded = (async () => {
    await auditVerdictChanges(wh, changed, verdicts, nowMs, auditTail);
    await writeResults(wh, results, verdicts, tickId, nowMs);
    if (Object.keys(newMarks).length) await writeWatermarks(wh, newMarks, nowMs);
  })();
  // The budgets' arithmetic waits until the verdict writes are on their way, and runs while the
  // warehouse carries them out, instead of holding them back.
  const budgetsDone = budgetDeps
    ? new Promise<void>((r) => setImmediate(r)).then(() => runBudgetStep(budgetDeps, evidence, nowMs, budgetContext))
    : null;
  const [budgets] = await Promise.all([
    budgetsDone,
    cacheSlowRuns(
      wh,
      evidence.filter((ev) => slowPending.has(ev.deployment.deploymentId)),
      nowMs,
    ),
    recorded,
  ]);
  // The rollback step reads its work only when there can be some: a verdict turned FAILED now,
  // the previous tick left a rollback open, ticks were missed, or the periodic sweep is due.
  const rollbackDue =
    changed.some((c) => c.to === 'FAILED') ||
    marks.get('rollback_open') === 1 ||
    nowMs - lastTickMs > TICK_GAP_MS ||
    periodic;
  const rollbacks =
    deps.rollback && rollbackDue ? await runRollbackStep({ wh, ws, ...deps.rollback }, tickId, nowMs) : null;
  deps.onDecided?.();

  const counts: Record<string, number> = {};
  const judged = new Map(verdicts.map((v) => [v.deploymentId, v.state]));
  for (const a of active) {
    const state = judged.get(a.deployment.deploymentId) ?? a.verdictState ?? 'VERIFYING';
    counts[state] = (counts[state] ?? 0) + 1;
  }
  const summary: TickSummary = {
    tickId,
    nowMs,
    deployments: active.length,
    judged: due.length,
    verdicts: counts,
    newRuns,
    statements: wh.stats.statements - stmt0 + 1,
    historyReads: wh.stats.historyReads - hist0,
    restCalls: ws.stats.calls - rest0,
    errors,
    durationMs: wallClock() - started,
    changed,
    rollbacks,
    budgets,
  };
  const rollbackOpen =
    rollbacks !== null &&
    (rollbacks.errors.length > 0 ||
      rollbacks.decided.some((d) => d.state === 'REQUESTED') ||
      rollbacks.executed.some((e) => !TERMINAL.has(e.result)));
  await wh.execute('tick/insert_tick', {}, tickRows(summary, runsWatermark, eventLogWatermark, rollbackOpen));
  return summary;
}
