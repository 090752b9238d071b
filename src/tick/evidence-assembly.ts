// What the set-based reads found, handed out per deployment: each of its jobs and pipelines with its
// runs, table writes, expectations and backlog and, once a volume failure asks for it, the control
// group (untouched resources reading the same upstream tables) and the upstream tables' writes.

import type { SettingsChange } from '../checks/config-facts.js';
import type { DeploymentEvidence, SubjectEvidence } from '../checks/evidence.js';
import type { BacklogSample, ExpectationRecord, MeasurementError, RunCost, RunRecord, TableWrite } from '../types.js';
import { backlogOf, expectationsOf, type FlowCommit } from './flow-metrics.js';
import { type LineageIndex, subjectOf } from './lineage.js';
import type { ActiveDeployment } from './open.js';
import type { StatedSlasIndex } from './stated-slas-read.js';

const DAY = 86_400_000;
/** How far back expectation and backlog baselines reach: enough runs for their tests (spec §5: k >= 5). */
export const RULES_BASELINE_MS = 14 * DAY;

export function groupBy<T>(items: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const x of items) {
    const k = key(x);
    const list = out.get(k);
    if (list) list.push(x);
    else out.set(k, [x]);
  }
  return out;
}

/** The gathered reads, grouped for handing out. */
export interface EvidenceIndex {
  readonly lineage: LineageIndex;
  /** Every resource reading a source table of a judged resource: a possible peer. */
  readonly peerIds: readonly string[];
  readonly runsOf: ReadonlyMap<string, RunRecord[]>;
  /** When the runs could not be read: every subject gets this as a measurement error. */
  readonly runsError: string | null;
  readonly writesOf: ReadonlyMap<string, readonly FlowCommit[]>;
  readonly dbtOf: ReadonlyMap<string, readonly ExpectationRecord[]>;
  readonly dbtErrorsOf: ReadonlyMap<string, readonly MeasurementError[]>;
  /** The errors every deployment carries (runs and writes that could not be measured). */
  readonly measurementErrors: readonly MeasurementError[];
  /** The limits each deployment's jobs state (timeouts, duration health rules), by deployment and job id. */
  readonly statedOf?: StatedSlasIndex;
  /** Settings before and after, by deployment id (the config check); absent where not read. */
  readonly settingsOf?: ReadonlyMap<string, readonly SettingsChange[]>;
  /** When the settings could not be read: every subject's config check is unmeasured. */
  readonly settingsError?: string | null;
  /** Billed runs by subject id (the cost check); absent where billing was not read. */
  readonly costsOf?: ReadonlyMap<string, readonly RunCost[]>;
  /** Billing rows that could not be read or used, by subject (`job:<id>`). */
  readonly costErrorsOf?: ReadonlyMap<string, readonly MeasurementError[]>;
}

/**
 * A deployment's evidence; with `peerWritesOf` (the control group's and upstream tables' writes
 * by table) its peers and upstream writes too.
 */
export function assembleEvidence(
  a: ActiveDeployment,
  ix: EvidenceIndex,
  peerWritesOf: ReadonlyMap<string, readonly TableWrite[]> | null,
): DeploymentEvidence {
  const { lineage } = ix;
  const subjects: SubjectEvidence[] = a.deployment.resources.map((ref) => {
    const subject = subjectOf(ref, lineage);
    const own = subject.targetTables.flatMap((t) => ix.writesOf.get(t) ?? []);
    // Rule and backlog baselines need the recent runs, not the whole row-count baseline.
    const since = a.deployment.finishedMs - RULES_BASELINE_MS;
    const recent = own.filter((w) => w.timestampMs >= since);
    return {
      subject,
      runs: ix.runsOf.get(ref.id) ?? [],
      writes: own,
      expectations: [
        ...recent.flatMap(expectationsOf),
        ...(ix.dbtOf.get(ref.id) ?? []).filter((t) => t.timestampMs >= since),
      ],
      backlog: recent.map(backlogOf).filter((b): b is BacklogSample => b !== null),
      stated: ix.statedOf?.get(a.deployment.deploymentId)?.get(ref.id) ?? null,
      ...(ix.costsOf ? { cost: ix.costsOf.get(ref.id) ?? [] } : {}),
    };
  });
  const sources = new Set(subjects.flatMap((s) => s.subject.sourceTables));
  const own = new Set(a.deployment.resources.map((r) => r.id));
  const peerSubjects: SubjectEvidence[] =
    peerWritesOf === null
      ? []
      : ix.peerIds
          .filter((p) => !own.has(p) && [...(lineage.sources.get(p) ?? [])].some((s) => sources.has(s)))
          .map((p) => {
            const type = lineage.types.get(p) ?? 'job';
            const subject = subjectOf({ type, id: p, key: `${type}:${p}` }, lineage);
            const writes = subject.targetTables.flatMap((t) => peerWritesOf.get(t) ?? []);
            return { subject, runs: [], writes, expectations: [], backlog: [] };
          });
  const runsError = ix.runsError;
  const subjectErrors = runsError
    ? subjects.map((s) => ({ kind: 'runs', subject: `${s.subject.type}:${s.subject.id}`, message: runsError }))
    : [];
  const testErrors = subjects.flatMap((s) => ix.dbtErrorsOf.get(`${s.subject.type}:${s.subject.id}`) ?? []);
  const costErrors = subjects.flatMap((s) => ix.costErrorsOf?.get(`${s.subject.type}:${s.subject.id}`) ?? []);
  const settingsError = ix.settingsError;
  const configErrors = settingsError
    ? subjects.map((s) => ({ kind: 'config', subject: `${s.subject.type}:${s.subject.id}`, message: settingsError }))
    : [];
  const settings = ix.settingsOf?.get(a.deployment.deploymentId);
  const upstreamWrites = peerWritesOf === null ? undefined : [...sources].flatMap((t) => peerWritesOf.get(t) ?? []);
  return {
    deployment: a.deployment,
    supersededAtMs: a.supersededAtMs,
    subjects,
    peers: peerSubjects,
    errors: [...ix.measurementErrors, ...subjectErrors, ...testErrors, ...configErrors, ...costErrors],
    ...(upstreamWrites ? { upstreamWrites } : {}),
    ...(settings ? { settings } : {}),
  };
}
