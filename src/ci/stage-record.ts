// What one `postflight record` call writes, worked out from what the CLI, the workspace and CI say.
// Pure: the same inputs give the same rows, so a retried CI step writes the same rows again. The
// deployment id, trace id and span ids are derived, never drawn, for the same reason: the verifier
// adds its spans to the deployment's trace without asking anyone for its id.

import { createHash } from 'node:crypto';
import { deploymentIdOf } from '../deployment-id.js';
import type { CheckName, DeploymentStatus, ResourceRef } from '../types.js';
import { type BundleResource, planChanges } from './bundle-outputs.js';
import type { CiContext } from './ci-context.js';
import { type DeploymentRecord, type RecordBatch, type ResourceSnapshot, settingsHash } from './record.js';

export const STAGES = ['validate', 'precheck', 'deploy', 'verify', 'promote', 'rollback'] as const;
export type Stage = (typeof STAGES)[number];
export const STAGE_STATUSES = ['STARTED', 'SUCCEEDED', 'FAILED', 'SKIPPED'] as const;
export type StageStatus = (typeof STAGE_STATUSES)[number];

export interface StageInput {
  readonly stage: Stage;
  readonly status: StageStatus;
  readonly nowMs: number;
  readonly bundle: string;
  readonly target: string;
  readonly version: string;
  readonly previousVersion: string | null;
  readonly ci: CiContext;
  /** The bundle's jobs and pipelines, with their ids once deployed and the plan's actions. */
  readonly resources: readonly BundleResource[];
  /** The deploy sequence from the bundle's deployment.json, when read. */
  readonly deploySeq: number | null;
  readonly expectedChanges: readonly CheckName[];
  /**
   * For a finished deploy: each deployed resource's settings as the workspace holds them now (null
   * when it does not exist), by id, and the settings hash the previous deployment recorded for it.
   */
  readonly live: ReadonlyMap<string, Readonly<Record<string, unknown>> | null>;
  readonly previousHashes: ReadonlyMap<string, string>;
  readonly attributes: Readonly<Record<string, string | number | boolean>>;
  /** The deployment's id when the caller already holds it (the simulator's planned deploys). */
  readonly deploymentId?: string;
}

export interface StageRecord {
  readonly deploymentId: string;
  readonly bundle: string;
  readonly target: string;
  readonly version: string;
  readonly traceId: string;
  readonly spanId: string;
  /** The deployment's status this call records; null when the stage leaves the deployment row as it is. */
  readonly status: DeploymentStatus | null;
  /** The resources the deployment is verified (and rolled back) on. */
  readonly resources: readonly ResourceRef[];
  readonly batch: RecordBatch;
  /** Why the status is what it is, for people. */
  readonly notes: readonly string[];
}

/** Thrown when the inputs cannot name the deployment; the message names the flag that fixes it. */
export class RecordInputError extends Error {}

const hex = (s: string, n: number) => createHash('sha256').update(s).digest('hex').slice(0, n);

/** The deployment's trace: one per deployment, the same for CI and the verifier. */
export function traceIdOf(deploymentId: string): string {
  return hex(`trace\u0000${deploymentId}`, 32);
}

/** The deployment's root span, parent of every stage span and of the verifier's spans. */
export function rootSpanIdOf(deploymentId: string): string {
  return hex(`root\u0000${deploymentId}`, 16);
}

export function stageSpanIdOf(deploymentId: string, stage: string, attempt: number): string {
  return hex(`stage\u0000${deploymentId}\u0000${stage}\u0000${attempt}`, 16);
}

/**
 * A CI run (and its attempt) names one deployment in every stage; without CI, the deploy sequence
 * does (known once the deploy has run).
 */
export function deploymentIdFor(input: Pick<StageInput, 'bundle' | 'target' | 'version' | 'ci' | 'deploySeq'>): string {
  const { bundle, target, version, ci } = input;
  if (ci.runId !== null) return deploymentIdOf(bundle, target, version, `ci:${ci.runId}:${ci.attempt}`);
  if (input.deploySeq !== null) return deploymentIdOf(bundle, target, version, `seq:${input.deploySeq}`);
  throw new RecordInputError(
    'cannot name the deployment: no CI run id in the environment and no deploy sequence; pass --run-id (the CI run) or --deployment-state (the bundle state deployment.json)',
  );
}

const refOf = (r: BundleResource & { id: string }): ResourceRef => ({
  type: r.type,
  id: r.id,
  key: r.key,
  ...(r.dbt === undefined ? {} : { dbt: r.dbt }),
});

/** Resources the deploy reached: their settings changed from what the previous deployment left. */
function reachedBy(input: StageInput, deployed: ReadonlyArray<BundleResource & { id: string }>) {
  return deployed.filter((r) => {
    if (!planChanges(r)) return false;
    const now = input.live.get(r.id);
    if (now === null || now === undefined) return false;
    const before = input.previousHashes.get(r.id);
    return before === undefined ? r.action === 'create' || r.action === 'recreate' : settingsHash(now) !== before;
  });
}

function deploymentStatus(input: StageInput, deployed: ReadonlyArray<BundleResource & { id: string }>) {
  const all = deployed.map(refOf);
  if (input.stage === 'validate' || input.stage === 'precheck') {
    return { status: 'PENDING' as const, resources: all, notes: [] };
  }
  if (input.stage !== 'deploy') return { status: null, resources: all, notes: [] };
  if (input.status === 'STARTED') return { status: 'STARTED' as const, resources: all, notes: [] };
  if (input.status === 'SUCCEEDED') return { status: 'SUCCEEDED' as const, resources: all, notes: [] };
  if (input.status === 'SKIPPED') return { status: 'FAILED' as const, resources: all, notes: ['deploy skipped'] };
  const reached = reachedBy(input, deployed);
  if (reached.length === 0) {
    return {
      status: 'FAILED' as const,
      resources: all,
      notes: ['the deploy failed before changing any job or pipeline'],
    };
  }
  const missed = deployed.filter((r) => planChanges(r) && !reached.includes(r)).map((r) => `${r.type} ${r.key}`);
  return {
    status: 'PARTIAL' as const,
    resources: reached.map(refOf),
    notes: [
      `the deploy failed part way: ${reached.map((r) => `${r.type} ${r.key}`).join(', ')} changed${missed.length ? `; ${missed.join(', ')} did not` : ''}`,
    ],
  };
}

export function stageRecord(input: StageInput): StageRecord {
  const deploymentId = input.deploymentId ?? deploymentIdFor(input);
  const traceId = traceIdOf(deploymentId);
  const spanId = stageSpanIdOf(deploymentId, input.stage, input.ci.attempt);
  const deployed = input.resources.filter((r): r is BundleResource & { id: string } => r.id !== null);
  const { status, resources, notes } = deploymentStatus(input, deployed);
  const finished = input.status !== 'STARTED';
  const terminalDeploy = input.stage === 'deploy' && finished;
  const deployments: DeploymentRecord[] =
    status === null
      ? []
      : [
          {
            deploymentId,
            bundle: input.bundle,
            target: input.target,
            version: input.version,
            previousVersion: input.previousVersion,
            actor: input.ci.actor ?? '',
            ciRunUrl: input.ci.runUrl,
            startedMs: input.stage === 'deploy' ? input.nowMs : null,
            finishedMs: terminalDeploy ? input.nowMs : null,
            status,
            resources,
            expectedChanges: input.expectedChanges,
            traceId,
          },
        ];
  const snapshots: Array<{ deploymentId: string; snapshot: ResourceSnapshot }> = [];
  if (terminalDeploy) {
    for (const r of resources) {
      const settings = input.live.get(r.id);
      if (settings) snapshots.push({ deploymentId, snapshot: { resource: r, settings } });
    }
  }
  const event = {
    stage: input.stage,
    attempt: input.ci.attempt,
    startedMs: input.nowMs,
    finishedMs: finished ? input.nowMs : null,
    status: input.status,
    attributes: {
      ...input.attributes,
      ...(input.deploySeq !== null ? { 'postflight.deploy_seq': input.deploySeq } : {}),
    },
    spanId,
  };
  return {
    deploymentId,
    bundle: input.bundle,
    target: input.target,
    version: input.version,
    traceId,
    spanId,
    status,
    resources,
    batch: { deployments, snapshots, events: [{ deploymentId, traceId, event }] },
    notes,
  };
}
