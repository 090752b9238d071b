// `postflight record --stage STAGE --status STATUS`: records one CI stage of a deployment from
// what the Databricks CLI wrote (bundle summary, plan, state files) and the CI environment.

import { parseArgs } from 'node:util';
import {
  BundleInputError,
  bundleConfigSchema,
  configFromMetadata,
  deploymentStateSchema,
  metadataSchema,
  parseBundleJson,
  planSchema,
} from '../ci/bundle-outputs.js';
import { type CiContext, ciContextOf } from '../ci/ci-context.js';
import { recordStage } from '../ci/record-stage.js';
import {
  RecordInputError,
  STAGE_STATUSES,
  STAGES,
  type Stage,
  type StageRecord,
  type StageStatus,
} from '../ci/stage-record.js';
import { stageSpans } from '../ci/stage-spans.js';
import { CHECK_NAMES } from '../config/policy-schema.js';
import type { Logger } from '../log.js';
import { exportSpans, tracingEnabled } from '../telemetry/otel-driver.js';
import type { CheckName } from '../types.js';
import { POSTFLIGHT_VERSION } from '../version.js';
import type { Warehouse } from '../warehouse/port.js';
import type { Workspace } from '../workspace/port.js';
import { ConfigError, parseIntFlag } from './args.js';
import { CONNECTION_HELP, CONNECTION_OPTIONS, connectFromFlags } from './ci-connection.js';
import { codeReaderAt, codeRootFlag } from './code-files.js';
import { asConfigError, readInput } from './input-files.js';

export const RECORD_HELP = `postflight record --stage STAGE --status STATUS [options]

Records one CI stage of a deployment: run it after each step around 'databricks bundle deploy'.
Every write is a MERGE on a deterministic deployment id, so a retried step changes nothing twice.

Stages: ${STAGES.join(', ')}. Statuses: ${STAGE_STATUSES.join(', ')}.

Inputs (what the Databricks CLI writes; nothing of postflight's own invention):
  --summary FILE            databricks bundle summary -t TARGET -o json (resource ids; after a deploy)
  --validate FILE           databricks bundle validate -t TARGET -o json (before the first deploy)
  --state-path PATH         instead of the two above, inside the workspace: the bundle's state path
                            (\${workspace.state_path}); its metadata.json names the bundle and ids
  --plan FILE               databricks bundle plan -t TARGET -o json (per-resource actions)
  --metadata FILE           the bundle's state/metadata.json (else read from the workspace)
  --deployment-state FILE   the bundle's state/deployment.json (else read from the workspace)
  --version V               the version deployed (default: the git commit the CLI resolved)
  --code-root DIR           the bundle's sync root in the checkout (default: the current directory):
                            at the deploy's end the files deployment.json lists are hashed there, so
                            a rollback can tell whether code changed
  --expected-changes LIST   checks this deploy intends to move, e.g. row_count,duration
CI context (default: from the GitHub Actions, GitLab CI or Azure Pipelines environment):
  --run-id ID --attempt N --sha SHA --branch B --actor A --run-url URL
  --json                    print the record as one JSON object
Traces: with OTEL_EXPORTER_OTLP_ENDPOINT set, each finished stage is exported over OTLP/HTTP as a
span of the deployment's trace (the ids are on the rows); a failed export only warns.
${CONNECTION_HELP}
Exit codes: 0 recorded, 2 bad input or could not record (nothing half-written), 70 internal error.

Example:
  databricks bundle summary -t prod -o json > summary.json
  postflight record --stage deploy --status SUCCEEDED --summary summary.json --warehouse databricks
`;

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T {
  if (value === undefined) throw new ConfigError(`--${flag} is required; use one of ${allowed.join(', ')}`);
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(`--${flag} '${value}' is not one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/** The stage's span (and at the deploy's end the deployment's root span); a failed export only warns. */
async function exportStageSpans(
  wh: Warehouse,
  record: StageRecord,
  stage: Stage,
  status: StageStatus,
  ci: CiContext,
  nowMs: number,
  log: Logger,
): Promise<void> {
  try {
    const rows = await wh.query('record/stage_times', { deployment_id: record.deploymentId });
    const times = rows.map((r) => ({
      stage: String(r.stage),
      attempt: Number(r.attempt),
      startedMs: Number(r.started_ms),
    }));
    const spans = stageSpans({
      record,
      stage,
      status,
      ci,
      bundle: record.bundle,
      target: record.target,
      version: record.version,
      nowMs,
      times,
    });
    if (spans.length) await exportSpans(spans, POSTFLIGHT_VERSION);
  } catch (e) {
    log.warn(
      { err: (e as Error).message, deployment: record.deploymentId },
      'trace export failed; the stage is recorded',
    );
  }
}

type RecordFlags = Readonly<Record<string, string | boolean | undefined>>;

/** The CLI outputs and state files handed over as files; config is null when it comes from the state path. */
function readFileInputs(values: RecordFlags) {
  const path = (values.summary ?? values.validate) as string | undefined;
  const configFlag = values.summary !== undefined ? 'summary' : 'validate';
  const fix = `write it with 'databricks bundle ${configFlag} -t TARGET -o json > ${path}'`;
  const optional = <T>(flag: string, p: unknown, parse: (text: string, source: string) => T) =>
    typeof p === 'string' ? parse(readInput(flag, p, 'check the path'), `--${flag} ${p}`) : null;
  const planFix = "write it with 'databricks bundle plan -t TARGET -o json'";
  const stateFix = "export it with 'databricks workspace export STATE_PATH/FILE'";
  return {
    config:
      path === undefined
        ? null
        : parseBundleJson(bundleConfigSchema, readInput(configFlag, path, fix), `--${configFlag} ${path}`, fix),
    plan: optional('plan', values.plan, (t, src) => parseBundleJson(planSchema, t, src, planFix)),
    metadata: optional('metadata', values.metadata, (t, src) => parseBundleJson(metadataSchema, t, src, stateFix)),
    deploymentState: optional('deployment-state', values['deployment-state'], (t, src) =>
      parseBundleJson(deploymentStateSchema, t, src, stateFix),
    ),
  };
}

/** Inside the workspace: the bundle as its state path's metadata.json tells it. */
async function configFromStatePath(ws: Workspace, statePath: string) {
  const path = `${statePath.replace(/\/$/, '')}/metadata.json`;
  const text = await ws.exportFile(path);
  if (text === null) {
    throw new ConfigError(
      `--state-path ${statePath}: no ${path}; pass the bundle's \${workspace.state_path}, after a deploy`,
    );
  }
  const fix = 'it is written by databricks bundle deploy';
  return asConfigError(() =>
    configFromMetadata(parseBundleJson(metadataSchema, text, `workspace file ${path}`, fix), statePath, path),
  );
}

export async function runRecordCommand(argv: readonly string[], log: Logger): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      stage: { type: 'string' },
      status: { type: 'string' },
      summary: { type: 'string' },
      validate: { type: 'string' },
      'state-path': { type: 'string' },
      plan: { type: 'string' },
      metadata: { type: 'string' },
      'deployment-state': { type: 'string' },
      version: { type: 'string' },
      'code-root': { type: 'string' },
      'expected-changes': { type: 'string' },
      'run-id': { type: 'string' },
      attempt: { type: 'string' },
      sha: { type: 'string' },
      branch: { type: 'string' },
      actor: { type: 'string' },
      'run-url': { type: 'string' },
      ...CONNECTION_OPTIONS,
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(RECORD_HELP);
    return 0;
  }
  const stage: Stage = oneOf('stage', values.stage, STAGES);
  const status: StageStatus = oneOf('status', values.status, STAGE_STATUSES);
  const sources = [values.summary, values.validate, values['state-path']].filter((v) => v !== undefined);
  if (sources.length !== 1) {
    throw new ConfigError(
      'record needs the bundle config from one source: --summary FILE (databricks bundle summary -t TARGET -o json), before the first deploy --validate FILE (databricks bundle validate -t TARGET -o json), or inside the workspace --state-path PATH',
    );
  }
  const expected = (values['expected-changes'] ?? '').split(',').filter((c) => c.trim() !== '');
  for (const c of expected) {
    if (!(CHECK_NAMES as readonly string[]).includes(c.trim())) {
      throw new ConfigError(
        `--expected-changes: '${c}' is not a check; use a comma-separated list of ${CHECK_NAMES.join(', ')}`,
      );
    }
  }
  const ci = ciContextOf(process.env, {
    runId: values['run-id'],
    attempt: values.attempt === undefined ? undefined : parseIntFlag('attempt', values.attempt, 1, 1, 10_000),
    sha: values.sha,
    branch: values.branch,
    actor: values.actor,
    runUrl: values['run-url'],
  });
  // Files are read and checked before anything connects; the state path only once connected.
  const files = asConfigError(() => readFileInputs(values));
  const codeRoot = codeRootFlag(values['code-root']);
  const conn = await connectFromFlags(values, log);
  try {
    const req = { ...files, config: files.config ?? (await configFromStatePath(conn.ws, values['state-path']!)) };
    const record = await recordStage(conn.wh, conn.ws, {
      ...req,
      stage,
      status,
      nowMs: conn.nowMs(),
      ci,
      version: values.version,
      expectedChanges: expected.map((c) => c.trim() as CheckName),
      attributes: { 'cicd.pipeline.run.attempt': ci.attempt, 'postflight.ci.provider': ci.provider },
      readCode: codeReaderAt(codeRoot),
    });
    if (tracingEnabled(process.env)) await exportStageSpans(conn.wh, record, stage, status, ci, conn.nowMs(), log);
    const out = {
      deployment_id: record.deploymentId,
      trace_id: record.traceId,
      span_id: record.spanId,
      stage,
      status,
      deployment_status: record.status,
      resources: record.resources,
      notes: record.notes,
    };
    process.stdout.write(
      values.json
        ? `${JSON.stringify(out)}\n`
        : `recorded ${stage} ${status} of ${record.deploymentId}${record.status ? ` (deployment ${record.status})` : ''}${record.notes.length ? `: ${record.notes.join('; ')}` : ''}\n`,
    );
    return 0;
  } catch (e) {
    throw e instanceof RecordInputError || e instanceof BundleInputError ? new ConfigError(e.message) : e;
  } finally {
    await conn.close();
  }
}
