// The error budget's watch over live versions: a deployment whose verdict is final is judged by no
// check any more, yet it stays the live version, and its runs keep spending its subjects' budgets.
// When this tick lists a bad run of such a subject, one statement reads the live deployment and the
// subject's recent runs from the run cache, and the burn rules decide whether to roll it back.

import { assessDiscrete } from '../budget/assess.js';
import type { BurnTrigger } from '../budget/burn-rollback.js';
import { countEvents, runEvents } from '../budget/events.js';
import { type SloPolicy, slosFor } from '../budget/slo-policy.js';
import type { DeploymentEvidence } from '../checks/evidence.js';
import type { FailureCause, RunRecord, RunResult } from '../types.js';
import type { Row, RowBatch, Warehouse } from '../warehouse/port.js';
import { type BurnProbe, burnTriggers } from './burn-triggers.js';

const HOUR = 3_600_000;
/** The runs read: what the 3-day window that tells dense from sparse events holds, and the 6 h before it. */
const RUNS_LOOKBACK_MS = 78 * HOUR;

export interface LiveBurn {
  readonly burn: BurnTrigger;
  /** The deployment's verdict before the burn fails it. */
  readonly from: string;
}

/** Subjects with a bad run (user-caused, finished) listed this tick and no deployment judged this tick. */
export function liveWatchSubjects(runs: readonly RunRecord[], judged: readonly DeploymentEvidence[]): string[] {
  const covered = new Set(judged.flatMap((ev) => ev.subjects.map((s) => s.subject.id)));
  const bad = runs.filter(
    (r) => r.endMs !== null && (r.result === 'FAILED' || r.result === 'TIMED_OUT') && r.cause !== 'infrastructure',
  );
  return [...new Set(bad.map((r) => r.subjectId))].filter((id) => !covered.has(id)).sort();
}

export function liveSubjectRows(ids: readonly string[]): RowBatch {
  return { columns: [{ name: 'id', type: 'STRING' }], rows: ids.map((id) => [id]) };
}

export async function readLiveBurns(
  wh: Warehouse,
  slos: SloPolicy,
  subjectIds: readonly string[],
  candidateHours: number,
  nowMs: number,
): Promise<LiveBurn[]> {
  if (!subjectIds.length) return [];
  const rows = await wh.query(
    'budget/live_runs',
    { since_ms: nowMs - candidateHours * HOUR, runs_since_ms: nowMs - RUNS_LOOKBACK_MS, now_ms: nowMs },
    liveSubjectRows(subjectIds),
  );
  return liveBurns(rows, slos, nowMs);
}

/** The burns in live_runs' rows. Pure. */
export function liveBurns(rows: readonly Row[], slos: SloPolicy, nowMs: number): LiveBurn[] {
  const bySubject = new Map<string, Row[]>();
  for (const r of rows) {
    const k = String(r.subject_id);
    (bySubject.get(k) ?? bySubject.set(k, []).get(k)!).push(r);
  }
  const probes: BurnProbe[] = [];
  const states = new Map<string, string>();
  for (const [subjectId, rs] of bySubject) {
    const head = rs[0]!;
    const deploymentId = String(head.deployment_id);
    const fromMs = Number(head.finished_ms);
    states.set(deploymentId, String(head.verdict_state));
    const events = runEvents(rs.map(runOf), [{ deploymentId, fromMs }]);
    const policy = slosFor(slos, { id: subjectId, name: subjectId, bundle: String(head.bundle), tags: {} });
    const assessment = assessDiscrete({
      subject: `${kindOf(head, subjectId)}:${subjectId}`,
      slo: 'run_success',
      target: policy.runSuccess.target,
      events,
      nowMs,
      periodMs: RUNS_LOOKBACK_MS,
      sparseBelowPerHour: slos.sparseBelowPerHour,
    });
    if (!assessment) continue;
    const own = events.filter((e) => e.deploymentId !== 'platform');
    probes.push({
      assessment,
      count: (f, t) => countEvents(own, f, t),
      events,
      live: { deploymentId, fromMs, resources: String(head.resources) },
      target: String(head.target),
      subjectId,
      policy: policy.runSuccess.rollbackOnBurn,
    });
  }
  return burnTriggers(probes, nowMs).map((burn) => ({ burn, from: states.get(burn.deploymentId) ?? 'HEALTHY' }));
}

function runOf(r: Row): RunRecord {
  return {
    subjectId: String(r.subject_id),
    runId: String(r.run_id),
    startMs: Number(r.start_ms),
    endMs: Number(r.end_ms),
    result: String(r.result) as RunResult,
    rawResult: null,
    cause: String(r.cause ?? 'unknown') as FailureCause,
    failedTasks: [],
    plane: 'fast',
  };
}

/** The subject's resource type as the deployment lists it. */
function kindOf(r: Row, subjectId: string): 'job' | 'pipeline' {
  try {
    const list = JSON.parse(String(r.resources)) as Array<{ type?: string; id?: string }>;
    return list.find((x) => x.id === subjectId)?.type === 'pipeline' ? 'pipeline' : 'job';
  } catch {
    return 'job';
  }
}
