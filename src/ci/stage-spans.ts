// The spans of a deployment's trace that one `record` call finishes: the stage's own span, and at
// the end of the deploy the deployment's root span, from the first recorded stage to the deploy's
// end. Attribute names follow OpenTelemetry's CI/CD, deployment and VCS semantic conventions;
// postflight's own are under postflight.*. Pure.

import type { SpanRecord } from '../telemetry/otel-driver.js';
import type { CiContext } from './ci-context.js';
import { rootSpanIdOf, type Stage, type StageRecord, type StageStatus } from './stage-record.js';

export interface StageTimes {
  readonly stage: string;
  readonly attempt: number;
  readonly startedMs: number;
}

const RESULT: Readonly<Record<StageStatus, string>> = {
  STARTED: 'in_progress',
  SUCCEEDED: 'success',
  FAILED: 'failure',
  SKIPPED: 'skip',
};

export function stageSpans(input: {
  readonly record: StageRecord;
  readonly stage: Stage;
  readonly status: StageStatus;
  readonly ci: CiContext;
  readonly bundle: string;
  readonly target: string;
  readonly version: string;
  readonly nowMs: number;
  /** The deployment's recorded stages, as the events table holds them after this call's write. */
  readonly times: readonly StageTimes[];
}): SpanRecord[] {
  const { record, stage, status, ci } = input;
  if (status === 'STARTED') return [];
  const common: Record<string, string | number | boolean> = {
    'deployment.id': record.deploymentId,
    'deployment.environment.name': input.target,
    'postflight.bundle': input.bundle,
    'postflight.version': input.version,
    'vcs.ref.head.revision': input.version,
    'cicd.pipeline.run.attempt': ci.attempt,
    ...(ci.pipelineName ? { 'cicd.pipeline.name': ci.pipelineName } : {}),
    ...(ci.runId ? { 'cicd.pipeline.run.id': ci.runId } : {}),
    ...(ci.runUrl ? { 'cicd.pipeline.run.url.full': ci.runUrl } : {}),
    ...(ci.branch ? { 'vcs.ref.head.name': ci.branch } : {}),
  };
  const own = input.times.find((t) => t.stage === stage && t.attempt === ci.attempt);
  const root = rootSpanIdOf(record.deploymentId);
  const spans: SpanRecord[] = [
    {
      traceId: record.traceId,
      spanId: record.spanId,
      parentSpanId: root,
      name: `${stage} ${input.bundle} to ${input.target}`,
      startMs: own?.startedMs ?? input.nowMs,
      endMs: input.nowMs,
      ok: status !== 'FAILED',
      attributes: {
        ...common,
        'cicd.pipeline.task.name': stage,
        'cicd.pipeline.task.run.result': RESULT[status],
        'postflight.stage': stage,
      },
    },
  ];
  if (stage === 'deploy' && record.status !== null) {
    const first = Math.min(input.nowMs, ...input.times.map((t) => t.startedMs));
    spans.push({
      traceId: record.traceId,
      spanId: root,
      parentSpanId: null,
      name: `deployment ${input.bundle}@${input.version.slice(0, 12)} to ${input.target}`,
      startMs: first,
      endMs: input.nowMs,
      ok: record.status === 'SUCCEEDED',
      attributes: {
        ...common,
        'deployment.status': record.status === 'SUCCEEDED' ? 'succeeded' : 'failed',
        'postflight.deployment.status': record.status,
      },
    });
  }
  return spans;
}
