// Deployment episodes cut from real NAB series (detection spec §7). Points become pipeline runs,
// one per natural cycle: sub-hourly points are pooled per hour (§2.2: the independent
// observations are cycles, not samples). Healthy deploys sit on a stride where neither the
// baseline nor the post-deploy window touches a labelled anomaly; injected regressions scale the
// post-deploy runs of the same deploys.

import { baselineHorizons } from '../../checks/baseline-window.js';
import { kMaxFor, type Policy } from '../../checks/policy.js';
import type { Deployment, RunRecord, Subject, TableWrite } from '../../types.js';
import type { NabRole, NabSeries } from './nab-data.js';
import type { EpisodeTimeline, SubjectTimeline } from './timeline.js';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** How long a volume-like run takes; only its end (when rows land) matters to the checks. */
const VOLUME_RUN_MS = 5 * MIN;

export const NAB_EFFECTS: Readonly<Record<NabRole, Readonly<Record<string, number>>>> = {
  volume: { 'volume_x0.5': 0.5, 'volume_x0.8': 0.8, 'volume_x1.2': 1.2, volume_x2: 2, zero_rows: 0 },
  duration: { 'duration_x1.2': 1.2, 'duration_x1.5': 1.5, duration_x2: 2 },
};

export interface NabCycle {
  readonly startMs: number;
  /** Rows written (volume) or seconds taken (duration) by the run of this cycle. */
  readonly value: number;
}

export interface NabRuns {
  readonly series: NabSeries;
  readonly name: string;
  readonly cycleMs: number;
  readonly cycles: readonly NabCycle[];
}

function medianStep(points: NabSeries['points']): number {
  const gaps = points
    .slice(1)
    .map((p, i) => p.ms - points[i]!.ms)
    .sort((a, b) => a - b);
  return gaps[gaps.length >> 1] ?? HOUR;
}

/** One run per cycle; a volume run writes the cycle's mean rate times its length, so a cycle with a missing sample is not a drop. */
export function nabRuns(series: NabSeries): NabRuns {
  const step = medianStep(series.points);
  const cycleMs = Math.max(step, HOUR);
  const buckets = new Map<number, { sum: number; n: number }>();
  for (const p of series.points) {
    const k = Math.floor(p.ms / cycleMs) * cycleMs;
    const b = buckets.get(k) ?? { sum: 0, n: 0 };
    b.sum += p.value;
    b.n++;
    buckets.set(k, b);
  }
  const perCycle = cycleMs / step;
  const cycles = [...buckets]
    .sort((a, b) => a[0] - b[0])
    .map(([startMs, b]) => ({
      startMs,
      value: series.spec.role === 'volume' ? Math.round((b.sum / b.n) * perCycle * series.spec.scale) : b.sum / b.n,
    }));
  const name = series.spec.file
    .replace(/\.csv$/, '')
    .split('/')
    .pop()!;
  return { series, name, cycleMs, cycles };
}

export interface NabEpisode {
  readonly index: number;
  readonly runs: NabRuns;
  readonly label: 'healthy' | 'bad';
  readonly effect: string | null;
  readonly factor: number;
  readonly deployMs: number;
  /** Start of the history the pipeline has: after the last labelled window before the deploy. */
  readonly historyFromMs: number;
}

export interface NabPlanOptions {
  readonly strideHours: number;
  readonly minHistoryDays: number;
}

export function planNabEpisodes(all: readonly NabRuns[], opts: NabPlanOptions, policy: Policy): NabEpisode[] {
  const out: NabEpisode[] = [];
  for (const runs of all) {
    const { series, cycles } = runs;
    if (cycles.length === 0) continue;
    const first = cycles[0]!.startMs;
    const last = cycles[cycles.length - 1]!.startMs + runs.cycleMs;
    // The episode lasts until K_max runs or the window's close, whichever comes first.
    const postMs = Math.min(policy.window.maxHours * HOUR, (kMaxFor(policy, runs.cycleMs) + 1) * runs.cycleMs);
    // Deploys land half way through a cycle, so the run of that cycle straddles the deploy.
    for (
      let t = Math.ceil((first + opts.minHistoryDays * DAY) / HOUR) * HOUR + 30 * MIN;
      t + postMs <= last;
      t += opts.strideHours * HOUR
    ) {
      let from = Math.max(first, baselineHorizons(t, policy).sinceMs);
      for (const [, b] of series.windows) if (b < t && b >= from) from = b + 1;
      if (t - from < opts.minHistoryDays * DAY) continue;
      if (series.windows.some(([a, b]) => a <= t + postMs && b >= from)) continue;
      out.push({
        index: out.length,
        runs,
        label: 'healthy',
        effect: null,
        factor: 1,
        deployMs: t,
        historyFromMs: from,
      });
      for (const [effect, factor] of Object.entries(NAB_EFFECTS[series.spec.role]))
        out.push({ index: out.length, runs, label: 'bad', effect, factor, deployMs: t, historyFromMs: from });
    }
  }
  return out;
}

export function nabTimeline(ep: NabEpisode, policy: Policy): EpisodeTimeline {
  const { runs: src, deployMs } = ep;
  const role = src.series.spec.role;
  const family = src.series.spec.file.split('/')[0]!;
  const id = `nab-${src.name}`;
  const table = `nab.${family}.${src.name}`;
  const toMs = deployMs + policy.window.maxHours * HOUR + src.cycleMs;
  const runs: RunRecord[] = [];
  const running = new Map<string, RunRecord>();
  const writes: TableWrite[] = [];
  for (const c of src.cycles) {
    if (c.startMs < ep.historyFromMs || c.startMs > toMs) continue;
    const post = c.startMs >= deployMs;
    const value = post ? c.value * ep.factor : c.value;
    const runId = `${id}-${c.startMs}`;
    const endMs = c.startMs + (role === 'volume' ? VOLUME_RUN_MS : Math.max(1000, Math.round(value * 1000)));
    const run: RunRecord = {
      subjectId: id,
      runId,
      startMs: c.startMs,
      endMs,
      result: 'SUCCESS',
      rawResult: 'SUCCESS',
      cause: 'user',
      failedTasks: [],
      plane: 'fast',
    };
    runs.push(run);
    running.set(runId, { ...run, endMs: null, result: 'RUNNING', rawResult: 'RUNNING' });
    if (role === 'volume')
      writes.push({ table, subjectId: id, runId, timestampMs: endMs - 1000, rows: Math.round(value), plane: 'fast' });
  }
  const subject: Subject = {
    type: 'job',
    id,
    name: src.name,
    targetTables: role === 'volume' ? [table] : [],
    sourceTables: [],
  };
  const timeline: SubjectTimeline = { subject, runs, running, writes, expectations: [], backlog: [] };
  const deployment: Deployment = {
    deploymentId: `nab-${src.name}-${deployMs}${ep.effect ? `-${ep.effect}` : ''}`,
    bundle: src.name,
    target: 'nab',
    version: String(deployMs),
    previousVersion: null,
    actor: 'nab',
    startedMs: deployMs - 90_000,
    finishedMs: deployMs,
    status: 'SUCCEEDED',
    resources: [{ type: 'job', id, key: src.name }],
    expectedChanges: [],
  };
  return { deployment, subjects: [timeline], peers: () => [] };
}
