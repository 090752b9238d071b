// One POST with Databricks-style retry rules: retry 429 and 5xx (not 501) and network errors,
// honouring Retry-After as a floor; any other status stops at once.

import pRetry, { AbortError } from 'p-retry';

export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly retryAfterMs: number | null,
  ) {
    super(`HTTP ${status}${body ? `: ${body.slice(0, 300)}` : ''}`);
    this.name = 'HttpStatusError';
  }
}

export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status !== 501);
}

/** Retry-After in seconds or as an HTTP date; null when absent or unreadable. */
export function retryAfterMs(header: string | null, nowMs: number): number | null {
  if (!header) return null;
  const s = Number(header);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const t = Date.parse(header);
  return Number.isFinite(t) ? Math.max(0, t - nowMs) : null;
}

export interface PostOptions {
  readonly fetch?: typeof fetch;
  readonly retries?: number;
  readonly minTimeoutMs?: number;
  readonly timeoutMs?: number;
}

export async function postWithRetry(
  url: string,
  headers: Record<string, string>,
  body: string,
  opts: PostOptions = {},
): Promise<number> {
  const doFetch = opts.fetch ?? fetch;
  return pRetry(
    async () => {
      const res = await doFetch(url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
      });
      if (res.ok) return res.status;
      const err = new HttpStatusError(
        res.status,
        await res.text().catch(() => ''),
        retryAfterMs(res.headers.get('retry-after'), Date.now()),
      );
      if (!isRetryableStatus(res.status)) throw new AbortError(err);
      throw err;
    },
    {
      retries: opts.retries ?? 4,
      minTimeout: opts.minTimeoutMs ?? 500,
      factor: 2,
      randomize: true,
      onFailedAttempt: async ({ error }) => {
        const floor = error instanceof HttpStatusError ? error.retryAfterMs : null;
        if (floor) await new Promise((r) => setTimeout(r, Math.min(floor, 60_000)));
      },
    },
  );
}
