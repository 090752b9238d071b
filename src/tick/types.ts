// What a tick is given and what it reports: shared by its steps, so none of them imports the tick.

import type { ChainTail } from '../audit/hash-chain.js';
import type { VerdictChange } from '../audit/verdict-changes.js';
import type { SloPolicy } from '../budget/slo-policy.js';
import type { Policy } from '../checks/policy.js';
import type { PolicySet } from '../config/policy-file.js';
import type { Logger } from '../log.js';
import type { SpanRecord } from '../telemetry/otel-driver.js';
import type { MeasurementError } from '../types.js';
import type { UntrackedPolicy, UntrackedSweepSummary } from '../untracked/sweep.js';
import type { Warehouse } from '../warehouse/port.js';
import type { Workspace } from '../workspace/port.js';
import type { BudgetTickSummary } from './budgets.js';
import type { CostBudgetDeps, CostBudgetTickSummary } from './cost-budgets.js';
import type { RollbackDeps, RollbackTickSummary } from './decide-rollbacks.js';

export interface TickDeps {
  readonly wh: Warehouse;
  readonly ws: Workspace;
  /** Gathering settings (baseline days, window) and the default judgement policy. */
  readonly policy: Policy;
  /** The policy file, when one is given: per-bundle policies and expected-change annotations. */
  readonly policies?: PolicySet;
  /** Rollback policy and CI dispatcher; without it the tick decides no rollbacks. */
  readonly rollback?: Omit<RollbackDeps, 'wh' | 'ws'>;
  /** SLOs for error budgets; without them the tick keeps no budgets. */
  readonly slos?: SloPolicy;
  /**
   * Called once the tick has made every change it will make but its heartbeat row: what waits on
   * the tick's decisions (a replay's next minute) can go on while that row is written.
   */
  readonly onDecided?: () => void;
  /**
   * Exports the verifier's spans of the deployments' traces; without it the tick exports none. It
   * reports its own failures and never throws: a trace that cannot be sent changes no verdict.
   */
  readonly traces?: (spans: readonly SpanRecord[]) => Promise<void>;
  /**
   * First reads (a table's history or a pipeline's event log from the start of its baseline) a
   * tick catching up on many deployments without a verdict makes at most; Infinity judges them
   * all at once. Default FIRST_READS_PER_TICK (catch-up.ts).
   */
  readonly firstReadsPerTick?: number;
  /** Where the tick warns of what it judged without (a monitor it cannot read); silent without it. */
  readonly log?: Logger;
  /**
   * Days of history a new installation judges, a slice a tick, before its ticks go on as usual
   * (src/backfill/tick-step.ts); without it, or 0, the tick judges only its look-back window.
   */
  readonly backfillDays?: number;
  /**
   * Untracked changes (SOX): a periodic tick sets the control plane's changes against the recorded
   * deployments and rollbacks (src/untracked/); without it the tick looks for none.
   */
  readonly untracked?: UntrackedPolicy;
  /**
   * Cost budgets per bundle and target, and postflight's own cost: the first tick of each hour
   * prices the month's billing (src/tick/cost-budgets.ts); without it the tick keeps none.
   */
  readonly cost?: Omit<CostBudgetDeps, 'wh' | 'log'>;
  /**
   * Time the tick may take before it starts no new work (src/tick/tick-budget.ts); what it leaves
   * is recorded in its row and judged first by the next tick. Default DEFAULT_TICK_BUDGET_MS.
   */
  readonly tickBudgetMs?: number;
  /** Due deployments judged and written together, between which the budget is checked. Default DEPLOYMENTS_PER_SLICE. */
  readonly deploymentsPerSlice?: number;
}

export interface TickSummary {
  readonly tickId: string;
  readonly nowMs: number;
  readonly deployments: number;
  /** Deployments judged this tick: new, touched by new evidence, or due a re-check. */
  readonly judged: number;
  /** Deployments awaiting a first verdict that a catching-up tick left to the next ticks. */
  readonly deferred: number;
  /** First reads (tables' history, pipelines' event logs from the start) a catching-up tick counted; 0 otherwise. */
  readonly firstReads: number;
  readonly verdicts: Readonly<Record<string, number>>;
  readonly newRuns: number;
  readonly statements: number;
  readonly historyReads: number;
  readonly restCalls: number;
  readonly errors: readonly MeasurementError[];
  /**
   * What the tick could not measure, counted: ERROR results by check (`check:<name>`) and
   * measurement errors by source (`source:<kind>`), keys sorted.
   */
  readonly errorsByKind: Readonly<Record<string, number>>;
  readonly durationMs: number;
  readonly changed: readonly VerdictChange[];
  readonly rollbacks: RollbackTickSummary | null;
  readonly budgets: BudgetTickSummary | null;
  /**
   * The audit log's head as recorded when the tick ended (null: nothing recorded yet): anchored in
   * the tick's row and printed, so the head is kept outside the audit tables.
   */
  readonly auditHead?: ChainTail | null;
  /** The untracked-change sweep, on the ticks that ran one. */
  readonly untracked?: UntrackedSweepSummary;
  /** The hour's cost budgets, on the first tick of an hour when cost budgets are kept. */
  readonly cost?: CostBudgetTickSummary;
  /** The tick's time budget, and the time it took until it stopped starting new work (runTick sets both). */
  readonly budgetMs?: number;
  readonly elapsedMs?: number;
  /** What the budget left for the next tick: `deployment:<id>` and `step:<name>` (see tick-budget.ts). */
  readonly unfinished?: readonly string[];
}
