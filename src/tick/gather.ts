// Step 2, gather: evidence for the deployments due this tick, set-based: lineage, runs, dbt results
// and table writes each read once for all of them, then handed out per deployment. What is new
// since the last tick goes into the run and commit caches on the way. The control group is read
// later, and only for deployments whose own evidence already fails a volume check (see judge).

import { baselineHorizons } from '../checks/baseline-window.js';
import type { DeploymentEvidence } from '../checks/evidence.js';
import { malformedRow } from '../evidence/validate-values.js';
import type { ExpectationRecord, MeasurementError, RunRecord } from '../types.js';
import type { HistoryEntry, Warehouse } from '../warehouse/port.js';
import { readBudgetContext } from './budgets.js';
import { readControlGroup } from './control-group-read.js';
import { type CostRead, readCosts } from './cost-read.js';
import { dbtError, readDbtTests } from './dbt-tests.js';
import type { Discovery } from './discover.js';
import { assembleEvidence, type EvidenceIndex, groupBy, RULES_BASELINE_MS } from './evidence-assembly.js';
import { type EvidenceTables, followPipelines, lastRunEnds, tablesOf } from './evidence-tables.js';
import type { Gathered, GatheredEvidence, GatherInput } from './gather-types.js';
import {
  LINEAGE_LOOKBACK_MS,
  type LineageIndex,
  lineageError,
  lineageIndex,
  malformedLineage,
  readLineageRows,
} from './lineage.js';
import { MONITOR_LOOKBACK_MS, type MonitorsRead, monitorsWanted, readMonitors } from './monitors-read.js';
import { type ReadTable, startReads } from './overlap.js';
import { observedRunRows, readRuns } from './runs.js';
import { readSettings } from './settings-read.js';
import { readStatedSlas, type StatedSlasRead } from './stated-slas-read.js';
import { commitRows, prefetchHistory, readTableWrites } from './table-history.js';
import type { TickDeps } from './types.js';

export type { Gathered, GatheredEvidence, GatherInput } from './gather-types.js';

export async function gather(deps: TickDeps, found: Discovery, nowMs: number): Promise<Gathered> {
  const { wh } = deps;
  // The run cache is topped up while the evidence is read; the runs read lays the same runs over what it reads.
  const runsCached = found.runRows.length
    ? wh.execute('tick/merge_observed_runs', {}, observedRunRows(found.runRows, nowMs))
    : Promise.resolve(0);
  runsCached.catch(() => undefined);
  const bundles = [...new Set(found.due.map((a) => a.deployment.bundle))];
  const budgetContext =
    deps.slos && bundles.length ? readBudgetContext({ wh, slos: deps.slos }, bundles, nowMs) : undefined;
  budgetContext?.catch(() => undefined);
  const input: GatherInput = {
    active: found.due,
    nowMs,
    finishedSince: found.finishedSince,
    marks: found.marks,
    policy: deps.policy,
    errors: found.errors,
    pendingCommits: found.commits,
    runsCached,
    pendingRuns: found.runRows,
    lastTickMs: found.lastTickMs,
    ...(found.horizonFromMs === undefined ? {} : { horizonFromMs: found.horizonFromMs }),
    lineage: found.lineage,
    ...(found.stated ? { stated: found.stated } : {}),
    ...(deps.policies ? { policyFor: (b: string) => deps.policies!.forBundle(b) } : {}),
    ...(deps.log ? { warn: (m: string) => deps.log!.warn({ source: 'monitors' }, m) } : {}),
  };
  const gathered = found.due.length ? await gatherEvidence(wh, input) : null;
  // Without a deployment to judge, new flow commits are merged beside the run cache. Both writes are
  // in before anything of the tick's own is written.
  const commitsMerged =
    !gathered && found.commits.length
      ? wh.execute('tick/merge_table_commits', {}, commitRows(found.commits, 'STREAMING UPDATE', nowMs))
      : null;
  // Nothing the tick started is still running when it ends (a warehouse closed under a statement
  // hangs): the lineage read beside the listing is awaited even when nothing was due.
  await Promise.all([
    runsCached,
    commitsMerged,
    found.lineage.catch(() => undefined),
    found.stated?.catch(() => undefined),
  ]);
  return { ...(gathered ?? NOTHING_GATHERED), budgetContext };
}

const NOTHING_GATHERED: GatheredEvidence = {
  evidence: [],
  newMarks: {},
  cacheWritten: Promise.resolve(),
  withControlGroup: async () => [],
};

/** The gathering's reads; each awaits only the answers it names (see overlap.ts). */
interface EvidenceReads {
  lineage: { index: LineageIndex; error: MeasurementError | null; malformed: MeasurementError[] };
  dbt: { records: ExpectationRecord[]; errors: MeasurementError[] };
  /** First pages of the history of tables probably due a read (table-history.ts, prefetchHistory). */
  prefetch: ReadonlyMap<string, Promise<HistoryEntry[] | null>>;
  /** Runs from the system tables and the run cache, with the tick's own run-cache write laid over them. */
  cachedRuns: RunRecord[];
  /** Pipelines seen for the first time, followed from now on; their past runs go into the run cache. */
  follow: { rereadRuns: boolean; errors: MeasurementError[]; newMarks: Record<string, number> };
  runs: { runs: RunRecord[]; error: string | null };
  writes: Awaited<ReturnType<typeof readTableWrites>>;
  /** The limits the deployed jobs state: their hard SLAs where the policy sets none. */
  stated: StatedSlasRead;
  /** Databricks' own monitors, for the deployments whose policy reads them. */
  monitors: MonitorsRead;
  /** Settings before and after each deployment, for the config check; the error when they could not be read. */
  settings: { byDeployment: Awaited<ReturnType<typeof readSettings>>; error: string | null };
  /** What the subjects' runs cost (billing, hours late), back to the oldest baseline. */
  cost: CostRead;
}

export async function gatherEvidence(wh: Warehouse, input: GatherInput): Promise<GatheredEvidence> {
  const { active, nowMs, errors } = input;
  const ids = [...new Set(active.flatMap((a) => a.deployment.resources.map((r) => r.id)))];
  const firstDeployMs = Math.min(input.horizonFromMs ?? Infinity, ...active.map((a) => a.deployment.finishedMs));
  const since = baselineHorizons(firstDeployMs, input.policy);
  const metricsSinceMs = firstDeployMs - RULES_BASELINE_MS;
  const jobIds = [
    ...new Set(
      active.flatMap((a) => a.deployment.resources.filter((r) => r.type === 'job' && r.dbt !== false).map((r) => r.id)),
    ),
  ];
  // The history read goes into the commit cache in order, while the evidence is judged.
  let cacheWritten: Promise<unknown> = Promise.resolve();
  const holdCacheWrites = (write: () => Promise<unknown>) => {
    cacheWritten = cacheWritten.then(write);
    cacheWritten.catch(() => undefined);
  };
  // A system-table run row that breaks its schema is an error of its job or pipeline, said once
  // however many times the runs are read.
  const typeOf = new Map(active.flatMap((a) => a.deployment.resources.map((r) => [r.id, r.type] as const)));
  const malformedRuns = new Map<string, MeasurementError>();
  const onMalformed = (id: string, key: string, reason: string) => {
    const e = malformedRow('runs', `${typeOf.get(id) ?? 'job'}:${id}`, 'system.lakeflow', key, reason);
    malformedRuns.set(e.message, e);
  };
  const malformedDbt: MeasurementError[] = [];
  const malformedSettings: MeasurementError[] = [];
  let known: EvidenceTables | undefined;
  const tables = (lineage: LineageIndex) => {
    known ??= tablesOf(active, ids, lineage);
    return known;
  };
  const reads: ReadTable<EvidenceReads> = {
    lineage: {
      after: [],
      run: () =>
        (input.lineage ?? readLineageRows(wh, ids, nowMs - LINEAGE_LOOKBACK_MS)).then(
          (rows) => ({ index: lineageIndex(rows, ids), error: null, malformed: malformedLineage(rows, typeOf) }),
          (e: Error) => ({ index: EMPTY_LINEAGE, error: lineageError(e), malformed: [] }),
        ),
    },
    // dbt test results, for the jobs not recorded as running no dbt; a failed read leaves the jobs'
    // data-quality check unmeasured and nothing else.
    dbt: {
      after: [],
      run: () =>
        readDbtTests(wh, jobIds, metricsSinceMs, (e) => malformedDbt.push(e)).then(
          (records) => ({ records, errors: malformedDbt }),
          (e: Error) => ({ records: [], errors: jobIds.map((id) => dbtError(id, e)) }),
        ),
    },
    // Never fails: a failed read is an error beside an empty index, and only the policy's SLAs apply.
    stated: { after: [], run: () => input.stated ?? readStatedSlas(wh, active) },
    cost: { after: [], run: () => readCosts(wh, active, Math.min(since.sinceMs, since.weekdaySinceMs)) },
    // The tick's own write to the run cache is still on its way: its runs are laid over the read.
    cachedRuns: { after: [], run: () => readRuns(wh, ids, since, input.pendingRuns ?? [], firstDeployMs, onMalformed) },
    follow: {
      after: ['lineage'],
      run: async (a) => followPipelines(wh, tables((await a('lineage')).index), input, since),
    },
    // Only a pipeline followed for the first time (its past runs merged into the cache) makes the
    // runs be read again.
    runs: {
      after: ['follow', 'cachedRuns'],
      run: async (a) => {
        try {
          const runs = (await a('follow')).rereadRuns
            ? await readRuns(wh, ids, since, [], firstDeployMs, onMalformed)
            : await a('cachedRuns');
          return { runs, error: null };
        } catch (e) {
          return { runs: [], error: (e as Error).message };
        }
      },
    },
    // Needs nothing else: the config check is judged from the first tick, before any run.
    settings: {
      after: [],
      run: () =>
        readSettings(wh, active, (e) => malformedSettings.push(e)).then(
          (byDeployment) => ({ byDeployment, error: null }),
          (e: Error) => ({
            byDeployment: new Map(),
            error: `settings before and after the deploy unavailable: ${e.message}`,
          }),
        ),
    },
    // The cached commits are read once lineage says which tables, and after the first-followed
    // pipelines' commits are merged; a table's history is read again only where a run ended after
    // the table was last read, so the runs are awaited only for that.
    // The first page of history of each table a judged job's run has ended on since the last tick,
    // read beside the cached commits rather than once they say the table is due a read.
    prefetch: {
      after: ['lineage'],
      run: async (a) => {
        const t = tables((await a('lineage')).index);
        const endedSince = (r: RunRecord) => r.endMs !== null && r.endMs > (input.lastTickMs ?? Infinity);
        const ended = new Set(
          (input.pendingRuns ?? []).filter((r) => endedSince(r) && t.jobs.has(r.subjectId)).map((r) => r.subjectId),
        );
        const due = [...ended].flatMap((job) => [...(t.lineage.targets.get(job) ?? [])]);
        return prefetchHistory(
          wh,
          due.filter((table) => t.jobTables.has(table)),
        );
      },
    },
    monitors: {
      after: ['lineage'],
      run: async (a) => {
        const wanted = monitorsWanted(active, (await a('lineage')).index, input.policyFor ?? (() => input.policy));
        return readMonitors(wh, wanted, firstDeployMs - MONITOR_LOOKBACK_MS, input.marks, nowMs);
      },
    },
    writes: {
      after: ['lineage', 'follow', 'runs', 'prefetch'],
      run: async (a) => {
        const t = tables((await a('lineage')).index);
        await a('follow');
        const runEndMs = a('runs').then(({ runs }) => lastRunEnds(runs, t.jobs, t.lineage));
        return readTableWrites(wh, new Map([...t.jobTables, ...t.pipelineTables]), runEndMs, since, nowMs, {
          cachedOnly: new Set(t.pipelineTables.keys()),
          pending: input.pendingCommits ?? [],
          metricsSinceMs,
          holdCacheWrites,
          prefetched: await a('prefetch'),
        });
      },
    },
  };
  const started = startReads(reads);
  const lineage = await started.lineage;
  if (lineage.error) errors.push(lineage.error);
  errors.push(...lineage.malformed);
  const follow = await started.follow;
  errors.push(...follow.errors);
  const hist = await started.writes;
  // Pages of history nobody needed are dropped, once read: no statement outlives the gathering.
  await Promise.all((await started.prefetch).values());
  const [runs, dbt, monitors, settings, stated, cost] = await Promise.all([
    started.runs,
    started.dbt,
    started.monitors,
    started.settings,
    started.stated,
    started.cost,
  ]);
  for (const w of monitors.warnings) input.warn?.(w);
  // Both reads of the runs are done before their malformed rows are counted.
  await Promise.allSettled([started.cachedRuns]);
  errors.push(...hist.errors, ...malformedRuns.values());
  if (stated.error) errors.push(stated.error);
  errors.push(...(stated.malformed ?? []), ...malformedSettings, ...monitors.errors);
  const t = tables(lineage.index);
  const ix: EvidenceIndex = {
    lineage: lineage.index,
    peerIds: t.peerIds,
    runsOf: groupBy(runs.runs, (r) => r.subjectId),
    runsError: runs.error,
    writesOf: groupBy(hist.writes, (w) => w.table),
    dbtOf: groupBy(dbt.records, (r) => r.subjectId),
    dbtErrorsOf: groupBy(dbt.errors, (e) => e.subject),
    // A malformed row spoils whichever evidence it is of: its error goes to the subject it names.
    measurementErrors: errors.filter((e) => e.kind === 'writes' || e.kind === 'runs' || e.fault !== undefined),
    statedOf: stated.index,
    settingsOf: settings.byDeployment,
    settingsError: settings.error,
    costsOf: cost.bySubject,
    costErrorsOf: groupBy(cost.errors, (e) => e.subject),
  };
  const withMonitors = (ev: DeploymentEvidence): DeploymentEvidence =>
    monitors.evidence.quality.length || monitors.evidence.drift.length ? { ...ev, monitors: monitors.evidence } : ev;
  const evidence = active.map((a) => withMonitors(assembleEvidence(a, ix, null)));
  return {
    evidence,
    newMarks: { ...follow.newMarks, ...monitors.newMarks },
    cacheWritten,
    async withControlGroup(anomalous) {
      // The peers' cached commits are read once this tick's own are in the cache.
      await cacheWritten;
      const peerWritesOf = await readControlGroup(wh, input, t, evidence, anomalous, since, hist.writes);
      return active.map((a, i) =>
        anomalous.has(a.deployment.deploymentId) ? withMonitors(assembleEvidence(a, ix, peerWritesOf)) : evidence[i]!,
      );
    },
  };
}

const EMPTY_LINEAGE: LineageIndex = { sources: new Map(), targets: new Map(), types: new Map() };
