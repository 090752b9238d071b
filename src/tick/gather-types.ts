// What the gather step takes and hands on (gather.ts): the deployments due and what discovery
// read for them, and each deployment's evidence with the reads still on their way.

import type { DeploymentEvidence } from '../checks/evidence.js';
import type { Policy } from '../checks/policy.js';
import type { MeasurementError, RunRecord } from '../types.js';
import type { Row } from '../warehouse/port.js';
import type { FlowCommit } from './flow-metrics.js';
import type { ActiveDeployment } from './open.js';
import type { StatedSlasRead } from './stated-slas-read.js';
export interface GatherInput {
  readonly active: readonly ActiveDeployment[];
  readonly nowMs: number;
  /** Subjects with a run that finished since the last tick. */
  readonly finishedSince: ReadonlySet<string>;
  readonly marks: ReadonlyMap<string, number>;
  /** Baseline days and window. */
  readonly policy: Policy;
  /** The tick's errors so far; gathering adds its own. Runs and writes errors go to every deployment. */
  readonly errors: MeasurementError[];
  /** Flow commits read this tick and not merged yet. */
  readonly pendingCommits?: readonly FlowCommit[];
  /** The tick's own write to the run cache, still in flight: what writes the cache again waits for it. */
  readonly runsCached?: Promise<unknown>;
  /** The runs that write carries, laid over the runs read instead of waiting for it. */
  readonly pendingRuns?: readonly RunRecord[];
  /** When the last tick ran: a table a run has written since is probably due a history read. */
  readonly lastTickMs?: number;
  /**
   * Where the baselines start, when not at those of `active` (a catching-up tick judges a slice
   * of the deployments due): a table's history is read once, back to the oldest baseline due.
   */
  readonly horizonFromMs?: number;
  /** Lineage rows read already for these deployments and maybe more (see Discovery.lineage). */
  readonly lineage?: Promise<Row[]>;
  /** The jobs' stated limits read already for these deployments and maybe more (see Discovery.stated). */
  readonly stated?: Promise<StatedSlasRead>;
  /** Each bundle's own policy, for which of Databricks' monitors its deployments are judged by. */
  readonly policyFor?: (bundle: string) => Policy;
  /** Where a monitor that cannot be read is reported (a warning, never a measurement error). */
  readonly warn?: (message: string) => void;
}

export interface GatheredEvidence {
  /** Each deployment's evidence, in the order given, without its control group. */
  readonly evidence: readonly DeploymentEvidence[];
  /** Watermarks this gathering sets (pipelines followed for the first time). */
  readonly newMarks: Readonly<Record<string, number>>;
  /**
   * The history read written to the commit cache: still on its way when the evidence is handed
   * out, awaited before anything of the tick reads that cache again or the tick is recorded.
   */
  readonly cacheWritten: Promise<unknown>;
  /** The evidence of every deployment, with the control group read for the ones named. */
  withControlGroup(ids: ReadonlySet<string>): Promise<DeploymentEvidence[]>;
}

export interface Gathered extends GatheredEvidence {
  /** The error budgets' context (deployments and tags of the judged bundles), read beside the evidence. */
  readonly budgetContext: Promise<Row[]> | undefined;
}
