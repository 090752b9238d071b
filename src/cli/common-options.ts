// The options the platform commands (demo, simulate, tick, advance, setup, audit) share: parsed
// once, with the simulated platform's size and a connection to the warehouse chosen.

import { parseArgs } from 'node:util';
import { resolveCostBudgetPolicy } from '../budget/cost-budget-policy.js';
import { resolveSloPolicy } from '../budget/slo-policy.js';
import type { PolicySet } from '../config/policy-file.js';
import { readPolicyFile } from '../config/read-policy-file.js';
import type { Logger } from '../log.js';
import { resolveRollbackPolicy } from '../rollback/policy.js';
import type { WorldSpec } from '../simulator/catalog.js';
import { defaultSpec } from '../simulator/default-spec.js';
import { ConfigError, parseIntFlag, parseWorkspace, type WarehouseTarget } from './args.js';
import { type Connection, connect } from './connect.js';

export const COMMON_OPTIONS = {
  warehouse: { type: 'string' },
  policy: { type: 'string' },
  workspace: { type: 'string' },
  ops: { type: 'string' },
  'event-log': { type: 'string' },
  'dbt-artifacts': { type: 'string' },
  pipelines: { type: 'string' },
  days: { type: 'string' },
  'deploys-per-day': { type: 'string' },
  seed: { type: 'string' },
  minutes: { type: 'string' },
  speed: { type: 'string' },
  'backfill-days': { type: 'string' },
  'lock-wait': { type: 'string' },
  'tick-budget-s': { type: 'string' },
  'verifier-job-id': { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
  'dry-run': { type: 'boolean', default: false },
  'audit-key-file': { type: 'string' },
  'expect-head': { type: 'string' },
} as const;

export function parseCommon(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], allowPositionals: true, options: COMMON_OPTIONS });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}; run 'postflight --help' for the options`);
  }
}

export type CommonValues = ReturnType<typeof parseCommon>['values'];

/** Bad use of a command (exit 2). */
export class UsageError extends ConfigError {}

export function worldSpecOf(values: CommonValues): WorldSpec {
  return defaultSpec({
    pipelines: parseIntFlag('pipelines', values.pipelines, defaultSpec().pipelines, 1, 2000),
    days: parseIntFlag('days', values.days, defaultSpec().days, 1, 400),
    deploysPerDay: parseIntFlag('deploys-per-day', values['deploys-per-day'], defaultSpec().deploysPerDay, 0, 5000),
    seed: parseIntFlag('seed', values.seed, defaultSpec().seed, 0, 2 ** 31),
  });
}

export function connectWith(values: CommonValues, target: WarehouseTarget, log: Logger): Promise<Connection> {
  return connect({
    warehouse: target,
    workspace: parseWorkspace(values.workspace, target),
    ops: values.ops,
    eventLog: values['event-log'],
    dbtArtifacts: values['dbt-artifacts'],
    lockWaitMs: lockWaitMsOf(values),
    env: process.env,
    log,
    auditKeyFile: values['audit-key-file'],
    // tick, backfill and audit verify: each writes or verifies the audit log.
    requireAuditKey: true,
  });
}

const DEFAULT_LOCK_WAIT_S = 30;

/** Seconds a command waits for an embedded file another process holds (--lock-wait, default 30). */
export function lockWaitMsOf(values: CommonValues): number {
  return parseIntFlag('lock-wait', values['lock-wait'], DEFAULT_LOCK_WAIT_S, 0, 3600) * 1000;
}

/**
 * A policy file that cannot be read or does not validate is bad input (exit 2), not a crash; its
 * `slos`, `rollback` and `costBudgets` sections are checked here too, before anything connects.
 */
export async function loadPolicies(path: string | undefined): Promise<PolicySet | undefined> {
  if (path === undefined) return undefined;
  const policies = await readPolicyFile(path);
  resolveSloPolicy(policies.slos);
  resolveRollbackPolicy(policies.rollback);
  resolveCostBudgetPolicy(policies.costBudgets);
  return policies;
}
