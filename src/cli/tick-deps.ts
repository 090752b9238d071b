// What a tick runs with, from the command line: the policies, rollbacks with their CI dispatcher,
// error budgets, a backfill of history, the sweep for untracked changes, trace export. Shared by
// `tick`, `advance` and `watch`.

import { maxBackfillDays } from '../backfill/backfill.js';
import { resolveCostBudgetPolicy } from '../budget/cost-budget-policy.js';
import { resolveSloPolicy } from '../budget/slo-policy.js';
import { DEFAULT_POLICY } from '../checks/policy.js';
import type { PolicySet } from '../config/policy-file.js';
import type { Logger } from '../log.js';
import { resolveRollbackPolicy } from '../rollback/policy.js';
import { exportSpans, type SpanRecord, tracingEnabled } from '../telemetry/otel-driver.js';
import type { OwnResources } from '../tick/cost-budgets.js';
import { DEFAULT_TICK_BUDGET_MS, MAX_TICK_BUDGET_S } from '../tick/tick-budget.js';
import type { TickDeps } from '../tick/types.js';
import { DEFAULT_UNTRACKED_POLICY } from '../untracked/sweep.js';
import { POSTFLIGHT_VERSION } from '../version.js';
import { ConfigError, parseIntFlag } from './args.js';
import type { CommonValues } from './common-options.js';
import type { Connection } from './connect.js';
import { rollbackDispatcher } from './rollback-dispatcher.js';

export function tickDepsOf(
  values: CommonValues,
  conn: Pick<Connection, 'wh' | 'ws'>,
  policies: PolicySet | undefined,
  log: Logger,
): TickDeps {
  // A new installation's first ticks judge this many days of history first (0: none).
  const backfillDays = parseIntFlag('backfill-days', values['backfill-days'], 0, 0, maxBackfillDays(DEFAULT_POLICY));
  const tickBudgetMs = tickBudgetMsOf(values['tick-budget-s']);
  const policy = resolveRollbackPolicy(policies?.rollback);
  const rollback = { policy, log, dispatcher: rollbackDispatcher(policy, process.env, log) };
  const slos = resolveSloPolicy(policies?.slos);
  const costBudgets = resolveCostBudgetPolicy(policies?.costBudgets);
  // A bad id is bad input even where no budget is kept yet: the job would carry it into the first one.
  const own = ownResourcesOf(values['verifier-job-id'], process.env);
  const traces = tracingEnabled(process.env)
    ? (spans: readonly SpanRecord[]) =>
        exportSpans(spans, POSTFLIGHT_VERSION).catch((e: Error) =>
          log.warn({ err: e.message }, 'trace export failed; verdicts are recorded'),
        )
    : undefined;
  return {
    wh: conn.wh,
    ws: conn.ws,
    policy: DEFAULT_POLICY,
    ...(policies ? { policies } : {}),
    rollback,
    slos,
    backfillDays,
    tickBudgetMs,
    log,
    untracked: DEFAULT_UNTRACKED_POLICY,
    ...(costBudgets ? { cost: { policy: costBudgets, own } } : {}),
    ...(traces ? { traces } : {}),
  };
}

/**
 * The tick's time budget: seconds as a decimal integer (not 1e3, 0x10 or 5.0: a budget is read the
 * way a person writes it), from 1 to MAX_TICK_BUDGET_S.
 */
export function tickBudgetMsOf(value: string | undefined): number {
  if (value === undefined) return DEFAULT_TICK_BUDGET_MS;
  if (!/^[0-9]+$/.test(value))
    throw new ConfigError(
      `--tick-budget-s '${value}' must be a whole number of seconds written in decimal digits, e.g. 50`,
    );
  return parseIntFlag('tick-budget-s', value, DEFAULT_TICK_BUDGET_MS / 1000, 1, MAX_TICK_BUDGET_S) * 1000;
}

/**
 * postflight's own job and warehouse, whose usage is priced as its own cost: the job's id as the
 * job passes it (--verifier-job-id {{job.id}}), the warehouse the connection uses.
 */
export function ownResourcesOf(
  jobId: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): OwnResources {
  if (jobId !== undefined && !/^[0-9]{1,19}$/.test(jobId))
    throw new ConfigError(
      `--verifier-job-id '${jobId}' must be the verifier job's numeric id; in job.yml pass "{{job.id}}", which the job fills in`,
    );
  const fromPath = /\/warehouses\/([A-Za-z0-9]+)/.exec(env.DATABRICKS_HTTP_PATH ?? '')?.[1];
  return { verifierJobId: jobId ?? null, warehouseId: env.DATABRICKS_WAREHOUSE_ID?.trim() || fromPath || null };
}
