// One tick: discover -> gather -> judge -> decide -> apply. The core in the middle is pure;
// everything around it goes through the Warehouse and Workspace ports.

import { auditVerdictChanges } from '../audit/verdict-changes.js';
import type { SloPolicy } from '../budget/slo-policy.js';
import { judgeDeployment } from '../checks/judge.js';
import type { DeploymentEvidence, SubjectEvidence } from '../checks/evidence.js';
import type { Policy } from '../checks/policy.js';
import { decideVerdict } from '../checks/verdict.js';
import type { CheckResult, MeasurementError, RunRecord, TableWrite, Verdict } from '../types.js';
import type { Warehouse } from '../warehouse/port.js';
import type { Workspace } from '../workspace/port.js';
import { writeResults, writeWatermarks } from './apply.js';
import { runBudgetStep, type BudgetTickSummary } from './budgets.js';
import { runRollbackStep, type RollbackDeps, type RollbackTickSummary } from './decide-rollbacks.js';
import { discover, type ActiveDeployment } from './discover.js';
import { commitRows, listNewRuns, observedRunRows, readLineage, readPipelineEvents, readRuns, readTableWrites, subjectOf, type LineageIndex } from './gather.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

export interface TickDeps {
  readonly wh: Warehouse;
  readonly ws: Workspace;
  readonly policy: Policy;
  /** Rollback policy and CI dispatcher; without it the tick decides no rollbacks. */
  readonly rollback?: Omit<RollbackDeps, 'wh' | 'ws'>;
  /** SLOs for error budgets; without them the tick keeps no budgets. */
  readonly slos?: SloPolicy;
}

export interface TickSummary {
  readonly tickId: string;
  readonly nowMs: number;
  readonly deployments: number;
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
  const { active, errors: discoverErrors } = await discover(wh, nowMs, (policy.window.maxHours + 24) * HOUR);
  errors.push(...discoverErrors);

  // Fast plane first: runs started since the watermark, on one paged listing.
  let newRuns = 0;
  const finishedSince = new Set<string>();
  let runsWatermark = marks.get('jobs_runs_from_ms') ?? nowMs - 6 * HOUR;
  try {
    const listed = await listNewRuns(ws, runsWatermark, nowMs);
    // Runs that were already over at the last completed tick were merged then.
    const changedRuns = listed.runs.filter((r) => r.endMs === null || r.endMs > lastTickMs - 60_000);
    if (changedRuns.length) await wh.execute('tick/merge_observed_runs', {}, observedRunRows(changedRuns, nowMs));
    const fresh = listed.runs.filter((r) => r.endMs !== null && r.endMs > lastTickMs);
    newRuns = fresh.length;
    for (const r of fresh) finishedSince.add(r.subjectId);
    runsWatermark = Math.max(runsWatermark, listed.nextWatermarkMs);
  } catch (e) {
    errors.push({ kind: 'runs', subject: 'workspace', message: `jobs/runs/list failed: ${(e as Error).message}` });
  }

  const newMarks: Record<string, number> = { last_tick_ms: nowMs };
  const evidence = active.length ? await gatherEvidence(wh, active, nowMs, lastTickMs, finishedSince, marks, newMarks, policy, errors) : [];

  const results: Array<{ deploymentId: string; result: CheckResult }> = [];
  const verdicts: Verdict[] = [];
  const changed: Array<{ deploymentId: string; from: string | null; to: string }> = [];
  for (const [i, ev] of evidence.entries()) {
    const rs = judgeDeployment(ev, policy, nowMs);
    const v = decideVerdict(ev, rs, policy, nowMs);
    for (const r of rs) results.push({ deploymentId: ev.deployment.deploymentId, result: r });
    verdicts.push(v);
    if (active[i]!.verdictState !== v.state) changed.push({ deploymentId: v.deploymentId, from: active[i]!.verdictState, to: v.state });
  }
  await auditVerdictChanges(wh, changed, verdicts, nowMs);
  await writeResults(wh, results, verdicts, tickId, nowMs);
  newMarks.jobs_runs_from_ms = runsWatermark;
  await writeWatermarks(wh, newMarks, nowMs);
  const budgets = deps.slos ? await runBudgetStep({ wh, slos: deps.slos }, evidence, nowMs) : null;
  const rollbacks = deps.rollback ? await runRollbackStep({ wh, ws, ...deps.rollback }, tickId, nowMs) : null;

  const counts: Record<string, number> = {};
  for (const v of verdicts) counts[v.state] = (counts[v.state] ?? 0) + 1;
  const summary: TickSummary = {
    tickId,
    nowMs,
    deployments: active.length,
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
  await wh.execute('tick/merge_tick', {}, {
    columns: [
      { name: 'tick_id', type: 'STRING' },
      { name: 'started_at', type: 'TIMESTAMP' },
      { name: 'duration_ms', type: 'DOUBLE' },
      { name: 'statements', type: 'BIGINT' },
      { name: 'history_reads', type: 'BIGINT' },
      { name: 'rest_calls', type: 'BIGINT' },
      { name: 'deployments_seen', type: 'BIGINT' },
      { name: 'new_runs', type: 'BIGINT' },
      { name: 'errors', type: 'BIGINT' },
      { name: 'summary', type: 'STRING' },
    ],
    rows: [[tickId, nowMs, summary.durationMs, summary.statements, summary.historyReads, summary.restCalls, summary.deployments, newRuns, errors.length, JSON.stringify(counts)]],
  });
  return summary;
}

async function gatherEvidence(
  wh: Warehouse,
  active: readonly ActiveDeployment[],
  nowMs: number,
  lastTickMs: number,
  finishedSince: ReadonlySet<string>,
  marks: ReadonlyMap<string, number>,
  newMarks: Record<string, number>,
  policy: Policy,
  errors: MeasurementError[],
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
  const touchedRecently = new Set(active.flatMap((a) => a.deployment.resources.map((r) => r.id)));
  const peerIds = [...lineage.sources.keys()].filter((id) => !watched.has(id) && !touchedRecently.has(id));

  let runs: RunRecord[] = [];
  let runsError: string | null = null;
  try {
    runs = await readRuns(wh, ids, sinceMs);
  } catch (e) {
    runsError = (e as Error).message;
  }

  const pipelineTargets = new Map<string, string[]>();
  for (const id of [...ids, ...peerIds]) {
    if (lineage.types.get(id) === 'pipeline' || active.some((a) => a.deployment.resources.some((r) => r.id === id && r.type === 'pipeline'))) {
      pipelineTargets.set(id, [...(lineage.targets.get(id) ?? [])]);
    }
  }
  // Pipeline evidence is cached like job runs and commits: a pipeline seen for the first time is
  // read back to its baseline, the rest only since the last tick's event-log watermark.
  const pipelineRuns: RunRecord[] = [];
  try {
    const fresh = new Map([...pipelineTargets].filter(([id]) => !marks.has(`event_log:${id}`)));
    const known = new Map([...pipelineTargets].filter(([id]) => marks.has(`event_log:${id}`)));
    const reads: Array<[Map<string, string[]>, number]> = [
      [fresh, sinceMs],
      [known, (marks.get('event_log_from_ms') ?? lastTickMs) - 10 * 60_000],
    ];
    for (const [targets, from] of reads) {
      if (targets.size === 0) continue;
      const pe = await readPipelineEvents(wh, targets, from);
      pipelineRuns.push(...pe.runs);
      if (pe.runs.length) await wh.execute('tick/merge_observed_runs', {}, observedRunRows(pe.runs, nowMs));
      if (pe.writes.length) await wh.execute('tick/merge_table_commits', {}, commitRows(pe.writes, 'STREAMING UPDATE', nowMs));
    }
    for (const id of fresh.keys()) newMarks[`event_log:${id}`] = nowMs;
    newMarks.event_log_from_ms = nowMs;
  } catch (e) {
    for (const id of pipelineTargets.keys()) errors.push({ kind: 'runs', subject: `pipeline:${id}`, message: `pipeline event log unavailable: ${(e as Error).message}` });
  }
  runs = mergeRuns(runs, pipelineRuns);

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
  const hist = await readTableWrites(wh, new Map([...jobTables, ...pipelineTables]), mustRead, sinceMs, nowMs, new Set(pipelineTables.keys()));
  let writes: TableWrite[] = hist.writes;
  errors.push(...hist.errors);

  let peerWrites: TableWrite[] | null = null;
  const build = (a: ActiveDeployment, peers: TableWrite[] | null): DeploymentEvidence => {
    const subjects: SubjectEvidence[] = a.deployment.resources.map((ref) => {
      const subject = subjectOf(ref, lineage);
      return { subject, runs: runs.filter((r) => r.subjectId === ref.id), writes: writes.filter((w) => subject.targetTables.includes(w.table)), expectations: [], backlog: [] };
    });
    const sources = new Set(subjects.flatMap((s) => s.subject.sourceTables));
    const peerSubjects: SubjectEvidence[] = peers === null ? [] : peerIds
      .filter((p) => [...(lineage.sources.get(p) ?? [])].some((s) => sources.has(s)))
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
  const anomalous = evidence.filter((ev) => judgeDeployment(ev, policy, nowMs).some((r) => r.check === 'row_count' && (r.status === 'FAIL' || r.status === 'WARN')));
  if (anomalous.length > 0) {
    const wanted = new Set(anomalous.flatMap((ev) => ev.subjects.flatMap((s) => s.subject.sourceTables)));
    const peerJobTables = new Map<string, string>();
    for (const p of peerIds) {
      if (lineage.types.get(p) !== 'job' || ![...(lineage.sources.get(p) ?? [])].some((s) => wanted.has(s))) continue;
      for (const t of lineage.targets.get(p) ?? []) peerJobTables.set(t, p);
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

function mergeRuns(a: readonly RunRecord[], b: readonly RunRecord[]): RunRecord[] {
  const byId = new Map(a.map((r) => [r.runId, r]));
  for (const r of b) {
    const prev = byId.get(r.runId);
    if (!prev || prev.plane === 'slow' || (prev.result === 'RUNNING' && r.result !== 'RUNNING')) byId.set(r.runId, r);
  }
  return [...byId.values()];
}
