// The control-plane port: what postflight asks of a Databricks workspace's REST API.
// Shapes follow Jobs API 2.2 and Pipelines API 2.0 (only the fields postflight reads).

export interface ApiRunState {
  readonly life_cycle_state?: string;
  readonly result_state?: string;
  readonly state_message?: string;
}

export interface ApiRunStatus {
  readonly state?: string;
  readonly termination_details?: { readonly code?: string; readonly type?: string; readonly message?: string };
}

export interface ApiTaskRun {
  readonly task_key: string;
  readonly run_id: number | string;
  /** Epoch ms; 0 before the task starts. */
  readonly start_time?: number;
  /** Epoch ms; 0 while the task runs. */
  readonly end_time?: number;
  readonly state?: ApiRunState;
  readonly status?: ApiRunStatus;
}

export interface ApiRun {
  readonly run_id: number | string;
  readonly job_id: number | string;
  readonly start_time: number;
  /** 0 while the run is going. */
  readonly end_time?: number;
  readonly state?: ApiRunState;
  readonly status?: ApiRunStatus;
  readonly tasks?: readonly ApiTaskRun[];
  readonly run_name?: string;
}

/**
 * A run of a runs/list page that breaks the API's documented shape (a field of the wrong type, a
 * task without its key): kept out of `runs` and reported as malformed evidence of its job. The
 * ids are as the page gave them, null where they were not ids at all.
 */
export interface MalformedApiRun {
  readonly job_id: string | null;
  readonly run_id: string | null;
  readonly reason: string;
}

export interface RunsPage {
  readonly runs: readonly ApiRun[];
  /** The page's runs that break the documented shape; the other runs of the page are in `runs`. */
  readonly malformed?: readonly MalformedApiRun[];
  readonly has_more?: boolean;
  readonly next_page_token?: string;
}

export interface JobInfo {
  readonly job_id: number | string;
  readonly settings: Record<string, unknown>;
}

export interface PipelineInfo {
  readonly pipeline_id: string;
  readonly spec: Record<string, unknown>;
  /** When the settings last changed (epoch ms): what a guarded edit sends back as `expected_last_modified`. */
  readonly last_modified?: number;
}

/** A job as jobs/list lists it with expand_tasks: its settings, arrays cut at 100 (has_more then true). */
export interface ListedJob {
  readonly job_id: number | string;
  readonly settings: Record<string, unknown>;
  /** More tasks, job clusters or environments than the listing holds: jobs/get has them all. */
  readonly has_more?: boolean;
}

export interface JobsPage {
  readonly jobs: readonly ListedJob[];
  readonly next_page_token?: string;
}

/** An edit made only if the resource is still as it was read. */
export interface EditGuard {
  readonly expectedLastModified: number;
}

/** A runs/list request: runs started from `startTimeFrom` to `startTimeTo` (both inclusive, ms), one page. */
export interface RunsQuery {
  readonly startTimeFrom: number;
  /** Without it, up to now. */
  readonly startTimeTo?: number;
  readonly pageToken?: string;
}

export interface WorkspaceStats {
  calls: number;
}

export interface Workspace {
  /** `GET jobs/runs/list?start_time_from=..[&start_time_to=..]&expand_tasks=true`, one page (newest first). */
  listRuns(q: RunsQuery): Promise<RunsPage>;
  getJob(jobId: string): Promise<JobInfo | null>;
  /**
   * `GET jobs/list?expand_tasks=true&limit=100&page_token=..`: one page of the workspace's jobs with
   * their settings, for the live settings' hash; absent where the control plane cannot list jobs.
   */
  listJobs?(pageToken?: string): Promise<JobsPage>;
  /** `POST jobs/reset`: replaces every setting of the job. */
  resetJob(jobId: string, settings: Record<string, unknown>): Promise<void>;
  getPipeline(pipelineId: string): Promise<PipelineInfo | null>;
  /**
   * `PUT pipelines/{id}` with the full spec. With a guard the edit carries `expected_last_modified`
   * and the API refuses it when the pipeline changed since that time: EditConflictError.
   */
  editPipeline(pipelineId: string, spec: Record<string, unknown>, guard?: EditGuard): Promise<void>;
  /**
   * `GET workspace/export?path=..&format=AUTO`: a workspace file's text (the bundle's state files),
   * or null when there is no such file.
   */
  exportFile(path: string): Promise<string | null>;
  readonly stats: WorkspaceStats;
}
