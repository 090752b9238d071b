#!/usr/bin/env node
// The composition root: parses the command line, runs one command, and turns errors into exit
// codes. 0 = ok, 1 = a verdict failed / a check did not pass, 2 = bad input or could not verify,
// 70 = internal error.

import { exitCodeOf, messageOf } from '../errors.js';
import { createLogger } from '../log.js';
import { scrub, secretValues } from '../secrets.js';
import { runAuditCli } from './audit.js';
import { runAuditReportCommand } from './audit-report-command.js';
import { runBackfillCommand } from './backfill-command.js';
import { runBacktestCommand } from './backtest-command.js';
import { COMMAND_HELP } from './command-help.js';
import { parseCommon, UsageError } from './common-options.js';
import { BUILD_WORLD, runBuildWorldCommand, runDemoCommand } from './demo-command.js';
import { runExplainCommand } from './explain-command.js';
import { runGateCommand } from './gate-command.js';
import { runPrecheckCommand } from './precheck-command.js';
import { runRecordCommand } from './record-command.js';
import { runReportCommand } from './report-command.js';
import { runRestoreCommand } from './restore-command.js';
import { runRetentionCommand } from './retention-command.js';
import { runSetupCommand } from './setup-command.js';
import { runSimulateCommand } from './simulate-command.js';
import { runTickCommand } from './tick-command.js';
import { runWaitCommand } from './wait-command.js';
import { runWatchCommand } from './watch-command.js';

const USAGE = `postflight <command> [options]

Commands:
  demo       build a simulated platform, replay a day with a tick per minute, score the verdicts
  simulate   build the simulated platform in the embedded warehouse
  tick       run one verification tick (on the embedded world: at its simulated clock)
  advance    move the simulated world forward (--minutes N) and tick once per minute
  setup      create postflight's tables and views in a workspace's warehouse (idempotent)
             --event-logs C.S.T,.. | --pipelines-from workspace: also the event-log view over them;
             --deployer P --verifier P --rollback P: the grants to print; --dry-run ('postflight setup --help')
  audit verify   check the audit log's hash chain (exit 0 intact, 1 tampered)
  audit report   every production change in a period with its deployment, approver, verdict and rollback, or UNTRACKED
                 (--from --to, --format csv|json, --out FILE; 'postflight audit report --help')
  retention  move ops rows past 90 days to the archives, remove archived rows past a year ('postflight retention --help')
  precheck   before a deploy: schema compatibility, deploy policy, rollback safety ('postflight precheck --help')
  record     record a CI stage of a deployment (run 'postflight record --help')
  wait       wait for a deployment's first or final verdict (run 'postflight wait --help')
  gate       may a version be promoted to a target? (run 'postflight gate --help')
  backfill   judge the deployments of the last N days as of their own time, so rollbacks have targets (--days N; 'postflight backfill --help')
  backtest   replay your own exported history offline: what postflight would have decided (--from DIR; 'postflight backtest --help')
  report     one self-contained HTML page of a period: timeline, failing checks, rollbacks, budgets, DORA ('postflight report --help')
  watch      tick every minute with a live status; --speed N on the embedded world ('postflight watch --help')
  restore    the tables a failed version wrote, put back: restore plan DEPLOYMENT [--out FILE], restore apply --plan FILE --approve ('postflight restore --help')
  explain    a deployment's story: verdict, checks drawn before and after, control group, rollback, blast radius (explain latest-failed; 'postflight explain --help')

Options:
  --warehouse duckdb:PATH   embedded warehouse file (default .postflight/workspace.duckdb)
  --warehouse databricks    a SQL warehouse of a real workspace (DATABRICKS_* environment variables)
  --workspace embedded|databricks   the control plane (default: goes with --warehouse)
  --ops CATALOG.SCHEMA      postflight's tables on Databricks (default ops.postflight)
  --event-log C.S.TABLE     the pipeline event log on Databricks (default <ops>.pipeline_event_log)
  --dbt-artifacts C.S       schema of the Elementary dbt package's tables, read for dbt test results
                            (Databricks; default POSTFLIGHT_DBT_ARTIFACTS, else no dbt results)
  --pipelines N --days N --deploys-per-day N --seed N   size of the simulated platform
  --policy FILE             policy file (JSON; see policy.example.json): criticality, dry-run, SLAs, expected changes
  --backfill-days N         tick: a new installation's first ticks judge N days of history first, a slice a tick (default 0)
  --tick-budget-s N         tick: seconds a tick may take before it starts no new work; the rest waits for the next tick (default 50)
  --verifier-job-id ID      tick: the verifier job's id, its usage priced as postflight's own cost (with costBudgets in the policy)
  --json                    print one JSON object instead of a table
`;

// The SQL driver's dependencies call the deprecated Buffer(): a warning on stderr no user can act
// on, which would come before the one line an error is reported in.
process.noDeprecation = true;

async function main(argv: string[]): Promise<number> {
  // The CI side's commands take flags of their own.
  if (argv[0] === 'record') return runRecordCommand(argv.slice(1), createLogger());
  if (argv[0] === 'gate') return runGateCommand(argv.slice(1), createLogger());
  if (argv[0] === 'wait') return runWaitCommand(argv.slice(1), createLogger());
  if (argv[0] === 'precheck') return runPrecheckCommand(argv.slice(1), createLogger());
  if (argv[0] === 'setup') return runSetupCommand(argv.slice(1), createLogger());
  if (argv[0] === 'retention') return runRetentionCommand(argv.slice(1), createLogger());
  if (argv[0] === 'backtest') return runBacktestCommand(argv.slice(1), createLogger());
  if (argv[0] === 'report') return runReportCommand(argv.slice(1), createLogger());
  if (argv[0] === 'restore') return runRestoreCommand(argv.slice(1), createLogger());
  if (argv[0] === 'audit' && argv[1] === 'report') return runAuditReportCommand(argv.slice(2), createLogger());
  const { values, positionals } = parseCommon(argv);
  const command = positionals[0];
  if (command === 'backfill') return runBackfillCommand(values, createLogger());
  if (command === 'explain') return runExplainCommand(positionals, values, createLogger());
  if (command === 'watch') return runWatchCommand(values, createLogger());
  if (values.help && command && COMMAND_HELP[command]) {
    process.stdout.write(COMMAND_HELP[command]);
    return 0;
  }
  if (values.help || !command) {
    process.stdout.write(USAGE);
    return command ? 0 : 2;
  }
  const log = createLogger();
  switch (command) {
    case 'demo':
      return runDemoCommand(argv, values);
    case BUILD_WORLD:
      return runBuildWorldCommand(values);
    case 'simulate':
      return runSimulateCommand(values, log);
    case 'setup':
      return runSetupCommand(
        argv.filter((_, i) => i !== argv.indexOf('setup')),
        log,
      );
    case 'tick':
    case 'advance':
      return runTickCommand(command, values, log);
    case 'audit':
      return runAuditCli(positionals[1], values, log);
    default:
      throw new UsageError(`unknown command '${command}'; run 'postflight --help' for the list`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    // The error's class decides the code; only a bug (70) is logged with its stack.
    const code = exitCodeOf(err);
    if (code === 70) createLogger().error({ err }, 'postflight failed');
    // One line, written out before the process ends.
    process.stderr.write(
      `postflight: ${scrub(messageOf(err), secretValues(process.env)).replace(/\n\s*/g, code === 70 ? ' ' : '\n  ')}\n`,
      () => process.exit(code),
    );
  },
);
