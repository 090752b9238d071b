// The control plane of the simulated world: Jobs API answers built from the world's run
// table at the simulated "now", paged 25 at a time like the real runs/list.

import { writeControlAudit } from '../../simulator/control-audit.js';
import { POSTFLIGHT_VERSION } from '../../version.js';
import type { DuckDbWarehouse } from '../../warehouse/duckdb/duckdb-warehouse.js';
import { loadSql } from '../../warehouse/sql-files.js';
import { EditConflictError } from '../edit-conflict.js';
import type {
  ApiRun,
  EditGuard,
  JobInfo,
  JobsPage,
  PipelineInfo,
  RunsPage,
  RunsQuery,
  Workspace,
  WorkspaceStats,
} from '../port.js';

export const RUNS_PAGE_SIZE = 25;
/** The largest page jobs/list serves. */
export const JOBS_PAGE_SIZE = 100;

/** The service principal postflight's rollbacks run as in the simulated workspace. */
export const ROLLBACK_IDENTITY = 'sp-postflight-rollback';

/** The system tables' task result states in the Jobs API's words. */
const API_TASK_RESULT: Readonly<Record<string, string>> = {
  SUCCEEDED: 'SUCCESS',
  FAILED: 'FAILED',
  TIMED_OUT: 'TIMEDOUT',
};

export class EmbeddedWorkspace implements Workspace {
  readonly stats: WorkspaceStats = { calls: 0 };
  readonly #wh: DuckDbWarehouse;
  #edits = 0;

  constructor(wh: DuckDbWarehouse) {
    this.#wh = wh;
  }

  async listRuns(q: RunsQuery): Promise<RunsPage> {
    this.stats.calls++;
    const offset = q.pageToken ? Number(q.pageToken) : 0;
    const rows = await this.#wh.session.all(loadSql('embedded/api_runs_list'), {
      since_ms: q.startTimeFrom,
      to_ms: q.startTimeTo ?? null,
      page_offset: offset,
      page_size: RUNS_PAGE_SIZE + 1,
    });
    const page = rows.slice(0, RUNS_PAGE_SIZE);
    const runs: ApiRun[] = page.map((r) => {
      const done = Boolean(r.done);
      const tasks = JSON.parse(String(r.tasks ?? '[]')) as Array<{
        taskKey: string;
        runId: string;
        startMs?: number;
        endMs: number;
        result: string;
      }>;
      return {
        run_id: String(r.run_id),
        job_id: String(r.job_id),
        run_name: String(r.run_name ?? ''),
        start_time: Number(r.start_ms),
        end_time: done ? Number(r.end_ms) : 0,
        state: done
          ? { life_cycle_state: 'TERMINATED', result_state: String(r.result_state) }
          : { life_cycle_state: 'RUNNING' },
        status: done
          ? {
              state: 'TERMINATED',
              termination_details: { code: String(r.termination_code), type: String(r.termination_type) },
            }
          : { state: 'RUNNING' },
        tasks: tasks.map((t) => {
          const tdone = done || t.endMs <= Number(r.now_ms);
          const started = t.startMs !== undefined && t.startMs <= Number(r.now_ms);
          return {
            task_key: t.taskKey,
            run_id: t.runId,
            ...(started ? { start_time: t.startMs!, end_time: tdone ? t.endMs : 0 } : {}),
            state: tdone
              ? { life_cycle_state: 'TERMINATED', result_state: API_TASK_RESULT[t.result] ?? 'FAILED' }
              : { life_cycle_state: started ? 'RUNNING' : 'PENDING' },
          };
        }),
      };
    });
    const more = rows.length > RUNS_PAGE_SIZE;
    return more
      ? { runs, has_more: true, next_page_token: String(offset + RUNS_PAGE_SIZE) }
      : { runs, has_more: false };
  }

  async getJob(jobId: string): Promise<JobInfo | null> {
    this.stats.calls++;
    const rows = await this.#wh.session.all(
      "SELECT settings FROM sim_world.api_resources WHERE resource_id = $id AND resource_type = 'job'",
      { id: jobId },
    );
    return rows[0]
      ? { job_id: jobId, settings: JSON.parse(String(rows[0].settings)) as Record<string, unknown> }
      : null;
  }

  /** Jobs listed 100 a page in job id order, as jobs/list pages them; the token is the next offset. */
  async listJobs(pageToken?: string): Promise<JobsPage> {
    this.stats.calls++;
    const offset = pageToken ? Number(pageToken) : 0;
    const rows = await this.#wh.session.all(
      "SELECT resource_id, settings FROM sim_world.api_resources WHERE resource_type = 'job' ORDER BY resource_id LIMIT $n OFFSET $o",
      { n: JOBS_PAGE_SIZE + 1, o: offset },
    );
    const jobs = rows.slice(0, JOBS_PAGE_SIZE).map((r) => ({
      job_id: String(r.resource_id),
      settings: JSON.parse(String(r.settings)) as Record<string, unknown>,
    }));
    return rows.length > JOBS_PAGE_SIZE ? { jobs, next_page_token: String(offset + JOBS_PAGE_SIZE) } : { jobs };
  }

  async resetJob(jobId: string, settings: Record<string, unknown>): Promise<void> {
    this.stats.calls++;
    await this.#apply(jobId, 'job', settings, (settings.tags as Record<string, string> | undefined)?.version);
  }

  /** The simulated platform keeps no workspace files: bundle state is handed to `record` as files. */
  async exportFile(_path: string): Promise<string | null> {
    this.stats.calls++;
    return null;
  }

  async getPipeline(pipelineId: string): Promise<PipelineInfo | null> {
    this.stats.calls++;
    const rows = await this.#wh.session.all(
      "SELECT settings, last_modified FROM sim_world.api_resources WHERE resource_id = $id AND resource_type = 'pipeline'",
      { id: pipelineId },
    );
    return rows[0]
      ? {
          pipeline_id: pipelineId,
          spec: JSON.parse(String(rows[0].settings)) as Record<string, unknown>,
          last_modified: Number(rows[0].last_modified),
        }
      : null;
  }

  async editPipeline(pipelineId: string, spec: Record<string, unknown>, guard?: EditGuard): Promise<void> {
    this.stats.calls++;
    if (guard) {
      // As the Pipelines API does: a stale expected_last_modified is refused, nothing is written.
      const [row] = await this.#wh.session.all(
        "SELECT last_modified FROM sim_world.api_resources WHERE resource_id = $id AND resource_type = 'pipeline'",
        { id: pipelineId },
      );
      if (row && Number(row.last_modified) !== guard.expectedLastModified) {
        throw new EditConflictError(
          `pipeline ${pipelineId}`,
          guard.expectedLastModified,
          `its settings were last modified at ${Number(row.last_modified)} (RESOURCE_CONFLICT)`,
        );
      }
    }
    await this.#apply(
      pipelineId,
      'pipeline',
      spec,
      (spec.configuration as Record<string, string> | undefined)?.['postflight.version'],
    );
  }

  /** Changes made to jobs and pipelines so far: a replay tells by it whether a tick rolled something back. */
  get edits(): number {
    return this.#edits;
  }

  async #apply(
    id: string,
    type: string,
    settings: Record<string, unknown>,
    version: string | undefined,
  ): Promise<void> {
    this.#edits++;
    const rows = await this.#wh.session.all(
      'SELECT resource_id FROM sim_world.api_resources WHERE resource_id = $id AND resource_type = $type',
      { id, type },
    );
    if (rows.length === 0) throw new Error(`${type} ${id} does not exist (RESOURCE_DOES_NOT_EXIST)`);
    // The simulated clock stands still within a tick: last_modified still moves on every edit, so
    // a guarded edit can tell a second change in the same millisecond.
    await this.#wh.session.run(
      'UPDATE sim_world.api_resources SET settings = $settings, version = COALESCE($version, version), changed_ms = (SELECT now_ms FROM sim_world.clock), last_modified = greatest((SELECT now_ms FROM sim_world.clock), last_modified + 1) WHERE resource_id = $id',
      { settings: JSON.stringify(settings), version: version ?? null, id },
    );
    await this.#wh.session.run(
      'INSERT INTO sim_world.api_changes SELECT $id, $type, CAST($version AS VARCHAR), now_ms FROM sim_world.clock',
      { id, type, version: version ?? null },
    );
    // The workspace's audit log records the change under the identity that made it: the rollback's.
    const [clock] = await this.#wh.session.all('SELECT now_ms FROM sim_world.clock');
    await writeControlAudit(this.#wh, [
      {
        atMs: Number(clock?.now_ms ?? 0),
        email: ROLLBACK_IDENTITY,
        userAgent: `postflight/${POSTFLIGHT_VERSION} node`,
        resourceType: type === 'pipeline' ? 'pipeline' : 'job',
        resourceId: id,
        action: type === 'pipeline' ? 'edit' : 'reset',
        settings,
      },
    ]);
  }
}
