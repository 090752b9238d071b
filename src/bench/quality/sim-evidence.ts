// Turns simulated runs into the evidence the tick would gather for them: job runs through the
// production Jobs API normaliser, pipeline updates as the event-log reader maps them, Delta
// commits and flow progress as rows written, DLT expectations and dbt tests, and the backlog
// each streaming flow reports at the end of an update.

import { baselineHorizons } from '../../checks/baseline-window.js';
import type { Policy } from '../../checks/policy.js';
import { slasFromJobSettings } from '../../checks/stated-slas.js';
import { runFromApi } from '../../evidence/normalize.js';
import type { SimPipeline } from '../../simulator/catalog.js';
import { firstSlotAfter, slotStartMs } from '../../simulator/catalog.js';
import type { Behaviour, Incident } from '../../simulator/plan.js';
import { normal } from '../../simulator/random.js';
import { type SimRun, simulateRun } from '../../simulator/runs.js';
import { jobSettings } from '../../simulator/settings.js';
import { sourceCommitsBetween } from '../../simulator/sources.js';
import { statedSlaOf, withStatedSla } from '../../simulator/stated-sla.js';
import type { BacklogSample, Deployment, ExpectationRecord, RunRecord, Subject, TableWrite } from '../../types.js';
import type { SimEpisode } from './sim-episodes.js';
import { apiRun, pipelineRun } from './sim-runs.js';
import type { EpisodeTimeline, SubjectTimeline } from './timeline.js';

const HOUR = 3_600_000;
const HEALTHY: Behaviour = { kind: null, factor: 1 };
const byTime = (a: { timestampMs: number }, b: { timestampMs: number }) => a.timestampMs - b.timestampMs;

function tableShortName(full: string): string {
  return full.split('.').pop()!;
}

function pushWrites(r: SimRun, out: TableWrite[]): void {
  const p = r.pipeline;
  const n = r.rows.length;
  r.rows.forEach((rows, i) => {
    if (rows === null) return;
    // Job commits land a second apart just before the run ends; flow progress two seconds before.
    const ts = p.resourceType === 'job' ? r.endMs - (n - i) * 1000 : r.endMs - 2000;
    out.push({ table: p.targets[i]!.name, subjectId: p.id, runId: r.runId, timestampMs: ts, rows, plane: 'fast' });
  });
}

interface Collected {
  runs: RunRecord[];
  running: Map<string, RunRecord>;
  writes: TableWrite[];
  expectations: ExpectationRecord[];
  backlog: BacklogSample[];
}

function collect(
  seed: number,
  p: SimPipeline,
  r: SimRun,
  incidents: readonly Incident[],
  lastWrite: number[],
  out: Collected,
): void {
  const isJob = p.resourceType === 'job';
  out.runs.push(isJob ? runFromApi(apiRun(r, true)) : pipelineRun(r, true));
  out.running.set(r.runId, isJob ? runFromApi(apiRun(r, false)) : pipelineRun(r, false));
  pushWrites(r, out.writes);
  // DLT expectations here only count failing records and never fail the update: warn-severity
  // rules that "fail" on a run when any record failed them. dbt tests report pass or fail with
  // the failing rows only, at the severity they are defined with.
  const dbt = p.kind === 'dbt';
  for (const e of r.expectations) {
    out.expectations.push({
      subjectId: p.id,
      runId: r.runId,
      timestampMs: isJob ? r.endMs : r.endMs - 2000,
      name: e.name,
      dataset: e.dataset,
      severity: dbt ? e.severity : 'warn',
      passed: dbt ? null : e.passed,
      failed: e.failed,
      outcome: e.failed > 0 ? 'fail' : 'pass',
      source: dbt ? 'dbt' : 'dlt',
      plane: 'fast',
    });
  }
  if (isJob || !r.succeeded) {
    r.rows.forEach((rows, i) => {
      if (rows !== null) lastWrite[i] = r.endMs;
    });
    return;
  }
  // A triggered update drains its input: what is left is the trickle that arrived while it ran.
  // A flow that wrote nothing leaves the whole batch it should have processed waiting.
  r.rows.forEach((rows, i) => {
    const key = [seed, 'backlog', p.index, r.slot, i] as const;
    const ts = r.endMs - 2000;
    let records: number;
    let seconds: number;
    if (rows === null) {
      records = simulateRun(seed, p, r.slot, r.startMs, HEALTHY, incidents).rows[i] ?? 0;
      seconds = Math.round((ts - (lastWrite[i] ?? r.startMs)) / 1000);
    } else {
      records = Math.round(rows * 0.01 * Math.exp(0.5 * normal(...key, 'records')));
      seconds = Math.round(((r.endMs - r.startMs) / 1000) * 0.05 * Math.exp(0.5 * normal(...key, 'seconds')));
      lastWrite[i] = r.endMs;
    }
    out.backlog.push({
      subjectId: p.id,
      flow: tableShortName(p.targets[i]!.name),
      timestampMs: ts,
      runId: r.runId,
      backlogRecords: records,
      backlogSeconds: seconds,
      plane: 'fast',
    });
  });
}

export function subjectOfPipeline(p: SimPipeline, asPeer: boolean): Subject {
  return {
    type: p.resourceType,
    id: p.id,
    name: asPeer ? `${p.resourceType}:${p.id}` : p.name,
    targetTables: p.targets.map((t) => t.name).sort(),
    sourceTables: [...p.sources].sort(),
  };
}

/** Every run of `p` starting in [fromMs, toMs], with `behaviour` from `deployMs` on. */
export function simulateSubject(
  seed: number,
  p: SimPipeline,
  fromMs: number,
  toMs: number,
  deployMs: number,
  behaviour: Behaviour,
  incidents: readonly Incident[],
  asPeer: boolean,
): SubjectTimeline {
  const out: Collected = { runs: [], running: new Map(), writes: [], expectations: [], backlog: [] };
  const lastWrite: number[] = [];
  for (let slot = firstSlotAfter(p, fromMs); slotStartMs(p, slot) <= toMs; slot++) {
    const start = slotStartMs(p, slot);
    const r = simulateRun(seed, p, slot, start, start >= deployMs ? behaviour : HEALTHY, incidents);
    collect(seed, p, r, incidents, lastWrite, out);
  }
  return {
    subject: subjectOfPipeline(p, asPeer),
    runs: out.runs,
    running: out.running,
    writes: out.writes.sort(byTime),
    expectations: out.expectations.sort(byTime),
    backlog: out.backlog.sort(byTime),
  };
}

function firstAtOrAfter(writes: readonly TableWrite[], atMs: number): number {
  let lo = 0;
  let hi = writes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (writes[mid]!.timestampMs < atMs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The writes of untouched pipelines over the whole benchmark calendar, simulated once per
 * pipeline. The tick gives peers nothing but writes, so one shared history serves every episode
 * whose peers no incident touches; episodes with an incident simulate their peers afresh.
 */
export class PeerHistory {
  readonly #cache = new Map<number, TableWrite[]>();
  readonly #seed: number;
  readonly #fromMs: number;
  readonly #toMs: number;

  constructor(seed: number, fromMs: number, toMs: number) {
    this.#seed = seed;
    this.#fromMs = fromMs;
    this.#toMs = toMs;
  }

  subject(p: SimPipeline, fromMs: number, toMs: number): SubjectTimeline {
    let all = this.#cache.get(p.index);
    if (!all) {
      all = [];
      for (let slot = firstSlotAfter(p, this.#fromMs); slotStartMs(p, slot) <= this.#toMs; slot++) {
        pushWrites(simulateRun(this.#seed, p, slot, slotStartMs(p, slot), HEALTHY, []), all);
      }
      all.sort(byTime);
      this.#cache.set(p.index, all);
    }
    const writes = all.slice(firstAtOrAfter(all, fromMs), firstAtOrAfter(all, toMs + 1));
    return { subject: subjectOfPipeline(p, true), runs: [], running: new Map(), writes, expectations: [], backlog: [] };
  }
}

export function simDeployment(ep: SimEpisode): Deployment {
  const p = ep.pipeline;
  return {
    deploymentId: ep.deploymentId,
    bundle: p.bundle,
    target: 'prod',
    version: ep.version,
    previousVersion: null,
    actor: 'sp-ci-deployer',
    startedMs: ep.deployMs - 90_000,
    finishedMs: ep.deployMs,
    status: 'SUCCEEDED',
    resources: [{ type: p.resourceType, id: p.id, key: p.name }],
    expectedChanges: [],
  };
}

export function simTimeline(
  ep: SimEpisode,
  catalog: readonly SimPipeline[],
  policy: Policy,
  peerHistory: PeerHistory,
): EpisodeTimeline {
  const p = ep.pipeline;
  // The tick reads history back to the baseline horizon and follows the deploy to its window's end.
  const fromMs = baselineHorizons(ep.deployMs, policy).sinceMs;
  const toMs = ep.deployMs + policy.window.maxHours * HOUR + 2 * p.cadenceMin * 60_000;
  const subject = simulateSubject(ep.noiseSeed, p, fromMs, toMs, ep.deployMs, ep.behaviour, ep.incidents, false);
  // The limit a stated-SLA release's settings state, read from them as the tick reads a snapshot.
  const sla = p.resourceType === 'job' ? statedSlaOf(p, ep) : null;
  const stated = sla ? { stated: slasFromJobSettings(withStatedSla(jobSettings(p, ep.version), sla)) } : {};
  let peers: SubjectTimeline[] | null = null;
  let upstream: TableWrite[] | null = null;
  return {
    deployment: simDeployment(ep),
    subjects: [{ ...subject, ...stated }],
    // The same ingestion the simulated platform writes (src/simulator/sources.ts), incidents included.
    upstream: () =>
      (upstream ??= sourceCommitsBetween(ep.noiseSeed, p.sources, fromMs, toMs, ep.incidents).map((c) => ({
        table: c.table,
        subjectId: `table:${c.table}`,
        runId: null,
        timestampMs: c.timestampMs,
        rows: c.rows,
        plane: 'fast' as const,
      }))),
    peers: () => {
      peers ??= catalog
        .filter((q) => q.index !== p.index && q.sources.some((s) => p.sources.includes(s)))
        .map((q) =>
          ep.incidents.length
            ? simulateSubject(ep.noiseSeed, q, fromMs, toMs, ep.deployMs, HEALTHY, ep.incidents, true)
            : peerHistory.subject(q, fromMs, toMs),
        );
      return peers;
    },
  };
}
