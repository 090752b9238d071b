// What the checks judge: per deployment, the subjects it touched with their runs and table
// writes before and after the deploy, and any measurement that could not be taken.

import type {
  BacklogSample,
  Deployment,
  ExpectationRecord,
  MeasurementError,
  RunCost,
  RunRecord,
  Subject,
  TableWrite,
} from '../types.js';
import type { SettingsChange } from './config-facts.js';
import type { MonitorEvidence } from './monitors.js';
import type { StatedSlas } from './stated-slas.js';

export interface SubjectEvidence {
  readonly subject: Subject;
  /** Runs before and after the deploy, any order. */
  readonly runs: readonly RunRecord[];
  /** Writes to the subject's target tables, before and after the deploy. */
  readonly writes: readonly TableWrite[];
  /** DLT expectations and dbt tests evaluated by the runs, before and after the deploy. */
  readonly expectations: readonly ExpectationRecord[];
  /** Backlog samples of the subject's streaming flows, before and after the deploy. */
  readonly backlog: readonly BacklogSample[];
  /** The limits the job's deployed settings state (timeouts, duration health rules); absent when unknown. */
  readonly stated?: StatedSlas | null;
  /** What its runs cost, before and after the deploy (system.billing.usage); absent when not gathered. */
  readonly cost?: readonly RunCost[];
}

export interface DeploymentEvidence {
  readonly deployment: Deployment;
  /** When a newer deployment of the same bundle and target took over, if one did. */
  readonly supersededAtMs: number | null;
  readonly subjects: readonly SubjectEvidence[];
  readonly errors: readonly MeasurementError[];
  /** Untouched peers that read the same upstream tables: the control group. */
  readonly peers: readonly SubjectEvidence[];
  /**
   * Commits into the subjects' upstream tables themselves (their Delta history), gathered with
   * the peers when a volume concern needs them; absent when not gathered.
   */
  readonly upstreamWrites?: readonly TableWrite[];
  /** Databricks' own monitors' rows about the deployment's tables, where the policy reads them. */
  readonly monitors?: MonitorEvidence;
  /** Each job's and pipeline's settings just before and after the deploy, where gathered (the config check). */
  readonly settings?: readonly SettingsChange[];
}

export interface JudgeContext {
  readonly nowMs: number;
}

/** The post-deploy period: from the end of the deploy to now or to the next deploy. */
export function postWindow(ev: DeploymentEvidence, nowMs: number): { fromMs: number; toMs: number } {
  return { fromMs: ev.deployment.finishedMs, toMs: Math.min(nowMs, ev.supersededAtMs ?? Infinity) };
}

/** Runs that started after the deploy finished (a run that straddles the deploy is neither). */
export function postRuns(runs: readonly RunRecord[], fromMs: number, toMs: number): RunRecord[] {
  return runs.filter((r) => r.startMs >= fromMs && r.startMs < toMs).sort((a, b) => a.startMs - b.startMs);
}

export function preRuns(runs: readonly RunRecord[], fromMs: number): RunRecord[] {
  return runs.filter((r) => r.endMs !== null && r.endMs <= fromMs).sort((a, b) => a.startMs - b.startMs);
}
