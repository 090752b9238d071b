// Step 1, discover: the deployments under verification, where the last tick stopped, what is new
// since (runs listed from the workspace, the followed pipelines' event log), and from that which
// deployments are due to be judged this tick.

import type { ChainTail } from '../audit/hash-chain.js';
import { flatHorizon } from '../checks/baseline-window.js';
import { slaSecondsFor } from '../checks/policy.js';
import type { MeasurementError, RunRecord } from '../types.js';
import type { Row } from '../warehouse/port.js';
import { isDue } from './due.js';
import type { FlowCommit } from './flow-metrics.js';
import { LINEAGE_LOOKBACK_MS, readLineageRows } from './lineage.js';
import { type ActiveDeployment, readDeployments, readMarks, type TickMarks } from './open.js';
import { type ReadTable, settled, startReads } from './overlap.js';
import { type PipelineEvidence, pipelineEvidence, readFollowedEvents, readPipelineEvents } from './pipeline-events.js';
import { listNewRuns, readSlowPending } from './runs.js';
import { readStatedSlas, type StatedSlasRead, statedJobIds } from './stated-slas-read.js';
import type { Carried } from './tick-budget.js';
import type { TickDeps } from './types.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;
/**
 * Once per this period the tick asks the slow plane (system tables, hours late) whether it holds a
 * finished post-deploy run the fast plane never recorded, and judges those deployments again. The
 * periods are aligned to the clock so that every such deployment is judged in the same tick: a
 * set-based tick costs about the same for one deployment as for fifty.
 */
const REJUDGE_MS = 15 * MINUTE;
/** Event-log reads reach back this far before where the last tick stopped: events land a little late. */
const EVENT_OVERLAP_MS = 10 * MINUTE;
/** How far back a first tick (no tick row, no runs watermark yet) reads. */
const FIRST_TICK_LOOKBACK_MS = 6 * HOUR;

export interface Discovery {
  readonly active: readonly ActiveDeployment[];
  /** The deployments judged this tick: new, touched by new evidence, or due a re-check. */
  readonly due: readonly ActiveDeployment[];
  readonly marks: ReadonlyMap<string, number>;
  readonly auditTail: ChainTail | undefined;
  readonly lastTickMs: number;
  /** Whether this tick opens a new slow-plane period (see REJUDGE_MS). */
  readonly periodic: boolean;
  /** Open deployments whose post-deploy runs the slow plane holds and the fast plane never saw. */
  readonly slowPending: ReadonlySet<string>;
  /** Runs that started or ended since the last tick, for the run cache. */
  readonly runRows: readonly RunRecord[];
  /** Flow commits from the event log since the last tick, not cached yet. */
  readonly commits: readonly FlowCommit[];
  /** Subjects with a run that finished since the last tick. */
  readonly finishedSince: ReadonlySet<string>;
  readonly newRuns: number;
  /**
   * Lineage rows of every open deployment's jobs and pipelines, read while the runs are listed:
   * which of them are due is known only from the listing, and gathering then narrows these rows
   * to the due ones (lineageIndex) instead of waiting on a read of its own.
   */
  readonly lineage: Promise<Row[]>;
  /**
   * The limits every open deployment's jobs state (timeouts, duration health rules), read beside
   * the listing: a run that merely started is evidence against them, as against a policy SLA, and
   * gathering hands them to the due deployments instead of reading them again.
   */
  readonly stated?: Promise<StatedSlasRead>;
  /** Where the next tick's runs listing and event-log read start. */
  readonly runsFromMs: number;
  readonly eventLogFromMs: number | null;
  readonly errors: MeasurementError[];
  /** Due deployments a catching-up tick leaves to the next ticks (see catch-up.ts). */
  readonly deferred: number;
  /** First reads a catching-up tick's slice counts (see catch-up.ts); 0 when not catching up. */
  readonly firstReads: number;
  /** A catching-up tick's oldest deployment due, where the baselines it reads start. */
  readonly horizonFromMs?: number;
  /** What the last tick's time budget left for this one: due now, and judged first (tick-budget.ts). */
  readonly carried?: Carried;
}

/** The discover step's reads; each waits only for the answers it needs (see overlap.ts). */
interface DiscoverReads {
  marks: TickMarks;
  deployments: Awaited<ReturnType<typeof readDeployments>>;
  /** The jobs/runs/list pages since the runs watermark. */
  listing: Awaited<ReturnType<typeof listNewRuns>>;
  /** The followed pipelines' event log over the span a tick one minute after the last one needs. */
  recentEvents: Awaited<ReturnType<typeof readFollowedEvents>>;
  /** The event log from where the last tick stopped: the recent rows, or read again after missed ticks. */
  events: PipelineEvidence;
  /** Positions, among the open deployments, of those the slow plane holds new runs for. */
  slowPending: Set<number>;
  /** Lineage of every open deployment's jobs and pipelines, read beside the runs listing (see Discovery.lineage). */
  lineage: Row[];
  /** The limits the open deployments' jobs state (see Discovery.stated). */
  stated: StatedSlasRead;
}

export async function discover(deps: TickDeps, nowMs: number): Promise<Discovery> {
  const { wh, ws, policy } = deps;
  const recentFromMs = nowMs - MINUTE - EVENT_OVERLAP_MS;
  const lastTickOf = (m: TickMarks) => m.marks.get('last_tick_ms') ?? nowMs - FIRST_TICK_LOOKBACK_MS;
  const runsFromOf = (m: TickMarks) => m.marks.get('jobs_runs_from_ms') ?? nowMs - FIRST_TICK_LOOKBACK_MS;
  const openOf = (m: TickMarks, d: DiscoverReads['deployments']) =>
    isPeriodic(nowMs, lastTickOf(m)) ? openVerdicts(d.active) : [];
  const reads: ReadTable<DiscoverReads> = {
    marks: { after: [], run: () => readMarks(wh) },
    deployments: { after: [], run: () => readDeployments(wh, nowMs, (policy.window.maxHours + 24) * HOUR) },
    listing: { after: ['marks'], run: async (a) => listNewRuns(ws, runsFromOf(await a('marks')), nowMs) },
    recentEvents: { after: [], run: () => readFollowedEvents(wh, recentFromMs) },
    events: {
      after: ['marks', 'recentEvents'],
      run: async (a) => {
        const m = await a('marks');
        const fromMs = (m.marks.get('event_log_from_ms') ?? lastTickOf(m)) - EVENT_OVERLAP_MS;
        if (fromMs >= recentFromMs) return pipelineEvidence(await a('recentEvents'), fromMs);
        return readPipelineEvents(wh, followedPipelines(m.marks), flatHorizon(fromMs));
      },
    },
    lineage: {
      after: ['deployments'],
      run: async (a) =>
        readLineageRows(
          wh,
          (await a('deployments')).active.flatMap((d) => d.deployment.resources.map((r) => r.id)),
          nowMs - LINEAGE_LOOKBACK_MS,
        ),
    },
    stated: { after: ['deployments'], run: async (a) => readStatedSlas(wh, (await a('deployments')).active) },
    slowPending: {
      after: ['marks', 'deployments'],
      run: async (a) =>
        readSlowPending(
          wh,
          openOf(await a('marks'), await a('deployments')).map((o) => o.deployment),
        ),
    },
  };
  const started = startReads(reads);
  const [marks, opened] = await Promise.all([started.marks, started.deployments]);
  const [listing, events, pending, stated] = await Promise.all([
    settled(started.listing),
    settled(started.events),
    settled(started.slowPending),
    settled(started.stated),
  ]);
  const lastTickMs = lastTickOf(marks);
  const open = openOf(marks, opened);
  const errors: MeasurementError[] = [...opened.errors];
  // Without the answer every open deployment is judged again, as if all had something new.
  if (!pending.ok) {
    errors.push({
      kind: 'runs',
      subject: 'system.lakeflow',
      message: `slow-plane check failed, judging every open deployment again: ${pending.error.message}`,
    });
  }
  const slowPending = new Set((pending.ok ? [...pending.value].map((i) => open[i]!) : open).map(idOf));
  // A failed read of the stated limits is reported by gathering, to the deployments it leaves unjudged by them.
  const fresh = freshEvidence(deps, opened.active, lastTickMs, stated.ok ? statedJobIds(stated.value) : new Set());
  let runsFromMs = runsFromOf(marks);
  let newRuns = 0;
  if (listing.ok) {
    fresh.add(listing.value.runs);
    errors.push(...listing.value.malformed);
    newRuns = listing.value.runs.filter((r) => r.endMs !== null && r.endMs > lastTickMs).length;
    runsFromMs = Math.max(runsFromMs, listing.value.nextWatermarkMs);
  } else {
    errors.push({ kind: 'runs', subject: 'workspace', message: `jobs/runs/list failed: ${listing.error.message}` });
  }
  let eventLogFromMs = marks.marks.get('event_log_from_ms') ?? null;
  if (events.ok) {
    fresh.add(events.value.runs, events.value.writes);
    errors.push(...events.value.errors);
    eventLogFromMs = nowMs;
  } else {
    for (const id of followedPipelines(marks.marks)) {
      errors.push({
        kind: 'runs',
        subject: `pipeline:${id}`,
        message: `pipeline event log unavailable: ${events.error.message}`,
      });
    }
  }
  const dueContext = {
    nowMs,
    carried: marks.carried.deployments,
    slowPending,
    touched: fresh.touched,
    startedSince: fresh.startedSince,
  };
  return {
    active: opened.active,
    due: opened.active.filter((a) => isDue(a, dueContext)),
    marks: marks.marks,
    auditTail: marks.auditTail,
    lastTickMs,
    periodic: isPeriodic(nowMs, lastTickMs),
    slowPending,
    runRows: fresh.runs,
    commits: fresh.commits,
    finishedSince: new Set(fresh.runs.filter((r) => r.endMs !== null && r.endMs > lastTickMs).map((r) => r.subjectId)),
    newRuns,
    runsFromMs,
    eventLogFromMs,
    errors,
    lineage: started.lineage,
    stated: started.stated,
    deferred: 0,
    firstReads: 0,
    carried: marks.carried,
  };
}

const idOf = (a: { deployment: { deploymentId: string } }) => a.deployment.deploymentId;

function isPeriodic(nowMs: number, lastTickMs: number): boolean {
  return Math.floor(nowMs / REJUDGE_MS) > Math.floor(lastTickMs / REJUDGE_MS);
}

/** Final verdicts are not reopened; only the open ones may still be waiting on the slow plane. */
function openVerdicts(active: readonly ActiveDeployment[]): ActiveDeployment[] {
  return active.filter((a) => a.judgedAtMs !== null && a.verdictState !== null);
}

/** Followed pipelines (seen before, targets known) are read from the event-log watermark. */
function followedPipelines(marks: ReadonlyMap<string, number>): string[] {
  return [...marks.keys()].filter((k) => k.startsWith('event_log:')).map((k) => k.slice('event_log:'.length));
}

/**
 * What is new since the last tick: the runs that started or ended since, the flow commits since,
 * and the subjects they touch. Only touched subjects (plus deployments that are new, due a
 * time-based re-check, waiting on the slow plane or unjudged this hour) are judged again.
 */
function freshEvidence(
  deps: TickDeps,
  active: readonly ActiveDeployment[],
  lastTickMs: number,
  statedOf: ReadonlySet<string>,
) {
  // A run that only started brings no evidence, except against an SLA its resource is held to: the
  // policy's, or the job's or a task's own limit where the policy leaves those on.
  const underSla = new Set(
    active.flatMap((a) => {
      const own = deps.policies?.forBundle(a.deployment.bundle) ?? deps.policy;
      const held = (r: ActiveDeployment['deployment']['resources'][number]) =>
        slaSecondsFor(own, r, r.key) !== null ||
        (own.slaFromSettings && r.type === 'job' && statedOf.has(`${a.deployment.deploymentId}/${r.id}`));
      return a.deployment.resources.filter(held).map((r) => r.id);
    }),
  );
  // The reads reach further back than the last tick; what they saw before it is cached already.
  const recentMs = lastTickMs - MINUTE;
  const evidenceOf = (r: RunRecord) => r.endMs !== null && r.endMs > recentMs;
  // A start under an SLA is judged once, to learn when the run will cross it: the listing's overlap
  // shows the same start to two ticks, so it is new only to a deployment not judged since.
  const started = new Map<string, number>();
  const changedSince = (r: RunRecord) => r.startMs > recentMs || (r.endMs !== null && r.endMs > recentMs);
  const runs: RunRecord[] = [];
  const commits: FlowCommit[] = [];
  const touched = new Set<string>();
  const add = (listed: readonly RunRecord[], writes: readonly FlowCommit[] = []) => {
    const changed = listed.filter(changedSince);
    const freshWrites = writes.filter((w) => w.timestampMs > recentMs);
    runs.push(...changed);
    commits.push(...freshWrites);
    for (const r of changed) {
      if (evidenceOf(r)) touched.add(r.subjectId);
      else if (underSla.has(r.subjectId) && r.startMs > recentMs)
        started.set(r.subjectId, Math.min(started.get(r.subjectId) ?? Infinity, r.startMs));
    }
    for (const w of freshWrites) touched.add(w.subjectId);
  };
  /** Whether a run of one of its resources started under an SLA since the deployment was last judged. */
  const startedSince = (a: ActiveDeployment) =>
    a.deployment.resources.some((r) => (started.get(r.id) ?? -Infinity) > (a.judgedAtMs ?? -Infinity));
  return { runs, commits, touched, add, startedSince };
}
