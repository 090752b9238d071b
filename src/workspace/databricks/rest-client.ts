// One small HTTP client for the workspace REST API: bearer auth, a per-request timeout, retries
// on 429/5xx and dropped connections only (honouring Retry-After), and every body validated.

import type { z } from 'zod';
import {
  DEFAULT_RETRY_LIMITS,
  isRetryableStatus,
  type RetryLimits,
  retryAfterMs,
  type Transience,
  withTransientRetry,
} from '../../retry/transient-retry.js';
import { DatabricksApiError, readErrorBody, redact, UnexpectedResponseError } from './api-error.js';
import { describeIssues } from './api-schemas.js';

/** Supplies the value of the Authorization header. */
export interface Authorizer {
  authorization(): Promise<string>;
}

export interface HttpOptions {
  readonly retry?: Partial<RetryLimits>;
  readonly requestTimeoutMs?: number;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly nowMs?: () => number;
}

export interface RestClientOptions extends HttpOptions {
  /** `https://<workspace-host>`, no trailing slash. */
  readonly baseUrl: string;
  readonly auth: Authorizer;
  /** Values that must never appear in an error message (tokens, client secrets). */
  readonly secrets?: readonly string[];
}

export type Method = 'GET' | 'POST' | 'PUT';

export interface RequestParts {
  readonly query?: Readonly<Record<string, string>>;
  /** Already-serialised JSON (so a 64-bit job id can be written without rounding). */
  readonly body?: string;
}

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** 429/5xx answers, request timeouts and dropped connections; never another 4xx or a bad body. */
export function classifyHttpFailure(err: unknown, nowMs: number): Transience {
  if (err instanceof DatabricksApiError) {
    return isRetryableStatus(err.status)
      ? { transient: true, retryAfterMs: retryAfterMs(err.retryAfter, nowMs) }
      : { transient: false };
  }
  const e = err as { name?: string; code?: string; cause?: { code?: string } } | null;
  if (e?.name === 'TimeoutError') return { transient: true, retryAfterMs: null };
  // Node's fetch reports a broken connection as TypeError('fetch failed') with the errno in `cause`.
  if (
    e?.name === 'TypeError' &&
    (NETWORK_CODES.has(e.cause?.code ?? '') || /fetch failed|socket|terminated/i.test(String((err as Error).message)))
  ) {
    return { transient: true, retryAfterMs: null };
  }
  if (NETWORK_CODES.has(e?.code ?? '')) return { transient: true, retryAfterMs: null };
  return { transient: false };
}

export class RestClient {
  readonly #opts: RestClientOptions;
  readonly #limits: RetryLimits;
  readonly #fetch: typeof fetch;
  readonly #now: () => number;

  constructor(opts: RestClientOptions) {
    this.#opts = opts;
    this.#limits = { ...DEFAULT_RETRY_LIMITS, ...opts.retry };
    this.#fetch = opts.fetch ?? fetch;
    this.#now = opts.nowMs ?? Date.now;
  }

  /** Sends the request (retrying transient failures) and returns the body validated by `schema`. */
  async request<T>(method: Method, path: string, schema: z.ZodType<T>, parts: RequestParts = {}): Promise<T> {
    const endpoint = `${method} ${path}`;
    try {
      return await withTransientRetry(() => this.#once(method, path, endpoint, schema, parts), {
        limits: this.#limits,
        classify: (err) => classifyHttpFailure(err, this.#now()),
        what: endpoint,
        ...(this.#opts.sleep ? { sleep: this.#opts.sleep } : {}),
        nowMs: this.#now,
      });
    } catch (err) {
      throw scrub(err, this.#opts.secrets ?? []);
    }
  }

  async #once<T>(
    method: Method,
    path: string,
    endpoint: string,
    schema: z.ZodType<T>,
    parts: RequestParts,
  ): Promise<T> {
    const url = new URL(path, `${this.#opts.baseUrl}/`);
    for (const [k, v] of Object.entries(parts.query ?? {})) url.searchParams.set(k, v);
    const headers: Record<string, string> = {
      Authorization: await this.#opts.auth.authorization(),
      Accept: 'application/json',
      'User-Agent': 'postflight',
    };
    if (parts.body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await this.#fetch(url, {
      method,
      headers,
      ...(parts.body !== undefined ? { body: parts.body } : {}),
      signal: AbortSignal.timeout(this.#opts.requestTimeoutMs ?? 30_000),
    });
    const text = await res.text();
    if (!res.ok) {
      const { code, message } = readErrorBody(text);
      throw new DatabricksApiError(endpoint, res.status, code, message, res.headers.get('retry-after'));
    }
    return parseBody(endpoint, text, schema);
  }
}

export function parseBody<T>(endpoint: string, text: string, schema: z.ZodType<T>): T {
  let json: unknown;
  try {
    json = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw new UnexpectedResponseError(endpoint, `not JSON: '${text.replace(/\s+/g, ' ').slice(0, 80)}'`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new UnexpectedResponseError(endpoint, describeIssues(parsed.error));
  return parsed.data;
}

/** Strips secrets from an error's message (and its cause's), keeping its class and fields. */
export function scrub(err: unknown, secrets: readonly string[]): unknown {
  if (!(err instanceof Error) || secrets.length === 0) return err;
  err.message = redact(err.message, secrets);
  if (err.cause instanceof Error) err.cause.message = redact(err.cause.message, secrets);
  return err;
}
