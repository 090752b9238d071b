// `postflight record` through the ports: the bundle's state files read from the workspace when CI
// did not hand them over, what the previous deployment left, the deployed settings read back after
// a deploy, then the rows written, each a MERGE, the deployment row last (it is what makes the
// verifier look). Every input is checked before anything is written.

import { liveSettings } from '../rollback/strategies/strategy.js';
import type { CheckName } from '../types.js';
import { idRows } from '../warehouse/id-rows.js';
import type { Warehouse } from '../warehouse/port.js';
import type { Workspace } from '../workspace/port.js';
import {
  type BundleConfig,
  type BundleMetadata,
  type BundlePlan,
  bundleResources,
  type DeploymentState,
  deploymentStateSchema,
  metadataSchema,
  parseBundleJson,
} from './bundle-outputs.js';
import type { CiContext } from './ci-context.js';
import { type CodeReader, codeAttributes, fingerprintOf } from './code-fingerprint.js';
import { recordDeployments } from './record.js';
import {
  deploymentIdFor,
  RecordInputError,
  type Stage,
  type StageRecord,
  type StageStatus,
  stageRecord,
} from './stage-record.js';

export interface RecordRequest {
  readonly stage: Stage;
  readonly status: StageStatus;
  readonly nowMs: number;
  readonly ci: CiContext;
  /** `bundle summary -o json` (ids of deployed resources) or `bundle validate -o json`. */
  readonly config: BundleConfig;
  readonly plan: BundlePlan | null;
  /** The state files, when CI exported them; otherwise read from the bundle's state path. */
  readonly metadata: BundleMetadata | null;
  readonly deploymentState: DeploymentState | null;
  /** The version deployed; by default the git commit the CLI resolved. */
  readonly version?: string | undefined;
  readonly expectedChanges: readonly CheckName[];
  readonly attributes: Readonly<Record<string, string | number | boolean>>;
  /** Reads the files deployment.json lists from the CI checkout, to fingerprint the deployed code. */
  readonly readCode?: CodeReader;
}

async function stateFile<T>(
  ws: Workspace,
  statePath: string | undefined,
  name: string,
  parse: (text: string, source: string) => T,
): Promise<T | null> {
  if (statePath === undefined) return null;
  const path = `${statePath.replace(/\/$/, '')}/${name}`;
  const text = await ws.exportFile(path);
  return text === null ? null : parse(text, `workspace file ${path}`);
}

/** Reads what the request leaves out, works out the rows, and writes them. */
export async function recordStage(wh: Warehouse, ws: Workspace, req: RecordRequest): Promise<StageRecord> {
  const { config } = req;
  const statePath = config.workspace?.state_path;
  const fix = 'the bundle state is written by `databricks bundle deploy`; pass the files CI exported instead';
  const metadata =
    req.metadata ??
    (req.stage === 'deploy' && req.status !== 'STARTED'
      ? await stateFile(ws, statePath, 'metadata.json', (t, s) => parseBundleJson(metadataSchema, t, s, fix))
      : null);
  const deploymentState =
    req.deploymentState ??
    (await stateFile(ws, statePath, 'deployment.json', (t, s) => parseBundleJson(deploymentStateSchema, t, s, fix)));
  const version = req.version ?? config.bundle.git?.commit ?? metadata?.config.bundle.git?.commit;
  if (version === undefined || version === '') {
    throw new RecordInputError(
      'no version: the bundle config has no git commit (deployed from outside a git repository); pass --version, e.g. --version "$GITHUB_SHA"',
    );
  }
  const bundle = config.bundle.name;
  const target = config.bundle.target;
  const resources = bundleResources(config, metadata, req.plan);
  // Before the deploy the sequence in deployment.json is the previous deploy's: it names this one
  // only once the deploy has run.
  const seqNames =
    req.stage !== 'validate' && req.stage !== 'precheck' && !(req.stage === 'deploy' && req.status === 'STARTED');
  const deploySeq = seqNames ? (deploymentState?.seq ?? null) : null;
  const deploymentId = deploymentIdFor({ bundle, target, version, ci: req.ci, deploySeq });
  const ids = resources.flatMap((r) => (r.id === null ? [] : [r.id]));
  const rows = await wh.query('record/previous', { bundle, target, deployment_id: deploymentId }, idRows(ids));
  const previousVersion = (rows.find((r) => r.kind === 'previous')?.version as string | null | undefined) ?? null;
  const previousHashes = new Map(
    rows.filter((r) => r.kind === 'hash').map((r) => [String(r.resource_id), String(r.settings_hash)]),
  );
  const live = new Map<string, Readonly<Record<string, unknown>> | null>();
  if (req.stage === 'deploy' && req.status !== 'STARTED') {
    const deployed = resources.filter((r): r is typeof r & { id: string } => r.id !== null);
    const settings = await Promise.all(deployed.map((r) => liveSettings(ws, r)));
    deployed.forEach((r, i) => {
      live.set(r.id, settings[i]!);
    });
  }
  const code =
    req.stage === 'deploy' && req.status !== 'STARTED' && req.readCode
      ? await codeFingerprint(deploymentState, req.readCode)
      : { attributes: {}, note: null };
  const record = stageRecord({
    stage: req.stage,
    status: req.status,
    nowMs: req.nowMs,
    bundle,
    target,
    version,
    previousVersion,
    ci: req.ci,
    resources,
    deploySeq,
    expectedChanges: req.expectedChanges,
    live,
    previousHashes,
    attributes: { ...req.attributes, ...code.attributes },
  });
  await recordDeployments(wh, record.batch, req.nowMs);
  return code.note ? { ...record, notes: [...record.notes, code.note] } : record;
}

/**
 * The deployed code's fingerprint, from the files deployment.json lists as CI's checkout holds
 * them. Without it a rollback cannot tell whether code changed, so a gap is said, not guessed.
 */
async function codeFingerprint(
  state: DeploymentState | null,
  read: CodeReader,
): Promise<{ attributes: Record<string, string | number>; note: string | null }> {
  const paths = state?.files?.map((f) => f.local_path) ?? [];
  if (paths.length === 0) {
    return {
      attributes: {},
      note: 'deployment.json lists no synced files: the code is not fingerprinted, so a rollback cannot tell whether it changed',
    };
  }
  const { files, missing } = await read(paths);
  if (missing.length) {
    return {
      attributes: {},
      note: `${missing.length} of the ${paths.length} files deployment.json lists are not in the checkout (e.g. ${missing[0]}): the code is not fingerprinted; run record from the bundle's sync root or pass --code-root`,
    };
  }
  return { attributes: codeAttributes(fingerprintOf(files)), note: null };
}
