import { describe, expect, it } from 'vitest';
import { rootSpanIdOf, traceIdOf } from '../../src/ci/stage-record.js';
import { verifierSpans } from '../../src/tick/verdict-spans.js';

describe("the verifier's spans", () => {
  const T = Date.UTC(2026, 10, 20, 9);
  const spans = verifierSpans({
    tickId: `tick-${T}`,
    nowMs: T,
    changed: [{ deploymentId: 'dep-a', from: 'VERIFYING', to: 'FAILED' }],
    rollbacks: {
      decided: [{ rollbackId: 'rb-1', deploymentId: 'dep-a', state: 'REQUESTED', safety: 'SAFE' }],
      executed: [{ rollbackId: 'rb-1', deploymentId: 'dep-a', result: 'SUCCEEDED' as never }],
      errors: [],
    },
  });

  it("join the deployment's trace under its root span, one per verdict change and rollback step", () => {
    expect(spans.map((s) => s.name)).toEqual(['verdict FAILED', 'rollback requested', 'rollback step succeeded']);
    for (const s of spans) {
      expect(s.traceId).toBe(traceIdOf('dep-a'));
      expect(s.parentSpanId).toBe(rootSpanIdOf('dep-a'));
    }
    expect(new Set(spans.map((s) => s.spanId)).size).toBe(3);
    expect(spans[0]).toMatchObject({ ok: false, attributes: { 'postflight.verdict.previous_state': 'VERIFYING' } });
  });

  it('give a retried tick the same ids', () => {
    const again = verifierSpans({
      tickId: `tick-${T}`,
      nowMs: T,
      changed: [{ deploymentId: 'dep-a', from: 'VERIFYING', to: 'FAILED' }],
      rollbacks: null,
    });
    expect(again[0]!.spanId).toBe(spans[0]!.spanId);
  });
});
