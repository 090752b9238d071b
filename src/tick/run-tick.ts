// One tick: discover -> gather -> judge -> decide -> apply. The core in the middle is pure;
// everything around it goes through the Warehouse and Workspace ports.

import { auditVerdictChanges } from '../audit/verdict-changes.js';
import type { SloPolicy } from '../budget/slo-policy.js';
import { judgeDeployment } from '../checks/judge.js';
import type { DeploymentEvidence, SubjectEvidence } from '../checks/evidence.js';
import { slaSecondsFor, type Policy } from '../checks/policy.js';
import type { PolicySet } from '../config/policy-file.js';
import { decideVerdict } from '../checks/verdict.js';
import type { BacklogSample, CheckResult, MeasurementError, RunRecord, TableWrite, Verdict } from '../types.js';
import type { Warehouse } from '../warehouse/port.js';
import type { Workspace } from '../workspace/port.js';
import { tickRows, writeResults, writeWatermarks } from './apply.js';
import { backlogOf, expectationsOf, type FlowCommit } from './flow-metrics.js';
import { runBudgetStep, type BudgetTickSummary } from './budgets.js';
import { runRollbackStep, type RollbackDeps, type RollbackTickSummary } from './decide-rollbacks.js';
import { discover, type ActiveDeployment } from './discover.js';
import { commitRows, listNewRuns, observedRunRows, pipelineTargetRows, readLineage, readPipelineEvents, readRuns, readTableWrites, subjectOf, type LineageIndex } from './gather.js';

/** Rollback outcomes after which a ledger row needs no further tick. */
const TERMINAL: ReadonlySet<string> = new Set(['SUCCEEDED', 'FAILED', 'BLOCKED', 'CANCELLED']);

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;
/**
 * Even with no new evidence a deployment is judged again once per this period, to take in the
 * slow plane. The periods are aligned to the clock so that every such deployment is judged in the
 * same tick: a set-based tick costs about the same for one deployment as for fifty.
 */
const REJUDGE_MS = 15 * MINUTE;
/** A tick row older than this before the current tick means ticks were missed (or one crashed). */
const TICK_GAP_MS = 90_000;
/** How far back expectation and backlog baselines reach: enough runs for their tests (spec §5: k >= 5). */
const RULES_BASELINE_MS = 14 * DAY;

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

export async function runTick(deps: TickDeps, nowMs: number, wallClock: () => number = Date.now): Promise<TickSummary> {
  const started = wallClock();
  const { wh, ws, policy } = deps;
  const stmt0 = wh.stats.statements;
  const hist0 = wh.stats.historyReads;
  const rest0 = ws.stats.calls;
  const tickId = `tick-${nowMs}`;
  const errors: MeasurementError[] = [];

  const marks = new Map((await wh.query('tick/watermarks')).map((r) => [String(r.name), Number(r.value_ms)]));
  const lastTickMs = marks.get('last_tick_ms') ?? nowMs - 6 * HOUR;
  // Marks that only change when a pipeline is first followed; the rolling ones ride on the tick row.
  const newMarks: Record<string, number> = {};
  const { active, errors: discoverErrors } = await discover(wh, nowMs, (policy.window.maxHours + 24) * HOUR);
  errors.push(...discoverErrors);

  // Subjects with new fast-plane evidence since the last tick: only they (plus deployments that
  // are new, due a time-based re-check, or due their periodic re-judgement) are judged again.
  const touched = new Set<string>();
  // A run that only started brings no evidence, except against an SLA its resource is held to.
  const underSla = new Set(
    active.flatMap((a) => {
      const own = deps.policies?.forBundle(a.deployment.bundle) ?? policy;
      return a.deployment.resources.filter((r) => slaSecondsFor(own, r, r.key) !== null).map((r) => r.id);
    }),
  );
  const evidenceOf = (r: RunRecord) => (r.endMs !== null && r.endMs > recentMs) || underSla.has(r.subjectId);
  const recentMs = lastTickMs - MINUTE;
  const runRows: RunRecord[] = [];
  let newRuns = 0;
  let runsWatermark = marks.get('jobs_runs_from_ms') ?? nowMs - 6 * HOUR;
  let eventLogWatermark = marks.get('event_log_from_ms') ?? null;
  try {
    const listed = await listNewRuns(ws, runsWatermark, nowMs);
    const changed = listed.runs.filter((r) => r.startMs > recentMs || (r.endMs !== null && r.endMs > recentMs));
    runRows.push(...changed);
    for (const r of changed) if (evidenceOf(r)) touched.add(r.subjectId);
    newRuns = listed.runs.filter((r) => r.endMs !== null && r.endMs > lastTickMs).length;
    runsWatermark = Math.max(runsWatermark, listed.nextWatermarkMs);
  } catch (e) {
    errors.push({ kind: 'runs', subject: 'workspace', message: `jobs/runs/list failed: ${(e as Error).message}` });
  }

  // Followed pipelines (seen before, targets known) are read from the event-log watermark.
  const followed = [...marks.keys()].filter((k) => k.startsWith('event_log:')).map((k) => k.slice('event_log:'.length));
  const commits: FlowCommit[] = [];
  try {
    const eventsFrom = (marks.get('event_log_from_ms') ?? lastTickMs) - 10 * MINUTE;
    const pe = await readPipelineEvents(wh, followed, eventsFrom);
    const fresh = pe.runs.filter((r) => r.startMs > recentMs || (r.endMs !== null && r.endMs > recentMs));
    if (fresh.length || pe.writes.some((w) => w.timestampMs > recentMs)) {
      runRows.push(...pe.runs);
      commits.push(...pe.writes);
      for (const r of fresh) if (evidenceOf(r)) touched.add(r.subjectId);
      for (const w of pe.writes) if (w.timestampMs > recentMs) touched.add(w.subjectId);
    }
    eventLogWatermark = nowMs;
  } catch (e) {
    for (const id of followed) errors.push({ kind: 'runs', subject: `pipeline:${id}`, message: `pipeline event log unavailable: ${(e as Error).message}` });
  }
  if (runRows.length) await wh.execute('tick/merge_observed_runs', {}, observedRunRows(runRows, nowMs));

  const due = active.filter(
    (a) =>
      a.verdictState === null ||
      a.supersededAtMs !== null ||
      a.judgedAtMs === null ||
      Math.floor(nowMs / REJUDGE_MS) > Math.floor(a.judgedAtMs / REJUDGE_MS) ||
      (a.recheckAtMs !== null && a.recheckAtMs <= nowMs) ||
      a.deployment.resources.some((r) => touched.has(r.id)),
  );
  const finishedSince = new Set(runRows.filter((r) => r.endMs !== null && r.endMs > lastTickMs).map((r) => r.subjectId));
  // New flow commits are merged together with the history read for the judged deployments.
  const evidence = due.length ? await gatherEvidence(wh, due, nowMs, lastTickMs, finishedSince, marks, newMarks, policy, errors, commits) : [];
  if (!due.length && commits.length) await wh.execute('tick/merge_table_commits', {}, commitRows(commits, 'STREAMING UPDATE', nowMs));

  const results: Array<{ deploymentId: string; result: CheckResult }> = [];
  const verdicts: Verdict[] = [];
  const changed: Array<{ deploymentId: string; from: string | null; to: string }> = [];
  for (const [i, ev] of evidence.entries()) {
    const own = deps.policies ? deps.policies.forBundle(ev.deployment.bundle) : policy;
    const judged = deps.policies ? { ...ev, deployment: { ...ev.deployment, expectedChanges: deps.policies.expectedChanges(ev.deployment) } } : ev;
    const rs = judgeDeployment(judged, own, nowMs);
    const v = decideVerdict(judged, rs, own, nowMs);
    for (const r of rs) results.push({ deploymentId: ev.deployment.deploymentId, result: r });
    verdicts.push(v);
    if (due[i]!.verdictState !== v.state) changed.push({ deploymentId: v.deploymentId, from: due[i]!.verdictState, to: v.state });
  }
  await auditVerdictChanges(wh, changed, verdicts, nowMs);
  await writeResults(wh, results, verdicts, tickId, nowMs);
  if (Object.keys(newMarks).length) await writeWatermarks(wh, newMarks, nowMs);
  const budgets = deps.slos ? await runBudgetStep({ wh, slos: deps.slos }, evidence, nowMs) : null;
  // The rollback step reads its work only when there can be some: a verdict turned FAILED now,
  // the previous tick left a rollback open, ticks were missed, or the periodic sweep is due.
  const rollbackDue =
    changed.some((c) => c.to === 'FAILED') ||
    marks.get('rollback_open') === 1 ||
    nowMs - lastTickMs > TICK_GAP_MS ||
    Math.floor(nowMs / REJUDGE_MS) > Math.floor(lastTickMs / REJUDGE_MS);
  const rollbacks = deps.rollback && rollbackDue ? await runRollbackStep({ wh, ws, ...deps.rollback }, tickId, nowMs) : null;

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
  const rollbackOpen = rollbacks !== null && (rollbacks.errors.length > 0 || rollbacks.decided.some((d) => d.state === 'REQUESTED') || rollbacks.executed.some((e) => !TERMINAL.has(e.result)));
  await wh.execute('tick/merge_tick', {}, tickRows(summary, runsWatermark, eventLogWatermark, rollbackOpen));
  return summary;
}

export async function gatherEvidence(
  wh: Warehouse,
  active: readonly ActiveDeployment[],
  nowMs: number,
  lastTickMs: number,
  finishedSince: ReadonlySet<string>,
  marks: ReadonlyMap<string, number>,
  newMarks: Record<string, number>,
  policy: Policy,
  errors: MeasurementError[],
  pendingCommits: readonly FlowCommit[] = [],
): Promise<DeploymentEvidence[]> {
  const ids = [...new Set(active.flatMap((a) => a.deployment.resources.map((r) => r.id)))];
  const sinceMs = Math.min(...active.map((a) => a.deployment.finishedMs)) - policy.baselineDays * DAY;

  let lineage: LineageIndex = { sources: new Map(), targets: new Map(), types: new Map() };
  try {
    lineage = await readLineage(wh, ids, nowMs - 7 * DAY);
  } catch (e) {
    errors.push({ kind: 'lineage', subject: 'lineage', message: `table lineage unavailable: ${(e as Error).message}` });
  }
  const watched = new Set(ids);
  // Any resource reading a source of a judged deployment can be a peer of it, including one under
  // verification for a deploy of its own; only the deployment's own resources are excluded.
  const peerIds = [...lineage.sources.keys()];

  const pipelineTargets = new Map<string, string[]>();
  for (const id of [...ids, ...peerIds]) {
    if (lineage.types.get(id) === 'pipeline' || active.some((a) => a.deployment.resources.some((r) => r.id === id && r.type === 'pipeline'))) {
      pipelineTargets.set(id, [...(lineage.targets.get(id) ?? [])]);
    }
  }
  // A pipeline seen for the first time is followed from now on: its targets are recorded and its
  // event log is read back to the baseline once; after that every tick reads it from the watermark.
  const unfollowed = new Map([...pipelineTargets].filter(([id, ts]) => !marks.has(`event_log:${id}`) && ts.length > 0));
  if (unfollowed.size > 0) {
    try {
      await wh.execute('tick/merge_pipeline_targets', {}, pipelineTargetRows(unfollowed, nowMs));
      const pe = await readPipelineEvents(wh, unfollowed.keys(), sinceMs);
      if (pe.runs.length) await wh.execute('tick/merge_observed_runs', {}, observedRunRows(pe.runs, nowMs));
      if (pe.writes.length) await wh.execute('tick/merge_table_commits', {}, commitRows(pe.writes, 'STREAMING UPDATE', nowMs));
      for (const id of unfollowed.keys()) newMarks[`event_log:${id}`] = nowMs;
    } catch (e) {
      for (const id of unfollowed.keys()) errors.push({ kind: 'runs', subject: `pipeline:${id}`, message: `pipeline event log unavailable: ${(e as Error).message}` });
    }
  }

  let runs: RunRecord[] = [];
  let runsError: string | null = null;
  try {
    runs = await readRuns(wh, ids, sinceMs);
  } catch (e) {
    runsError = (e as Error).message;
  }

  // Job-written tables: read history only where a post-deploy run finished since the last tick.
  const jobTables = new Map<string, string>();
  const mustRead = new Set<string>();
  for (const a of active) {
    for (const ref of a.deployment.resources) {
      if (ref.type !== 'job') continue;
      const finishedSince = runs.some((r) => r.subjectId === ref.id && r.endMs !== null && r.endMs > lastTickMs && r.startMs >= a.deployment.finishedMs);
      for (const t of lineage.targets.get(ref.id) ?? []) {
        jobTables.set(t, ref.id);
        if (finishedSince) mustRead.add(t);
      }
    }
  }
  const pipelineTables = new Map<string, string>();
  for (const [id, ts] of pipelineTargets) for (const t of ts) if (watched.has(id)) pipelineTables.set(t, id);
  const metricsSinceMs = Math.min(...active.map((a) => a.deployment.finishedMs)) - RULES_BASELINE_MS;
  const hist = await readTableWrites(wh, new Map([...jobTables, ...pipelineTables]), mustRead, sinceMs, nowMs, new Set(pipelineTables.keys()), pendingCommits, metricsSinceMs);
  const writes: FlowCommit[] = hist.writes;
  errors.push(...hist.errors);

  let peerWrites: TableWrite[] | null = null;
  const build = (a: ActiveDeployment, peers: TableWrite[] | null): DeploymentEvidence => {
    const subjects: SubjectEvidence[] = a.deployment.resources.map((ref) => {
      const subject = subjectOf(ref, lineage);
      const own = writes.filter((w) => subject.targetTables.includes(w.table));
      // Rule and backlog baselines need the recent runs, not the whole row-count baseline.
      const recent = own.filter((w) => w.timestampMs >= a.deployment.finishedMs - RULES_BASELINE_MS);
      return {
        subject,
        runs: runs.filter((r) => r.subjectId === ref.id),
        writes: own,
        expectations: recent.flatMap(expectationsOf),
        backlog: recent.map(backlogOf).filter((b): b is BacklogSample => b !== null),
      };
    });
    const sources = new Set(subjects.flatMap((s) => s.subject.sourceTables));
    const own = new Set(a.deployment.resources.map((r) => r.id));
    const peerSubjects: SubjectEvidence[] = peers === null ? [] : peerIds
      .filter((p) => !own.has(p) && [...(lineage.sources.get(p) ?? [])].some((s) => sources.has(s)))
      .map((p) => {
        const subject = subjectOf({ type: lineage.types.get(p) ?? 'job', id: p, key: `${lineage.types.get(p) ?? 'job'}:${p}` }, lineage);
        return { subject, runs: [], writes: peers.filter((w) => subject.targetTables.includes(w.table)), expectations: [], backlog: [] };
      });
    const subjectErrors = runsError ? subjects.map((s) => ({ kind: 'runs', subject: `${s.subject.type}:${s.subject.id}`, message: runsError! })) : [];
    return { deployment: a.deployment, supersededAtMs: a.supersededAtMs, subjects, peers: peerSubjects, errors: [...errors.filter((e) => e.kind === 'writes' || e.kind === 'runs'), ...subjectErrors] };
  };

  let evidence = active.map((a) => build(a, null));
  // The control group is read only when a volume anomaly needs it: peers' pipeline evidence is
  // already in hand; job peers cost one history read per table, so they wait for a reason.
  // Only a failure can roll back; a warning is re-judged with its peers once it becomes one.
  const anomalous = evidence.filter((ev) => judgeDeployment(ev, policy, nowMs).some((r) => r.check === 'row_count' && r.status === 'FAIL'));
  if (anomalous.length > 0) {
    const wanted = new Set(anomalous.flatMap((ev) => ev.subjects.flatMap((s) => s.subject.sourceTables)));
    const peerJobTables = new Map<string, string>();
    for (const p of peerIds) {
      if (lineage.types.get(p) !== 'job' || ![...(lineage.sources.get(p) ?? [])].some((s) => wanted.has(s))) continue;
      for (const t of lineage.targets.get(p) ?? []) if (!jobTables.has(t)) peerJobTables.set(t, p);
    }
    const peerFresh = new Set([...peerJobTables].filter(([, p]) => finishedSince.has(p)).map(([t]) => t));
    const peerPipelineTables = new Map<string, string>();
    for (const [id, ts] of pipelineTargets) for (const t of ts) if (!watched.has(id)) peerPipelineTables.set(t, id);
    const peerHist = await readTableWrites(wh, new Map([...peerJobTables, ...peerPipelineTables]), peerFresh, sinceMs, nowMs, new Set(peerPipelineTables.keys()));
    peerWrites = writes.concat(peerHist.writes);
    const anomalousIds = new Set(anomalous.map((ev) => ev.deployment.deploymentId));
    evidence = active.map((a, i) => (anomalousIds.has(a.deployment.deploymentId) ? build(a, peerWrites) : evidence[i]!));
  }
  return evidence;
}
