// The domain vocabulary shared by the pure core and the adapters.
// Times are epoch milliseconds (UTC) everywhere in the core: no Date objects, no clock reads.

export type Plane = 'fast' | 'slow';

export type ResourceType = 'job' | 'pipeline';

export interface ResourceRef {
  readonly type: ResourceType;
  readonly id: string;
  /** Key of the resource inside the bundle (resources.jobs.<key>). */
  readonly key: string;
  /**
   * Whether the job runs dbt (has a dbt_task), as recorded at deploy time; absent when not known,
   * and then its dbt test results are read as for a dbt job.
   */
  readonly dbt?: boolean;
}

/** PENDING before the deploy; PARTIAL when it changed some of its resources and then failed. */
export type DeploymentStatus = 'PENDING' | 'STARTED' | 'SUCCEEDED' | 'PARTIAL' | 'FAILED';

export interface Deployment {
  readonly deploymentId: string;
  readonly bundle: string;
  readonly target: string;
  readonly version: string;
  readonly previousVersion: string | null;
  readonly actor: string;
  readonly startedMs: number;
  readonly finishedMs: number;
  readonly status: DeploymentStatus;
  readonly resources: readonly ResourceRef[];
  /** Checks the deploy intends to move (e.g. row_count), from its expected-change annotation. */
  readonly expectedChanges: readonly CheckName[];
}

/** Run outcome normalised across the Jobs API, system tables and the pipeline event log. */
export type RunResult = 'SUCCESS' | 'FAILED' | 'TIMED_OUT' | 'CANCELED' | 'SKIPPED' | 'RUNNING' | 'UNKNOWN';

/** Who is to blame when a run fails: the code/config that was deployed, or the platform. */
export type FailureCause = 'user' | 'infrastructure' | 'unknown';

export interface RunRecord {
  readonly subjectId: string;
  readonly runId: string;
  readonly startMs: number;
  readonly endMs: number | null;
  readonly result: RunResult;
  /** The vendor's own word for the outcome, kept for explanations. */
  readonly rawResult: string | null;
  readonly cause: FailureCause;
  readonly failedTasks: readonly string[];
  readonly plane: Plane;
  /** The run's task runs with their times, where the source gives them (task-level SLAs). */
  readonly tasks?: readonly TaskRunRecord[];
}

/** One task run of a job run: what a task's own timeout or health rule is held against. */
export interface TaskRunRecord {
  readonly taskKey: string;
  readonly startMs: number;
  /** null while the task runs. */
  readonly endMs: number | null;
  readonly result: RunResult;
}

/** What one job run or pipeline update cost, from its billing records (system.billing.usage). */
export interface RunCost {
  readonly subjectId: string;
  readonly runId: string;
  /** When its first usage record starts (billing is hourly: the hour the run started in). */
  readonly usageFromMs: number;
  /** When its newest usage record ends: how far its billing has come. */
  readonly billedToMs: number;
  readonly dbus: number;
  /** List price of those DBUs at the usage time, USD; null where no price covers a record. */
  readonly dollars: number | null;
}

export interface TableWrite {
  readonly table: string;
  readonly subjectId: string;
  readonly runId: string | null;
  readonly timestampMs: number;
  readonly rows: number | null;
  readonly plane: Plane;
}

/** One data-quality rule evaluated by one run: a DLT expectation or a dbt test. */
export interface ExpectationRecord {
  readonly subjectId: string;
  readonly runId: string;
  readonly timestampMs: number;
  /** Expectation or test name, unique within the subject. */
  readonly name: string;
  /** Table (DLT dataset) or dbt model the rule guards. */
  readonly dataset: string | null;
  /** error = the rule fails the flow or the build (expect_or_fail, dbt severity error); warn otherwise. */
  readonly severity: 'error' | 'warn';
  /** Records that passed and failed; null for pass/fail tests that report no counts. */
  readonly passed: number | null;
  readonly failed: number | null;
  /** The rule's outcome on this run. */
  readonly outcome: 'pass' | 'fail';
  /** Why the rule measured nothing on this run (a dbt test that errored); the outcome then means nothing. */
  readonly error?: string;
  readonly source: 'dlt' | 'dbt';
  readonly plane: Plane;
}

/** Backlog of one streaming flow, as a flow_progress event reports it. */
export interface BacklogSample {
  readonly subjectId: string;
  readonly flow: string;
  readonly timestampMs: number;
  /** Runs (updates) a sample belongs to; null for continuous pipelines. */
  readonly runId: string | null;
  readonly backlogRecords: number | null;
  readonly backlogSeconds: number | null;
  readonly plane: Plane;
}

export interface Subject {
  readonly type: ResourceType;
  readonly id: string;
  readonly name: string;
  /** Unity Catalog tables the subject writes. */
  readonly targetTables: readonly string[];
  /** Tables the subject reads (lineage), used to find control-group peers. */
  readonly sourceTables: readonly string[];
}

export type CheckName =
  | 'run_health'
  | 'row_count'
  | 'freshness'
  | 'duration'
  | 'expectations'
  | 'backlog'
  /** Databricks' own monitors (data quality monitoring, drift metrics), where the policy turns them on. */
  | 'monitors'
  /** What the deploy changed in how its jobs and pipelines are started and watched. */
  | 'config'
  /** DBUs (and dollars) per run from system.billing.usage, against the same slot before the deploy. */
  | 'cost';

export type CheckStatus = 'PASS' | 'WARN' | 'FAIL' | 'INCONCLUSIVE' | 'ERROR' | 'SKIPPED';

export interface CheckResult {
  readonly check: CheckName;
  /** job:<id>, pipeline:<id> or table:<full name>. */
  readonly subject: string;
  /** Number of post-deploy runs this result has seen: one statistical look per new run. */
  readonly look: number;
  readonly status: CheckStatus;
  readonly critical: boolean;
  readonly observed: number | null;
  readonly baselineN: number;
  readonly baselineCenter: number | null;
  readonly baselineSpread: number | null;
  readonly threshold: number | null;
  readonly statistic: number | null;
  readonly pValue: number | null;
  readonly effect: number | null;
  readonly postN: number;
  readonly plane: Plane;
  /** How old the newest piece of evidence was when judged, seconds. */
  readonly evidenceAgeS: number | null;
  readonly explanation: string;
  /** Set when the result is not trusted to roll back by itself (dry-run, expected change, upstream). */
  readonly suppressedBy: string | null;
  /** When the result may change with no new evidence (a table turning stale); null if only new evidence can change it. */
  readonly recheckAtMs: number | null;
  /** Time of the evidence (the run) at which a WARN or FAIL was reached; null otherwise. */
  readonly decidedAtMs: number | null;
  /** For an ERROR, what kind of error it is, as its explanation starts (e.g. 'malformed evidence'). */
  readonly kind?: string;
}

export type VerdictState = 'VERIFYING' | 'HEALTHY' | 'DEGRADED' | 'FAILED' | 'ROLLED_BACK' | 'INCONCLUSIVE';

/** Verdicts of a deployment that failed: it failed verification, or was rolled back because it did. */
export const FAILING_VERDICTS: ReadonlySet<string> = new Set<VerdictState>(['FAILED', 'ROLLED_BACK']);

export interface Verdict {
  readonly deploymentId: string;
  readonly state: VerdictState;
  readonly reason: string;
  /** True once the verdict will not change any more (superseded, window closed, decided). */
  readonly final: boolean;
  readonly postRuns: number;
  /** When to judge again even if no new evidence arrives; null once final. */
  readonly recheckAtMs: number | null;
}

/** A measurement that could not be taken: data, never a failed check. */
export interface MeasurementError {
  readonly kind: string;
  readonly subject: string;
  readonly message: string;
  /** Why it could not be taken, where that is not a failed read: 'malformed evidence' for a row that broke its source's rules. */
  readonly fault?: string;
}
