// Judgement policy: thresholds, criticality and dry-run per check. Defaults follow the
// statistics specification; a policy file can override them (see src/config).

import type { CheckName, Subject } from '../types.js';
import { DEFAULT_MONITORS, type MonitorsPolicy } from './monitor-policy.js';

/** Run duration (detection spec §4): the rank test that backs the sequential test. */
export interface DurationPolicy {
  /** Post-deploy cycles before Mann-Whitney may fail a deploy (reported from 3). */
  readonly mwMinPost: number;
  /** One-sided Mann-Whitney level for a failure. */
  readonly mwAlpha: number;
}

/** DLT expectations and dbt tests (detection spec §5). */
export interface ExpectationsPolicy {
  /** Baseline runs with counts needed to judge a failure rate. */
  readonly minBaselineRuns: number;
  /** Below this many baseline failures the beta-binomial fit is meaningless: use Fisher. */
  readonly fisherBelowFailures: number;
  readonly suspectP: number;
  readonly suspectRatio: number;
  readonly failP: number;
  readonly failRatio: number;
  /** Smallest absolute rise of the failure rate worth a rollback (0.001 = 0.1 pp). */
  readonly failAbsIncrease: number;
  /** Consecutive suspect runs that make a failure. */
  readonly consecutiveSuspects: number;
  /** New-failure rule: an error rule that passed this share of the baseline runs... */
  readonly newFailurePassRate: number;
  /** ...over at least this many runs fails the deploy when it fails after it. */
  readonly newFailureMinRuns: number;
}

/** Streaming backlog growth after the deploy. */
export interface BacklogPolicy {
  readonly minBaselineSamples: number;
  readonly minPostSamples: number;
  /** Backlog level against the pre-deploy median (on 1 + backlog) for a warning. */
  readonly warnRatio: number;
  readonly failRatio: number;
  /** Robust z of the current level against the pre-deploy samples. */
  readonly warnZ: number;
  readonly failZ: number;
  /** Backlogs below these are never a concern, whatever their ratio. */
  readonly minSeconds: number;
  readonly minRecords: number;
}

/** DBUs per run after the deploy against the same slot before it (cost.ts). */
export interface CostPolicy {
  /** The rise in DBUs per run that warns (1.25: +25 %). */
  readonly warnRatio: number;
  /** The rise that fails (2: twice the DBUs per run). */
  readonly failRatio: number;
}

export interface Policy {
  /** False-rollback budget per critical metric (SPRT alpha). */
  readonly alpha: number;
  /** SPRT miss rate. */
  readonly beta: number;
  /** Per-run prediction score level for a warning. */
  readonly warnAlpha: number;
  /**
   * Relative change the sequential tests look for (volume, duration: δ = ln(1 ± deltaRel)), and
   * the smallest pooled change of duration a rollback is worth.
   */
  readonly deltaRel: number;
  /**
   * Materiality of a volume change: the pooled post-deploy ratio of rows written must be beyond
   * ±materiality before the volume check fails, whatever its test says.
   */
  readonly materiality: number;
  /** Materiality per table (catalog.schema.table), over the bundle's. */
  readonly materialityByTable: Readonly<Record<string, number>>;
  /** Relative change below which a per-run deviation is not worth a warning. */
  readonly warnRel: number;
  readonly minBaseline: number;
  readonly minBaselineForRollback: number;
  readonly baselineDays: number;
  readonly kMax: { readonly daily: number; readonly hourly: number; readonly other: number };
  readonly window: { readonly maxHours: number; readonly minRunsHealthy: number };
  readonly critical: Readonly<Record<CheckName, boolean>>;
  readonly dryRun: Readonly<Record<CheckName, boolean>>;
  /** Hard SLA per subject id (job or pipeline id), seconds. */
  readonly slaSeconds: Readonly<Record<string, number>>;
  /** Hard SLA per bundle resource key (resources.jobs.<key>), seconds. */
  readonly slaSecondsByKey: Readonly<Record<string, number>>;
  /** Hard SLA for every job and pipeline of the bundle without a more specific one, seconds. */
  readonly slaSecondsDefault: number | null;
  /**
   * Whether a job's and its tasks' own timeout_seconds and RUN_DURATION_SECONDS health rules are
   * hard SLAs where the policy sets none (see sla.ts).
   */
  readonly slaFromSettings: boolean;
  /** How long after a volume concern a failure may wait for untouched peers reading the same sources. */
  readonly controlHoldMinutes: number;
  readonly duration: DurationPolicy;
  readonly expectations: ExpectationsPolicy;
  readonly backlog: BacklogPolicy;
  /** Databricks' own monitors read as evidence; none by default. */
  readonly monitors: MonitorsPolicy;
  readonly cost: CostPolicy;
}

export const DEFAULT_POLICY: Policy = {
  alpha: 0.001,
  beta: 0.1,
  warnAlpha: 0.01,
  deltaRel: 0.2,
  materiality: 0.15,
  materialityByTable: {},
  warnRel: 0.1,
  minBaseline: 7,
  minBaselineForRollback: 14,
  baselineDays: 28,
  kMax: { daily: 7, hourly: 24, other: 12 },
  window: { maxHours: 72, minRunsHealthy: 3 },
  critical: {
    run_health: true,
    row_count: true,
    freshness: true,
    duration: true,
    expectations: true,
    backlog: false,
    // Evidence beside postflight's own statistics, never in their place: a concern, not a rollback.
    monitors: false,
    config: true,
    // What a run costs is a concern to raise, not a reason to roll back, unless a bundle says so.
    cost: false,
  },
  dryRun: {
    run_health: false,
    row_count: false,
    freshness: false,
    duration: false,
    expectations: false,
    backlog: false,
    monitors: false,
    config: false,
    cost: false,
  },
  slaSeconds: {},
  slaSecondsByKey: {},
  slaSecondsDefault: null,
  slaFromSettings: true,
  controlHoldMinutes: 90,
  duration: { mwMinPost: 5, mwAlpha: 0.001 },
  expectations: {
    minBaselineRuns: 5,
    fisherBelowFailures: 5,
    suspectP: 0.01,
    suspectRatio: 1.2,
    failP: 0.001,
    failRatio: 1.5,
    failAbsIncrease: 0.001,
    consecutiveSuspects: 2,
    newFailurePassRate: 0.95,
    newFailureMinRuns: 7,
  },
  backlog: {
    minBaselineSamples: 12,
    minPostSamples: 3,
    warnRatio: 2,
    failRatio: 4,
    warnZ: 3.5,
    failZ: 5,
    minSeconds: 300,
    minRecords: 10_000,
  },
  monitors: DEFAULT_MONITORS,
  cost: { warnRatio: 1.25, failRatio: 2 },
};

export function kMaxFor(policy: Policy, cadenceMs: number | null): number {
  if (cadenceMs === null) return policy.kMax.other;
  if (cadenceMs >= 20 * 3_600_000) return policy.kMax.daily;
  if (cadenceMs >= 50 * 60_000) return policy.kMax.hourly;
  return policy.kMax.other;
}

/** The volume fail gate of a table: its own materiality, else the bundle's. */
export function materialityFor(policy: Policy, table: string): number {
  return policy.materialityByTable[table] ?? policy.materiality;
}

/** The hard SLA of a subject: by its id, else by its bundle resource key, else the bundle's. */
export function slaSecondsFor(policy: Policy, subject: Pick<Subject, 'id'>, resourceKey: string | null): number | null {
  return (
    policy.slaSeconds[subject.id] ??
    (resourceKey !== null ? policy.slaSecondsByKey[resourceKey] : undefined) ??
    policy.slaSecondsDefault
  );
}
