import { describe, expect, it } from 'vitest';
import {
  backoffDelayMs,
  isRetryableStatus,
  retryAfterMs,
  type Transience,
  withTransientRetry,
} from '../../src/retry/transient-retry.js';

describe('transient retry policy', () => {
  it('retries 429 and 5xx except 501, nothing else', () => {
    expect([429, 500, 502, 503, 504, 599].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 409, 501, 200].some(isRetryableStatus)).toBe(false);
  });
  it('doubles the backoff up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelayMs(a, 500, 10_000))).toEqual([
      500, 1_000, 2_000, 4_000, 8_000, 10_000,
    ]);
  });
  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.UTC(2026, 0, 1, 0, 0, 0);
    expect(retryAfterMs('2', now)).toBe(2_000);
    expect(retryAfterMs('0.5', now)).toBe(500);
    expect(retryAfterMs(new Date(now + 30_000).toUTCString(), now)).toBe(30_000);
    expect(retryAfterMs(new Date(now - 30_000).toUTCString(), now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeNull();
    expect(retryAfterMs(null, now)).toBeNull();
  });
  it('rethrows a non-transient failure unchanged after one attempt', async () => {
    let attempts = 0;
    const boom = new Error('syntax error at or near FROM');
    const p = withTransientRetry(
      async () => {
        attempts++;
        throw boom;
      },
      {
        limits: { maxAttempts: 5, maxTotalMs: 1_000, baseDelayMs: 1, maxDelayMs: 1 },
        classify: () => ({ transient: false }),
        what: 'q',
        sleep: async () => {},
      },
    );
    await expect(p).rejects.toBe(boom);
    expect(attempts).toBe(1);
  });
  it('turns a thrown non-Error object into an Error that keeps its message', async () => {
    const p = withTransientRetry(
      async () => {
        throw { name: 'Status Error', message: 'TABLE_OR_VIEW_NOT_FOUND' };
      },
      {
        limits: { maxAttempts: 2, maxTotalMs: 1_000, baseDelayMs: 1, maxDelayMs: 1 },
        classify: () => ({ transient: false }),
        what: 'q',
        sleep: async () => {},
      },
    );
    await expect(p).rejects.toThrow('TABLE_OR_VIEW_NOT_FOUND');
  });
  it('uses the larger of Retry-After and backoff, and stops at the attempt limit', async () => {
    const waits: number[] = [];
    const verdicts: Transience[] = [
      { transient: true, retryAfterMs: 50 },
      { transient: true, retryAfterMs: null },
      { transient: true, retryAfterMs: null },
    ];
    let i = 0;
    const p = withTransientRetry(
      async () => {
        throw new Error(`503 #${i}`);
      },
      {
        limits: { maxAttempts: 3, maxTotalMs: 10_000, baseDelayMs: 10, maxDelayMs: 1_000 },
        classify: () => verdicts[i++]!,
        what: 'GET /x',
        sleep: async (ms) => void waits.push(ms),
      },
    );
    await expect(p).rejects.toThrow(/^GET \/x: gave up after 3 attempts .*at most 3 attempts.*503 #2/);
    expect(waits).toEqual([50, 20]);
  });
});
