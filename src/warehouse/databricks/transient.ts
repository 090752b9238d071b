// Which failures of the SQL driver are worth another attempt. Judged on the shape of the error
// (name, code, HTTP status), so no vendor type is needed here: throttling (429), server errors
// (5xx but 501), the driver's own retries running out, and dropped connections. A SQL error, a
// statement timeout or a refused credential is never retried.

import type { Transience } from '../../retry/transient-retry.js';

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

interface ErrorShape {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly code?: unknown;
  readonly type?: unknown;
  readonly statusCode?: unknown;
  readonly errorCode?: unknown;
  readonly cause?: unknown;
}

export function classifySqlFailure(err: unknown): Transience {
  return isTransient(err, 0) ? { transient: true, retryAfterMs: null } : { transient: false };
}

function isTransient(err: unknown, depth: number): boolean {
  if (err === null || typeof err !== 'object' || depth > 3) return false;
  const e = err as ErrorShape;
  // An HTTP answer other than 200 to a statement request (the driver does not retry those itself).
  if (typeof e.statusCode === 'number') return e.statusCode === 429 || (e.statusCode >= 500 && e.statusCode !== 501);
  // The driver retried a transient HTTP failure of an idempotent call and gave up.
  if (e.name === 'RetryError' || e.errorCode === 'ATTEMPTS_EXCEEDED' || e.errorCode === 'TIMEOUT_EXCEEDED') return true;
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return true;
  if (e.type === 'system') return true;
  if (typeof e.message === 'string' && /socket hang up|premature close|ECONNRESET|Request timed out/i.test(e.message))
    return true;
  return isTransient(e.cause, depth + 1);
}
