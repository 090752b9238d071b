// The verifier's part of a deployment's trace: a span for each verdict change and each rollback
// step, under the deployment's root span, so one trace shows a deployment from validate to
// restore. The ids are derived like CI's (src/ci/stage-record.ts), so no one is asked for them.
// Pure.

import { createHash } from 'node:crypto';
import type { VerdictChange } from '../audit/verdict-changes.js';
import { rootSpanIdOf, traceIdOf } from '../ci/stage-record.js';
import type { SpanRecord } from '../telemetry/otel-driver.js';
import { FAILING_VERDICTS } from '../types.js';
import type { RollbackTickSummary } from './decide-rollbacks.js';

const spanIdOf = (...parts: string[]) => createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 16);

export function verifierSpans(input: {
  readonly tickId: string;
  readonly nowMs: number;
  readonly changed: readonly VerdictChange[];
  readonly rollbacks: RollbackTickSummary | null;
}): SpanRecord[] {
  const { tickId, nowMs } = input;
  const span = (
    deploymentId: string,
    kind: string,
    name: string,
    ok: boolean,
    attributes: SpanRecord['attributes'],
  ) => ({
    traceId: traceIdOf(deploymentId),
    spanId: spanIdOf(kind, deploymentId, tickId, name),
    parentSpanId: rootSpanIdOf(deploymentId),
    name,
    startMs: nowMs,
    endMs: nowMs,
    ok,
    attributes: { 'deployment.id': deploymentId, 'postflight.tick_id': tickId, ...attributes },
  });
  const out: SpanRecord[] = input.changed.map((c) =>
    span(c.deploymentId, 'verdict', `verdict ${c.to}`, !FAILING_VERDICTS.has(c.to), {
      'postflight.verdict.state': c.to,
      'postflight.verdict.previous_state': c.from ?? 'NONE',
    }),
  );
  for (const d of input.rollbacks?.decided ?? []) {
    out.push(
      span(d.deploymentId, 'rollback.decided', `rollback ${d.state.toLowerCase()}`, d.state !== 'BLOCKED', {
        'postflight.rollback.id': d.rollbackId,
        'postflight.rollback.state': d.state,
        'postflight.rollback.safety': d.safety,
      }),
    );
  }
  for (const e of input.rollbacks?.executed ?? []) {
    out.push(
      span(e.deploymentId, 'rollback.step', `rollback step ${String(e.result).toLowerCase()}`, e.result !== 'FAILED', {
        'postflight.rollback.id': e.rollbackId,
        'postflight.rollback.result': String(e.result),
      }),
    );
  }
  return out;
}
