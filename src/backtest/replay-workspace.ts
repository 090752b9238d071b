// The control plane a backtest's verifier talks to: the replay world's runs and settings, read as
// the embedded workspace reads the simulated world's. A backtest never acts: its rollbacks are
// decided in dry run, and a change asked of this workspace all the same is refused.

import type { DuckDbWarehouse } from '../warehouse/duckdb/duckdb-warehouse.js';
import { EmbeddedWorkspace } from '../workspace/embedded/embedded-workspace.js';
import type { EditGuard, JobInfo, PipelineInfo, RunsPage, Workspace, WorkspaceStats } from '../workspace/port.js';

export class ReplayWorkspace implements Workspace {
  readonly #inner: EmbeddedWorkspace;

  constructor(wh: DuckDbWarehouse) {
    this.#inner = new EmbeddedWorkspace(wh);
  }

  get stats(): WorkspaceStats {
    return this.#inner.stats;
  }

  listRuns(q: { startTimeFrom: number; pageToken?: string }): Promise<RunsPage> {
    return this.#inner.listRuns(q);
  }

  getJob(jobId: string): Promise<JobInfo | null> {
    return this.#inner.getJob(jobId);
  }

  getPipeline(pipelineId: string): Promise<PipelineInfo | null> {
    return this.#inner.getPipeline(pipelineId);
  }

  exportFile(path: string): Promise<string | null> {
    return this.#inner.exportFile(path);
  }

  async resetJob(jobId: string): Promise<void> {
    throw new Error(
      `a backtest never changes a job: jobs/reset of ${jobId} refused (rollbacks are decided in dry run)`,
    );
  }

  async editPipeline(pipelineId: string, _spec: Record<string, unknown>, _guard?: EditGuard): Promise<void> {
    throw new Error(
      `a backtest never changes a pipeline: edit of ${pipelineId} refused (rollbacks are decided in dry run)`,
    );
  }
}
