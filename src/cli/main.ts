#!/usr/bin/env node
// The composition root: parses the command line, builds the adapters, runs one command, and
// turns errors into exit codes. 0 = ok, 1 = a verdict failed / a check did not pass, 2 = bad input
// or could not verify, 70 = internal error.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { resolveSloPolicy } from '../budget/slo-policy.js';
import { DEFAULT_POLICY } from '../checks/policy.js';
import type { PolicySet } from '../config/policy-file.js';
import { readPolicyFile } from '../config/read-policy-file.js';
import { ensureWorldTemplate, runDemo, worldTemplatePath } from '../demo/demo.js';
import { createLogger } from '../log.js';
import { resolveRollbackPolicy } from '../rollback/policy.js';
import { defaultSpec } from '../simulator/default-spec.js';
import { SimWorld } from '../simulator/world.js';
import { exportSpans, type SpanRecord, tracingEnabled } from '../telemetry/otel-driver.js';
import { runTick } from '../tick/run-tick.js';
import { POSTFLIGHT_VERSION } from '../version.js';
import { DuckDbWarehouse } from '../warehouse/duckdb/duckdb-warehouse.js';
import { ConfigError, parseIntFlag, parseWarehouse, parseWorkspace, type WarehouseTarget } from './args.js';
import { runAuditCommand } from './audit.js';
import { connect } from './connect.js';
import { runGateCommand } from './gate-command.js';
import { runPrecheckCommand } from './precheck-command.js';
import { printDemo } from './print-demo.js';
import { Progress } from './progress.js';
import { runRecordCommand } from './record-command.js';
import { runWaitCommand } from './wait-command.js';

const USAGE = `postflight <command> [options]

Commands:
  demo       build a simulated platform, replay a day with a tick per minute, score the verdicts
  simulate   build the simulated platform in the embedded warehouse
  tick       run one verification tick (on the embedded world: at its simulated clock)
  advance    move the simulated world forward (--minutes N) and tick once per minute
  setup      create postflight's tables in the warehouse (idempotent)
  audit verify   check the audit log's hash chain (exit 0 intact, 1 tampered)
  precheck   before a deploy: schema compatibility, deploy policy, rollback safety ('postflight precheck --help')
  record     record a CI stage of a deployment (run 'postflight record --help')
  wait       wait for a deployment's first or final verdict (run 'postflight wait --help')
  gate       may a version be promoted to a target? (run 'postflight gate --help')

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
  --json                    print one JSON object instead of a table
`;

class UsageError extends ConfigError {}

/** A policy file that cannot be read or does not validate is bad input (exit 2), not a crash. */
async function loadPolicies(path: string | undefined): Promise<PolicySet | undefined> {
  if (path === undefined) return undefined;
  try {
    return await readPolicyFile(path);
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
}

/** Internal command: builds the demo's world template for the size flags given, and exits. */
const BUILD_WORLD = 'build-demo-world';

function buildWorldApart(argv: readonly string[]): Promise<void> {
  const args = [BUILD_WORLD, ...argv.filter((a) => a !== 'demo')];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [process.argv[1]!, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`building the demo world exited with code ${code}`)),
    );
  });
}

async function main(argv: string[]): Promise<number> {
  // The CI side's commands take flags of their own.
  if (argv[0] === 'record') return runRecordCommand(argv.slice(1), createLogger());
  if (argv[0] === 'gate') return runGateCommand(argv.slice(1), createLogger());
  if (argv[0] === 'wait') return runWaitCommand(argv.slice(1), createLogger());
  if (argv[0] === 'precheck') return runPrecheckCommand(argv.slice(1), createLogger());
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
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
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const command = positionals[0];
  if (values.help || !command) {
    process.stdout.write(USAGE);
    return command ? 0 : 2;
  }
  const log = createLogger();
  const spec = defaultSpec({
    pipelines: parseIntFlag('pipelines', values.pipelines, defaultSpec().pipelines, 1, 2000),
    days: parseIntFlag('days', values.days, defaultSpec().days, 1, 400),
    deploysPerDay: parseIntFlag('deploys-per-day', values['deploys-per-day'], defaultSpec().deploysPerDay, 0, 5000),
    seed: parseIntFlag('seed', values.seed, defaultSpec().seed, 0, 2 ** 31),
  });
  const progress = new Progress(process.stderr);
  const connectTo = (target: WarehouseTarget) =>
    connect({
      warehouse: target,
      workspace: parseWorkspace(values.workspace, target),
      ops: values.ops,
      eventLog: values['event-log'],
      dbtArtifacts: values['dbt-artifacts'],
      env: process.env,
      log,
    });

  switch (command) {
    case 'demo': {
      const policies = await loadPolicies(values.policy);
      // A process that has just built the world replays the day about a fifth slower (its heap and
      // allocator keep the build's shape), so a missing world is built by a process of its own.
      if (!existsSync(worldTemplatePath('.postflight', spec))) await buildWorldApart(argv);
      const report = await runDemo({
        dir: '.postflight',
        spec,
        policies,
        onProgress: (phase, d, t) => progress.update(phase, d, t),
      });
      progress.done();
      if (values.json) process.stdout.write(`${JSON.stringify(report)}\n`);
      else printDemo(report, process.stdout);
      return 0;
    }
    case BUILD_WORLD: {
      await ensureWorldTemplate('.postflight', spec, (phase, d, t) => progress.update(phase, d, t));
      progress.done();
      return 0;
    }
    case 'simulate': {
      const target = parseWarehouse(values.warehouse, '.postflight');
      if (target.kind !== 'duckdb')
        throw new UsageError(
          'simulate builds a simulated platform in an embedded warehouse; use --warehouse duckdb:PATH',
        );
      const wh = await DuckDbWarehouse.open(target.path);
      try {
        if (await SimWorld.open(wh))
          throw new UsageError(
            `${target.path} already holds a simulated world; remove it or pass another --warehouse duckdb:PATH`,
          );
        const world = await SimWorld.create(wh, spec, (d, t) => progress.update('building history', d, t));
        progress.done();
        log.info(
          { path: target.path, pipelines: spec.pipelines, days: spec.days, now: new Date(world.nowMs).toISOString() },
          'simulated world ready',
        );
      } finally {
        await wh.close();
      }
      return 0;
    }
    case 'setup': {
      const target = parseWarehouse(values.warehouse, '.postflight');
      if (target.kind === 'duckdb')
        throw new UsageError(
          `the embedded warehouse is set up by 'postflight simulate --warehouse duckdb:${target.path}'`,
        );
      const conn = await connectTo(target);
      try {
        await conn.wh.applyDdl('ddl/ops');
        log.info({ statements: conn.wh.stats.statements }, 'postflight tables ready');
      } finally {
        await conn.close();
      }
      return 0;
    }
    case 'tick':
    case 'advance': {
      const target = parseWarehouse(values.warehouse, '.postflight');
      if (command === 'advance' && target.kind !== 'duckdb')
        throw new UsageError('advance moves a simulated world forward; use --warehouse duckdb:PATH');
      const conn = await connectTo(target);
      try {
        const { wh, ws, world } = conn;
        const minutes = command === 'advance' ? parseIntFlag('minutes', values.minutes, 60, 1, 100_000) : 0;
        const policies = await loadPolicies(values.policy);
        const rollback = { policy: resolveRollbackPolicy(policies?.rollback), log };
        const slos = resolveSloPolicy(policies?.slos);
        const traces = tracingEnabled(process.env)
          ? (spans: readonly SpanRecord[]) =>
              exportSpans(spans, POSTFLIGHT_VERSION).catch((e: Error) =>
                log.warn({ err: e.message }, 'trace export failed; verdicts are recorded'),
              )
          : undefined;
        const deps = { wh, ws, policy: DEFAULT_POLICY, policies, rollback, slos, ...(traces ? { traces } : {}) };
        let last = await runTick(deps, conn.nowMs());
        for (let m = 1; m <= minutes; m++) {
          await world!.advance(world!.nowMs + 60_000);
          last = await runTick(deps, conn.nowMs());
          progress.update('advancing', m, minutes);
        }
        progress.done();
        const line = {
          at: new Date(last.nowMs).toISOString(),
          deployments: last.deployments,
          verdicts: last.verdicts,
          new_runs: last.newRuns,
          statements: last.statements,
          history_reads: last.historyReads,
          rest_calls: last.restCalls,
          errors: last.errors.length,
          ms: last.durationMs,
        };
        process.stdout.write(
          values.json
            ? `${JSON.stringify(line)}\n`
            : `tick ${line.at}: ${line.deployments} deployments under verification ${JSON.stringify(line.verdicts)}, ${line.new_runs} new runs, ${line.statements} statements, ${line.errors} errors, ${line.ms} ms\n`,
        );
        for (const e of last.errors) log.warn(e, 'measurement error');
        return last.errors.length ? 2 : 0;
      } finally {
        await conn.close();
      }
    }
    case 'audit': {
      if (positionals[1] !== 'verify')
        throw new UsageError(
          `unknown audit command '${positionals[1] ?? ''}'; use 'postflight audit verify [--warehouse duckdb:PATH|databricks]'`,
        );
      const target = parseWarehouse(values.warehouse, '.postflight');
      if (target.kind === 'databricks') {
        // The audit log read where it lives; the workspace's control plane is not needed.
        const conn = await connectTo(target);
        try {
          return await runAuditCommand(conn.wh, process.stdout, values.json);
        } finally {
          await conn.close();
        }
      }
      if (!existsSync(target.path))
        throw new UsageError(
          `${target.path} does not exist; pass the warehouse holding the audit log with --warehouse duckdb:PATH or databricks`,
        );
      const wh = await DuckDbWarehouse.open(target.path);
      try {
        return await runAuditCommand(wh, process.stdout, values.json);
      } finally {
        await wh.close();
      }
    }
    default:
      throw new UsageError(`unknown command '${command}'; run 'postflight --help' for the list`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const e = err as Error;
    const usage =
      e instanceof ConfigError ||
      // node:util parseArgs rejects a flag without its value or an unknown flag with these codes.
      String((e as NodeJS.ErrnoException).code ?? '').startsWith('ERR_PARSE_ARGS_') ||
      /^--|must be|is not understood/.test(e.message) ||
      (e.name === 'TypeError' && /parseArgs|Unknown option/.test(e.message));
    process.stderr.write(`postflight: ${e.message}\n`);
    if (!usage) createLogger().error({ err: e }, 'postflight failed');
    process.exit(usage ? 2 : 70);
  },
);
