// The fault benchmark's injected faults: seeded, at the rate asked, and retried below the port
// only where the Databricks adapters retry (throttling, 5xx, dropped connections).

import { describe, expect, it } from 'vitest';
import { FaultInjectingWorkspace, FaultSchedule, InjectedFault } from '../../src/bench/faults/fault-injection.js';
import type { Workspace } from '../../src/workspace/port.js';

const retry = { maxAttempts: 5, maxTotalMs: 1_000, baseDelayMs: 0, maxDelayMs: 0 };

function countingWorkspace(): { ws: Workspace; resets: () => number } {
  let resets = 0;
  const ws = {
    stats: { calls: 0 },
    resetJob: async () => {
      resets++;
    },
  } as unknown as Workspace;
  return { ws, resets: () => resets };
}

async function outcomes(seed: number, rate: number, n: number) {
  const { ws, resets } = countingWorkspace();
  const faults = new FaultSchedule({ seed, rate, delayMs: 0, retry });
  const flaky = new FaultInjectingWorkspace(ws, faults);
  const seen: string[] = [];
  for (let i = 0; i < n; i++) {
    try {
      await flaky.resetJob(String(i), {});
      seen.push('ok');
    } catch (e) {
      seen.push(e instanceof InjectedFault ? e.kind : (e as Error).name);
    }
  }
  return { seen, faults, resets: resets() };
}

describe('injected faults', () => {
  it('are the same for the same seed and differ for another', async () => {
    const a = await outcomes(1, 0.3, 200);
    const b = await outcomes(1, 0.3, 200);
    const c = await outcomes(2, 0.3, 200);
    expect(a.seen).toEqual(b.seen);
    expect(a.seen).not.toEqual(c.seen);
  });

  it('hit about the share of attempts asked, and none at rate 0', async () => {
    const none = await outcomes(3, 0, 300);
    expect(none.faults.counts.faults).toEqual({});
    expect(none.resets).toBe(300);
    const some = await outcomes(3, 0.2, 2_000);
    const drawn = Object.values(some.faults.counts.faults).reduce((x, y) => x + (y ?? 0), 0);
    expect(drawn / some.faults.counts.requests).toBeGreaterThan(0.17);
    expect(drawn / some.faults.counts.requests).toBeLessThan(0.23);
  });

  it('reach the caller only when final or when retries run out; a dropped answer took effect', async () => {
    const r = await outcomes(5, 0.5, 400);
    const f = r.faults.counts.faults;
    // Throttling, 5xx and dropped connections were retried: far fewer of them reach the caller than were drawn.
    const transientDrawn = (f.http_429 ?? 0) + (f.http_5xx ?? 0) + (f.dropped_before ?? 0) + (f.dropped_after ?? 0);
    const transientSeen = r.seen.filter((s) => s === 'RetriesExhaustedError').length;
    expect(transientDrawn).toBeGreaterThan(50);
    expect(transientSeen).toBeLessThan(transientDrawn / 4);
    // A timeout is final at once: each one drawn reaches the caller.
    expect(r.seen.filter((s) => s === 'timeout').length).toBe(f.timeout ?? 0);
    // Every call that succeeded reset the job; so did each answer dropped after the reset.
    expect(r.resets).toBeGreaterThanOrEqual(r.seen.filter((s) => s === 'ok').length + (f.dropped_after ?? 0));
  });
});
