// Waiting for a deployment's verdict in CI: polls until the first (or final) verdict, or the time
// runs out. The polling is here and pure of I/O: the read, the clock and the sleep are handed in.

import { FAILING_VERDICTS } from '../types.js';

export type Until = 'first' | 'final';

export interface VerdictSeen {
  readonly deploymentId: string;
  readonly state: string | null;
  readonly reason: string | null;
  readonly isFinal: boolean;
}

export type WaitOutcome =
  | { readonly kind: 'verdict'; readonly verdict: VerdictSeen; readonly ok: boolean }
  | { readonly kind: 'timeout'; readonly last: VerdictSeen | null }
  | { readonly kind: 'unknown' };

/** Whether a verdict lets CI go on: at the first verdict, anything but a failure; at the final one, HEALTHY only. */
export function verdictOk(v: VerdictSeen, until: Until): boolean {
  if (until === 'first') return v.state !== null && !FAILING_VERDICTS.has(v.state);
  return v.state === 'HEALTHY';
}

export async function waitForVerdict(opts: {
  readonly read: () => Promise<VerdictSeen | null | 'unknown'>;
  readonly until: Until;
  readonly timeoutMs: number;
  readonly intervalMs: number;
  readonly nowMs: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly onPoll?: (v: VerdictSeen | null, waitedMs: number) => void;
}): Promise<WaitOutcome> {
  const start = opts.nowMs();
  let last: VerdictSeen | null = null;
  for (;;) {
    const seen = await opts.read();
    if (seen === 'unknown') return { kind: 'unknown' };
    last = seen;
    opts.onPoll?.(seen, opts.nowMs() - start);
    // A failure is final for CI's purposes even while the window is open.
    const decided =
      seen !== null &&
      seen.state !== null &&
      (opts.until === 'first' || seen.isFinal || FAILING_VERDICTS.has(seen.state));
    if (decided)
      return {
        kind: 'verdict',
        verdict: seen,
        ok: verdictOk(seen, opts.until) && (opts.until === 'first' || seen.isFinal),
      };
    if (opts.nowMs() - start + opts.intervalMs > opts.timeoutMs) return { kind: 'timeout', last };
    await opts.sleep(opts.intervalMs);
  }
}
