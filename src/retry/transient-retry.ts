// Retries for the Databricks adapters: only failures the caller classifies as transient
// (throttling, 5xx, a dropped connection) are tried again, with bounded attempts and total time,
// and a server's Retry-After is honoured as the floor of the wait. Everything else fails at once.

import pRetry, { AbortError } from 'p-retry';
import { CouldNotVerifyError } from '../errors.js';

export interface RetryLimits {
  /** Attempts in all, the first one included. */
  readonly maxAttempts: number;
  /** Wall time from the first attempt after which no retry is started. */
  readonly maxTotalMs: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_LIMITS: RetryLimits = {
  maxAttempts: 5,
  maxTotalMs: 60_000,
  baseDelayMs: 500,
  maxDelayMs: 15_000,
};

export type Transience =
  | { readonly transient: false }
  | { readonly transient: true; readonly retryAfterMs: number | null };

export interface RetryOptions {
  readonly limits: RetryLimits;
  /** Decides whether a failure is worth another attempt, and how long the server asked to wait. */
  readonly classify: (err: unknown) => Transience;
  /** Names the operation in the error raised when retries run out. */
  readonly what: string;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly nowMs?: () => number;
  /** Called before each wait, e.g. to reset a broken session. */
  readonly onRetry?: (info: {
    readonly attempt: number;
    readonly delayMs: number;
    readonly error: Error;
  }) => void | Promise<void>;
}

/** 429 and every 5xx except 501 (a request the server will never support). */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599 && status !== 501);
}

/** Exponential backoff: base, 2 x base, 4 x base, ... capped at maxMs. `attempt` counts from 1. */
export function backoffDelayMs(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

/** `Retry-After` as delay seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(header: string | null | undefined, nowMs: number): number | null {
  if (header === null || header === undefined || header.trim() === '') return null;
  const text = header.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

/** Raised when a transient failure outlasts the retry budget; `cause` is the last failure. */
export class RetriesExhaustedError extends CouldNotVerifyError {
  readonly attempts: number;
  constructor(message: string, attempts: number, cause: Error) {
    super(message, { cause });
    this.name = 'RetriesExhaustedError';
    this.attempts = attempts;
  }
}

class TransientFailure extends Error {
  readonly original: Error;
  readonly retryAfterMs: number | null;
  constructor(original: Error, retryAfterMs: number | null) {
    super(original.message);
    this.original = original;
    this.retryAfterMs = retryAfterMs;
  }
}

export function asError(err: unknown): Error {
  if (err instanceof Error) return err;
  const o = err as { message?: unknown; name?: unknown } | null;
  const e = new Error(typeof o?.message === 'string' && o.message !== '' ? o.message : String(err), { cause: err });
  if (typeof o?.name === 'string') e.name = o.name;
  return e;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function withTransientRetry<T>(op: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  const { limits } = opts;
  const sleep = opts.sleep ?? realSleep;
  const now = opts.nowMs ?? Date.now;
  const started = now();
  return pRetry(
    async (attempt) => {
      try {
        return await op(attempt);
      } catch (err) {
        const verdict = opts.classify(err);
        if (!verdict.transient) throw new AbortError(asError(err));
        throw new TransientFailure(asError(err), verdict.retryAfterMs);
      }
    },
    {
      retries: Math.max(0, limits.maxAttempts - 1),
      minTimeout: 0,
      factor: 1,
      // The wait happens here rather than in p-retry's own timer so that Retry-After can set it.
      onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
        const failure = error as TransientFailure;
        const elapsed = now() - started;
        const give = (why: string) =>
          new RetriesExhaustedError(
            `${opts.what}: gave up after ${attemptNumber} attempt${attemptNumber > 1 ? 's' : ''} in ${(elapsed / 1000).toFixed(1)} s (${why}): ${failure.message}`,
            attemptNumber,
            failure.original,
          );
        if (retriesLeft <= 0) throw give(`at most ${limits.maxAttempts} attempts`);
        const delay = Math.max(
          failure.retryAfterMs ?? 0,
          backoffDelayMs(attemptNumber, limits.baseDelayMs, limits.maxDelayMs),
        );
        if (elapsed + delay > limits.maxTotalMs)
          throw give(
            `the next wait of ${(delay / 1000).toFixed(1)} s would pass the ${(limits.maxTotalMs / 1000).toFixed(0)} s retry budget`,
          );
        await opts.onRetry?.({ attempt: attemptNumber, delayMs: delay, error: failure.original });
        await sleep(delay);
      },
    },
  );
}
