// Evidence for the deployments judged this tick, gathered set-based: lineage, runs and table
// writes each read once for all of them, then handed out per deployment. The control group is
// read only for deployments whose own evidence already fails a volume check.

import { baselineHorizons } from '../checks/baseline-window.js';
import type { DeploymentEvidence, SubjectEvidence } from '../checks/evidence.js';
import type { Policy } from '../checks/policy.js';
import type { BacklogSample, CheckResult, MeasurementError, RunRecord, TableWrite } from '../types.js';
import type { Warehouse } from '../warehouse/port.js';
import { readDbtTests } from './dbt-tests.js';
import type { ActiveDeployment } from './discover.js';
import { backlogOf, expectationsOf, type FlowCommit } from './flow-metrics.js';
import {
  commitRows,
  type LineageIndex,
  observedRunRows,
  pipelineTargetRows,
  readLineage,
  readPipelineEvents,
  readRuns,
  readTableWrites,
  subjectOf,
} from './gather.js';

const DAY = 86_400_000;
/** How far back expectation and backlog baselines reach: enough runs for their tests (spec §5: k >= 5). */
export const RULES_BASELINE_MS = 14 * DAY;

export interface JudgedEvidence {
  readonly evidence: DeploymentEvidence;
  readonly results: readonly CheckResult[];
}

export interface GatherInput {
  readonly active: readonly ActiveDeployment[];
  readonly nowMs: number;
  /** Subjects with a run that finished since the last tick. */
  readonly finishedSince: ReadonlySet<string>;
  readonly marks: ReadonlyMap<string, number>;
  /** Watermarks this gathering sets (pipelines followed for the first time). */
  readonly newMarks: Record<string, number>;
  /** Baseline days and window. */
  readonly policy: Policy;
  readonly errors: MeasurementError[];
  /** Flow commits read this tick and not merged yet. */
  readonly pendingCommits?: readonly FlowCommit[];
  /** The tick's own write to the run cache, still in flight: the runs are read once it is in. */
  readonly runsCached?: Promise<unknown>;
  /** The checks as the deployment's own policy runs them; each deployment is judged once here. */
  readonly judge: (ev: DeploymentEvidence) => readonly CheckResult[];
}

function groupBy<T>(items: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const x of items) {
    const k = key(x);
    const list = out.get(k);
    if (list) list.push(x);
    else out.set(k, [x]);
  }
  return out;
}

export async function gatherEvidence(wh: Warehouse, input: GatherInput): Promise<JudgedEvidence[]> {
  const { active, nowMs, finishedSince, marks, newMarks, policy, errors, judge } = input;
  const ids = [...new Set(active.flatMap((a) => a.deployment.resources.map((r) => r.id)))];
  const since = baselineHorizons(Math.min(...active.map((a) => a.deployment.finishedMs)), policy);

  // Runs are read alongside lineage, and the cached table commits alongside the runs once lineage
  // says which tables; only a pipeline followed for the first time below (its past runs merged
  // into the fast-plane cache) makes the runs be read again.
  const runsCached = input.runsCached ?? Promise.resolve();
  const runsRead = runsCached.then(() => readRuns(wh, ids, since));
  runsRead.catch(() => undefined);
  const metricsSinceMs = Math.min(...active.map((a) => a.deployment.finishedMs)) - RULES_BASELINE_MS;
  // dbt test results are read alongside the runs, for the jobs not recorded as running no dbt; a
  // failed read leaves the jobs' data-quality check unmeasured and nothing else.
  const jobIds = [
    ...new Set(
      active.flatMap((a) => a.deployment.resources.filter((r) => r.type === 'job' && r.dbt !== false).map((r) => r.id)),
    ),
  ];
  const dbtRead = readDbtTests(wh, jobIds, metricsSinceMs).then(
    (records) => ({ records, errors: [] as MeasurementError[] }),
    (e: Error) => ({
      records: [],
      errors: jobIds.map((id) => ({
        kind: 'expectations',
        subject: `job:${id}`,
        message: `dbt test results unavailable: ${e.message}`,
      })),
    }),
  );
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
  const ownPipelines = new Set(
    active.flatMap((a) => a.deployment.resources.filter((r) => r.type === 'pipeline').map((r) => r.id)),
  );

  const pipelineTargets = new Map<string, string[]>();
  for (const id of [...ids, ...peerIds]) {
    if (lineage.types.get(id) === 'pipeline' || ownPipelines.has(id))
      pipelineTargets.set(id, [...(lineage.targets.get(id) ?? [])]);
  }
  // A pipeline seen for the first time is followed from now on: its targets are recorded and its
  // event log is read back to the baseline once; after that every tick reads it from the watermark.
  const unfollowed = new Map([...pipelineTargets].filter(([id, ts]) => !marks.has(`event_log:${id}`) && ts.length > 0));
  let rereadRuns = false;
  if (unfollowed.size > 0) {
    try {
      await wh.execute('tick/merge_pipeline_targets', {}, pipelineTargetRows(unfollowed, nowMs));
      const pe = await readPipelineEvents(wh, unfollowed.keys(), since);
      if (pe.runs.length) {
        // One writer at a time on the run cache: two MERGEs into one table may conflict.
        await runsCached.catch(() => undefined);
        await wh.execute('tick/merge_observed_runs', {}, observedRunRows(pe.runs, nowMs));
        rereadRuns = true;
      }
      if (pe.writes.length)
        await wh.execute('tick/merge_table_commits', {}, commitRows(pe.writes, 'STREAMING UPDATE', nowMs));
      for (const id of unfollowed.keys()) newMarks[`event_log:${id}`] = nowMs;
    } catch (e) {
      for (const id of unfollowed.keys())
        errors.push({
          kind: 'runs',
          subject: `pipeline:${id}`,
          message: `pipeline event log unavailable: ${(e as Error).message}`,
        });
    }
  }

  const runsDone = (async () => {
    try {
      return { runs: rereadRuns ? await readRuns(wh, ids, since) : await runsRead, runsError: null };
    } catch (e) {
      return { runs: [] as RunRecord[], runsError: (e as Error).message };
    }
  })();

  // Job-written tables: history is read again only where a run ended after the table was last read.
  const jobTables = new Map<string, string>();
  const jobs = new Set<string>();
  for (const a of active) {
    for (const ref of a.deployment.resources) {
      if (ref.type !== 'job') continue;
      jobs.add(ref.id);
      for (const t of lineage.targets.get(ref.id) ?? []) jobTables.set(t, ref.id);
    }
  }
  const runEndMs = runsDone.then(({ runs }) => {
    const ends = new Map<string, number>();
    for (const r of runs) {
      if (r.endMs === null || !jobs.has(r.subjectId)) continue;
      for (const t of lineage.targets.get(r.subjectId) ?? []) ends.set(t, Math.max(r.endMs, ends.get(t) ?? -Infinity));
    }
    return ends;
  });
  const pipelineTables = new Map<string, string>();
  for (const [id, ts] of pipelineTargets) for (const t of ts) if (watched.has(id)) pipelineTables.set(t, id);
  const hist = await readTableWrites(
    wh,
    new Map([...jobTables, ...pipelineTables]),
    runEndMs,
    since,
    nowMs,
    new Set(pipelineTables.keys()),
    input.pendingCommits ?? [],
    metricsSinceMs,
  );
  const { runs, runsError } = await runsDone;
  const runsOf = groupBy(runs, (r) => r.subjectId);
  const dbt = await dbtRead;
  const dbtOf = groupBy(dbt.records, (r) => r.subjectId);
  const dbtErrorsOf = groupBy(dbt.errors, (e) => e.subject);
  errors.push(...hist.errors);
  const writesOf = groupBy(hist.writes, (w) => w.table);
  const measurementErrors = errors.filter((e) => e.kind === 'writes' || e.kind === 'runs');

  const build = (
    a: ActiveDeployment,
    peerWritesOf: ReadonlyMap<string, readonly TableWrite[]> | null,
  ): DeploymentEvidence => {
    const subjects: SubjectEvidence[] = a.deployment.resources.map((ref) => {
      const subject = subjectOf(ref, lineage);
      const own = subject.targetTables.flatMap((t) => writesOf.get(t) ?? []);
      // Rule and backlog baselines need the recent runs, not the whole row-count baseline.
      const since = a.deployment.finishedMs - RULES_BASELINE_MS;
      const recent = own.filter((w) => w.timestampMs >= since);
      return {
        subject,
        runs: runsOf.get(ref.id) ?? [],
        writes: own,
        expectations: [
          ...recent.flatMap(expectationsOf),
          ...(dbtOf.get(ref.id) ?? []).filter((t) => t.timestampMs >= since),
        ],
        backlog: recent.map(backlogOf).filter((b): b is BacklogSample => b !== null),
      };
    });
    const sources = new Set(subjects.flatMap((s) => s.subject.sourceTables));
    const own = new Set(a.deployment.resources.map((r) => r.id));
    const peerSubjects: SubjectEvidence[] =
      peerWritesOf === null
        ? []
        : peerIds
            .filter((p) => !own.has(p) && [...(lineage.sources.get(p) ?? [])].some((s) => sources.has(s)))
            .map((p) => {
              const subject = subjectOf(
                { type: lineage.types.get(p) ?? 'job', id: p, key: `${lineage.types.get(p) ?? 'job'}:${p}` },
                lineage,
              );
              return {
                subject,
                runs: [],
                writes: subject.targetTables.flatMap((t) => peerWritesOf.get(t) ?? []),
                expectations: [],
                backlog: [],
              };
            });
    const subjectErrors = runsError
      ? subjects.map((s) => ({ kind: 'runs', subject: `${s.subject.type}:${s.subject.id}`, message: runsError! }))
      : [];
    const testErrors = subjects.flatMap((s) => dbtErrorsOf.get(`${s.subject.type}:${s.subject.id}`) ?? []);
    const upstreamWrites = peerWritesOf === null ? undefined : [...sources].flatMap((t) => peerWritesOf.get(t) ?? []);
    return {
      deployment: a.deployment,
      supersededAtMs: a.supersededAtMs,
      subjects,
      peers: peerSubjects,
      errors: [...measurementErrors, ...subjectErrors, ...testErrors],
      ...(upstreamWrites ? { upstreamWrites } : {}),
    };
  };

  const judged: JudgedEvidence[] = active.map((a) => {
    const evidence = build(a, null);
    return { evidence, results: judge(evidence) };
  });
  // The control group is read only when a volume anomaly needs it: peers' pipeline evidence is
  // already in hand; job peers cost one history read per table, so they wait for a reason.
  // Only a failure can roll back; a warning is re-judged with its peers once it becomes one.
  const anomalous = new Set(
    judged
      .filter((j) => j.results.some((r) => r.check === 'row_count' && r.status === 'FAIL'))
      .map((j) => j.evidence.deployment.deploymentId),
  );
  if (anomalous.size === 0) return judged;

  const wanted = new Set(
    judged
      .filter((j) => anomalous.has(j.evidence.deployment.deploymentId))
      .flatMap((j) => j.evidence.subjects.flatMap((s) => s.subject.sourceTables)),
  );
  const peerJobTables = new Map<string, string>();
  for (const p of peerIds) {
    if (lineage.types.get(p) !== 'job' || ![...(lineage.sources.get(p) ?? [])].some((s) => wanted.has(s))) continue;
    for (const t of lineage.targets.get(p) ?? []) if (!jobTables.has(t)) peerJobTables.set(t, p);
  }
  // Peers' runs are not read: a peer that finished a run since the last tick is read again.
  const peerFresh = new Map([...peerJobTables].filter(([, p]) => finishedSince.has(p)).map(([t]) => [t, nowMs]));
  const peerPipelineTables = new Map<string, string>();
  for (const [id, ts] of pipelineTargets) for (const t of ts) if (!watched.has(id)) peerPipelineTables.set(t, id);
  // The upstream tables themselves: their history says at once whether the incident is theirs.
  // No run says when they were written, so they are read again when their cadence says a commit
  // is due. Like the peers' reads, they are best effort: a source that is a view has no history.
  const upstreamTables = new Map(
    [...wanted].filter((t) => !jobTables.has(t) && !pipelineTables.has(t)).map((t) => [t, `table:${t}`]),
  );
  const peerHist = await readTableWrites(
    wh,
    new Map([...peerJobTables, ...peerPipelineTables, ...upstreamTables]),
    peerFresh,
    since,
    nowMs,
    new Set(peerPipelineTables.keys()),
    [],
    nowMs + 1,
    new Set(upstreamTables.keys()),
  );
  const peerWritesOf = groupBy([...hist.writes, ...peerHist.writes], (w) => w.table);
  return active.map((a, i) => {
    if (!anomalous.has(a.deployment.deploymentId)) return judged[i]!;
    const evidence = build(a, peerWritesOf);
    return { evidence, results: judge(evidence) };
  });
}
