// Spans of a deployment's trace exported over OTLP/HTTP with the official OpenTelemetry SDK and
// exporter, which read OTEL_EXPORTER_OTLP_ENDPOINT (or _TRACES_ENDPOINT) and _HEADERS themselves.
// The only file that touches the OpenTelemetry packages.
//
// Every id is given, not drawn: CI and the verifier derive a deployment's trace and span ids from
// its id, so each of them can add to the same trace without asking the other.

import { context, type Span, SpanKind, SpanStatusCode, TraceFlags, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, type IdGenerator, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';

export interface SpanRecord {
  readonly traceId: string;
  readonly spanId: string;
  /** null for the trace's root span. */
  readonly parentSpanId: string | null;
  readonly name: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly ok: boolean;
  readonly attributes: Readonly<Record<string, string | number | boolean>>;
}

/** Whether the environment asks for traces to be exported. */
export function tracingEnabled(env: Readonly<Record<string, string | undefined>>): boolean {
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT;
  return endpoint !== undefined && endpoint.trim() !== '' && env.OTEL_SDK_DISABLED !== 'true';
}

/** Hands the SDK the ids of the span about to start. */
class GivenIds implements IdGenerator {
  traceId = '';
  spanId = '';
  generateTraceId(): string {
    return this.traceId;
  }
  generateSpanId(): string {
    return this.spanId;
  }
}

/** Exports the spans and waits until the exporter has sent them; throws when it could not. */
export async function exportSpans(spans: readonly SpanRecord[], serviceVersion: string): Promise<void> {
  const ids = new GivenIds();
  const exporter = new OTLPTraceExporter();
  const failures: Error[] = [];
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: 'postflight', [ATTR_SERVICE_VERSION]: serviceVersion }),
    idGenerator: ids,
    spanProcessors: [
      new SimpleSpanProcessor({
        export: (batch, done) =>
          exporter.export(batch, (result) => {
            if (result.error) failures.push(result.error);
            done(result);
          }),
        shutdown: () => exporter.shutdown(),
        forceFlush: () => exporter.forceFlush(),
      }),
    ],
  });
  const tracer = provider.getTracer('postflight');
  for (const s of spans) {
    ids.traceId = s.traceId;
    ids.spanId = s.spanId;
    const parent =
      s.parentSpanId === null
        ? context.active()
        : trace.setSpanContext(context.active(), {
            traceId: s.traceId,
            spanId: s.parentSpanId,
            traceFlags: TraceFlags.SAMPLED,
            isRemote: true,
          });
    const span: Span = tracer.startSpan(
      s.name,
      { kind: SpanKind.INTERNAL, startTime: s.startMs, attributes: { ...s.attributes } },
      parent,
    );
    span.setStatus(s.ok ? { code: SpanStatusCode.OK } : { code: SpanStatusCode.ERROR });
    span.end(s.endMs);
  }
  await provider.forceFlush();
  await provider.shutdown();
  if (failures.length) throw new Error(`OTLP export failed: ${failures[0]!.message}`);
}
