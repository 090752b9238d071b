// `postflight setup` without its command line: learns the published event logs, builds the plan,
// applies it (unless a dry run) and fills in the grants and workspace permissions to apply.

import type { Locations } from '../warehouse/port.js';
import { loadSql } from '../warehouse/sql-files.js';
import { discoverEventLogs, type PipelineDirectory, type UncoveredPipeline } from './event-log-view.js';
import { type Identities, renderGrants } from './grants.js';
import { type PermissionPlan, permissionPlan } from './permissions.js';
import { applyPlan, planStatements, SetupStepError, type SetupTarget, setupPlan } from './plan.js';
import { samePrincipal, sqlPrincipal } from './principals.js';

export interface SetupInput {
  readonly loc: Locations;
  readonly who: Identities;
  /** Published event-log tables named on the command line (--event-logs). */
  readonly eventLogTables: readonly string[];
  /** Lists the workspace's pipelines for their published event logs (--pipelines-from workspace). */
  readonly directory: PipelineDirectory | null;
  /** Null for a dry run: nothing is sent to a warehouse. */
  readonly target: SetupTarget | null;
  readonly warehouseId?: string;
}

export interface SetupReport {
  readonly dryRun: boolean;
  /** The statements applied, or that a dry run would apply, in order. */
  readonly statements: ReadonlyArray<{ readonly from: string; readonly sql: string }>;
  readonly stepsApplied: number;
  readonly eventLog: {
    readonly view: string;
    readonly tables: readonly string[];
    readonly uncovered: readonly UncoveredPipeline[];
  };
  readonly grants: readonly string[];
  /** Grants on objects only the installation knows (watched tables, catalogs), to fill in by hand. */
  readonly alsoGrant: readonly string[];
  readonly permissions: PermissionPlan;
  readonly warnings: readonly string[];
}

export async function runSetup(input: SetupInput): Promise<SetupReport> {
  const { loc, who } = input;
  const found = input.directory ? await discovered(input.directory) : null;
  const tables = [...new Set([...input.eventLogTables, ...(found?.tables ?? [])])].sort();
  const steps = setupPlan(loc, tables);
  const statements = planStatements(steps, loc);
  const stepsApplied = input.target ? await applyPlan(steps, input.target) : 0;
  return {
    dryRun: input.target === null,
    statements,
    stepsApplied,
    eventLog: { view: loc.eventLog, tables, uncovered: found?.uncovered ?? [] },
    grants: renderGrants(loadSql('grants'), loc, who),
    alsoGrant: alsoGrant(who),
    permissions: permissionPlan(who, {
      ...(input.warehouseId ? { warehouseId: input.warehouseId } : {}),
      ...(found ? { pipelineIds: found.pipelineIds } : {}),
    }),
    warnings: warnings(input, tables),
  };
}

async function discovered(dir: PipelineDirectory) {
  try {
    return await discoverEventLogs(dir);
  } catch (e) {
    throw new SetupStepError(
      `setup could not list the workspace's pipelines (--pipelines-from workspace): ${(e as Error).message}. Nothing was applied; name the event logs with --event-logs instead, or grant the principal running setup CAN_VIEW on the pipelines`,
    );
  }
}

function alsoGrant(who: Identities): string[] {
  const out: string[] = [];
  if (who.verifier)
    out.push(
      `GRANT SELECT ON TABLE <each table the watched jobs and pipelines write> TO ${sqlPrincipal(who.verifier)}; -- DESCRIBE HISTORY reads them`,
    );
  if (who.deployer)
    out.push(
      `GRANT BROWSE ON CATALOG <each catalog of the tables precheck compares> TO ${sqlPrincipal(who.deployer)}; -- information_schema shows only what the reader may browse`,
    );
  if (who.rollback)
    out.push(
      `-- ${who.rollback.name} resets jobs and pipelines that run as a service principal only if it holds that service principal's Service Principal User role`,
    );
  return out;
}

function warnings(input: SetupInput, tables: readonly string[]): string[] {
  const { who, loc } = input;
  const out: string[] = [];
  if (!who.deployer && !who.verifier && !who.rollback)
    out.push('no principals given: pass --deployer, --verifier and --rollback to fill in the grants');
  if (samePrincipal(who.deployer, who.verifier))
    out.push(
      `--deployer and --verifier are both ${who.deployer!.name}: the identity whose deployments are judged could then rewrite their verdicts and the audit log`,
    );
  if (who.rollback && who.verifier && !samePrincipal(who.rollback, who.verifier))
    out.push(
      `rollbacks are made by the tick with the credentials the verifier job runs with: ${who.rollback.name}'s permissions act only where the tick runs as it (strategy jobs-api); with strategy ci-dispatch the redeploy runs in CI as the deployer`,
    );
  if (tables.length === 0)
    out.push(
      `no published event log named (--event-logs or --pipelines-from workspace): setup made no event-log view, so ${loc.eventLog} must already exist for the tick to read pipeline events`,
    );
  return out;
}
