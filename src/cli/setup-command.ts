// `postflight setup`: creates postflight's tables, its views and the event-log view in a
// workspace's warehouse (safe to run again), and prints the grants and workspace permissions for
// the principals given. Run by the owner of the ops schema.

import { parseArgs } from 'node:util';
import type { Logger } from '../log.js';
import type { PipelineDirectory } from '../setup/event-log-view.js';
import type { Identities } from '../setup/grants.js';
import { SetupStepError } from '../setup/plan.js';
import { type Principal, PrincipalError, parsePrincipal } from '../setup/principals.js';
import { runSetup, type SetupReport } from '../setup/run-setup.js';
import { DatabricksWarehouse } from '../warehouse/databricks/databricks-warehouse.js';
import { validateIdentifier } from '../warehouse/sql-template.js';
import { DatabricksWorkspace } from '../workspace/databricks/databricks-workspace.js';
import { parseWarehouse } from './args.js';
import { COMMON_OPTIONS, UsageError } from './common-options.js';
import { connect, connectRestWorkspace, databricksLocations } from './connect.js';
import { printSetupReport } from './print-setup.js';

export const SETUP_HELP = `postflight setup --warehouse databricks [options]

Creates postflight's schema and tables (sql/ddl/ops.sql), the views of sql/views/ in file-name
order, and the event-log view over the watched pipelines' published event logs; then prints the
grants and workspace permissions to apply. Every statement is CREATE ... IF NOT EXISTS or CREATE
OR REPLACE VIEW: running setup twice leaves the same objects. Run it as the principal that is to
own the ops schema (USE CATALOG and CREATE SCHEMA on the catalog, SELECT on the published event
logs) and apply what it prints as that owner; run it again after adding a watched pipeline.

  --ops CATALOG.SCHEMA        postflight's tables (default ops.postflight; POSTFLIGHT_OPS)
  --event-log C.S.NAME        the view the tick reads pipeline events from (default <ops>.pipeline_event_log)
  --event-logs C.S.T[,...]    published event-log tables to read (a pipeline's event_log setting)
  --pipelines-from workspace  list the workspace's pipelines (REST) and read every published event log
  --deployer P  --verifier P  --rollback P
                              the principals to grant to: a service principal's application id, a
                              user's email or a group name; --rollback defaults to --verifier (the
                              tick rolls back with its own credentials)
  --dbt-artifacts C.S         the Elementary dbt schema the verifier reads (grants only)
  --dry-run                   print the statements instead of running them: no SQL warehouse is
                              opened (--pipelines-from still lists the pipelines over REST)
  --json                      print one JSON object

Exit codes: 0 done (or printed), 1 a statement failed (those before it are applied; run setup
again once fixed), 2 bad input, 70 internal error.

Example:
  postflight setup --warehouse databricks --ops ops.postflight --pipelines-from workspace \
    --deployer sp-ci-deployer --verifier sp-postflight-verifier --dry-run
`;

const SETUP_OPTIONS = {
  ...COMMON_OPTIONS,
  deployer: { type: 'string' },
  verifier: { type: 'string' },
  rollback: { type: 'string' },
  'event-logs': { type: 'string', multiple: true },
  'pipelines-from': { type: 'string' },
} as const;

export async function runSetupCommand(argv: readonly string[], log: Logger): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: SETUP_OPTIONS });
  if (values.help) {
    process.stdout.write(SETUP_HELP);
    return 0;
  }
  if (positionals.length)
    throw new UsageError(`setup takes no argument '${positionals[0]}'; see 'postflight setup --help'`);
  const target = parseWarehouse(values.warehouse, '.postflight');
  if (target.kind === 'duckdb')
    throw new UsageError(
      `setup prepares a Databricks workspace: use --warehouse databricks (the embedded warehouse is set up by 'postflight simulate --warehouse duckdb:${target.path}')`,
    );
  const from = values['pipelines-from'];
  if (from !== undefined && from !== 'workspace')
    throw new UsageError(`--pipelines-from '${from}' is not understood; use --pipelines-from workspace`);
  const who = identitiesOf(values);
  const eventLogTables = eventLogsOf(values['event-logs'] ?? []);
  const locOptions = {
    ops: values.ops,
    eventLog: values['event-log'],
    dbtArtifacts: values['dbt-artifacts'],
    env: process.env,
    requireWorkspaceId: false,
  };
  const loc = databricksLocations(locOptions);
  const warehouseId = warehouseIdOf(process.env);
  const common = { loc, who, eventLogTables, ...(warehouseId ? { warehouseId } : {}) };

  // A dry run reads the pipelines over REST when asked to, and never opens the SQL warehouse.
  const dryRun = async () =>
    runSetup({ ...common, directory: from ? await connectRestWorkspace(process.env) : null, target: null });
  const applied = async () => {
    const conn = await connect({ ...locOptions, warehouse: target, workspace: 'databricks', log });
    try {
      if (!(conn.wh instanceof DatabricksWarehouse) || !(conn.ws instanceof DatabricksWorkspace))
        throw new Error('setup: the Databricks connection did not open the Databricks adapters');
      const directory: PipelineDirectory | null = from ? conn.ws : null;
      const r = await runSetup({ ...common, directory, target: conn.wh });
      log.info({ steps: r.stepsApplied, statements: r.statements.length }, 'postflight setup applied');
      return r;
    } finally {
      await conn.close();
    }
  };

  let report: SetupReport;
  try {
    report = values['dry-run'] ? await dryRun() : await applied();
  } catch (e) {
    if (!(e instanceof SetupStepError)) throw e;
    process.stderr.write(`postflight: ${e.message}\n`);
    return 1;
  }
  printSetupReport(report, values.json);
  return 0;
}

function identitiesOf(values: { deployer?: string; verifier?: string; rollback?: string }): Identities {
  const one = (flag: 'deployer' | 'verifier' | 'rollback'): Principal | undefined => {
    const v = values[flag];
    if (v === undefined) return undefined;
    try {
      return parsePrincipal(flag, v);
    } catch (e) {
      throw e instanceof PrincipalError ? new UsageError(e.message) : e;
    }
  };
  const deployer = one('deployer');
  const verifier = one('verifier');
  const rollback = one('rollback') ?? verifier;
  return {
    ...(deployer ? { deployer } : {}),
    ...(verifier ? { verifier } : {}),
    ...(rollback ? { rollback } : {}),
  };
}

/** --event-logs, repeated or comma-separated: each a catalog.schema.table name. */
function eventLogsOf(given: readonly string[]): string[] {
  const names = given.flatMap((g) => g.split(',')).map((s) => s.trim());
  for (const n of names) {
    let parts: string[] = [];
    try {
      parts = validateIdentifier(n, '--event-logs');
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    if (parts.length !== 3)
      throw new UsageError(
        `--event-logs '${n}' must be catalog.schema.table, the table a pipeline's event_log setting publishes to`,
      );
  }
  return names;
}

/** The warehouse id for the printed Permissions API request, from the connection settings. */
function warehouseIdOf(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const id =
    env.DATABRICKS_WAREHOUSE_ID?.trim() || /\/warehouses\/([A-Za-z0-9]+)/.exec(env.DATABRICKS_HTTP_PATH ?? '')?.[1];
  return id && /^[A-Za-z0-9]+$/.test(id) ? id : undefined;
}
