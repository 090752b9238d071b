// Credentials for the workspace REST API: a personal access token, or OAuth machine-to-machine
// for a service principal (client credentials, scope all-apis) with the token reused until
// shortly before it expires.

import { DEFAULT_RETRY_LIMITS, withTransientRetry } from '../../retry/transient-retry.js';
import { DatabricksApiError, readErrorBody } from './api-error.js';
import { tokenSchema } from './api-schemas.js';
import { type Authorizer, classifyHttpFailure, type HttpOptions, parseBody, scrub } from './rest-client.js';

export function bearerToken(token: string): Authorizer {
  const header = `Bearer ${token}`;
  return { authorization: async () => header };
}

export interface OAuthM2MOptions extends HttpOptions {
  readonly baseUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Refresh this long before expiry (at most half the token's lifetime). */
  readonly refreshMarginMs?: number;
}

const TOKEN_PATH = '/oidc/v1/token';
const DEFAULT_LIFETIME_S = 3600;

export class OAuthM2M implements Authorizer {
  readonly #opts: OAuthM2MOptions;
  readonly #now: () => number;
  #token: { header: string; refreshAtMs: number } | null = null;
  #pending: Promise<string> | null = null;
  /** Tokens fetched so far (each one is a request to the token endpoint). */
  fetched = 0;

  constructor(opts: OAuthM2MOptions) {
    this.#opts = opts;
    this.#now = opts.nowMs ?? Date.now;
  }

  async authorization(): Promise<string> {
    if (this.#token && this.#now() < this.#token.refreshAtMs) return this.#token.header;
    // Concurrent callers share one token request.
    this.#pending ??= this.#fetchToken().finally(() => {
      this.#pending = null;
    });
    return this.#pending;
  }

  async #fetchToken(): Promise<string> {
    const endpoint = `POST ${TOKEN_PATH}`;
    const basic = Buffer.from(
      `${encodeURIComponent(this.#opts.clientId)}:${encodeURIComponent(this.#opts.clientSecret)}`,
    ).toString('base64');
    try {
      const text = await fetchTextRetrying(
        endpoint,
        new URL(TOKEN_PATH, `${this.#opts.baseUrl}/`),
        {
          method: 'POST',
          headers: {
            Authorization: `Basic ${basic}`,
            'Content-Type': 'application/x-www-form-urlencoded',
            Accept: 'application/json',
          },
          body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'all-apis' }).toString(),
        },
        this.#opts,
      );
      const body = parseBody(endpoint, text, tokenSchema);
      this.fetched++;
      const lifetimeMs = (body.expires_in ?? DEFAULT_LIFETIME_S) * 1000;
      const margin = Math.min(this.#opts.refreshMarginMs ?? 60_000, lifetimeMs / 2);
      const header = `Bearer ${body.access_token}`;
      this.#token = { header, refreshAtMs: this.#now() + lifetimeMs - margin };
      return header;
    } catch (err) {
      throw scrub(err, [this.#opts.clientSecret, basic]);
    }
  }
}

/**
 * One request to a token endpoint, transient failures retried as every REST call is: the answer's
 * text, or a DatabricksApiError naming `what`.
 */
export async function fetchTextRetrying(what: string, url: URL, init: RequestInit, opts: HttpOptions): Promise<string> {
  const f = opts.fetch ?? fetch;
  const now = opts.nowMs ?? Date.now;
  return withTransientRetry(
    async () => {
      const res = await f(url, { ...init, signal: AbortSignal.timeout(opts.requestTimeoutMs ?? 30_000) });
      const text = await res.text();
      if (!res.ok) {
        const { code, message } = readErrorBody(text);
        throw new DatabricksApiError(what, res.status, code, message, res.headers.get('retry-after'));
      }
      return text;
    },
    {
      limits: { ...DEFAULT_RETRY_LIMITS, ...opts.retry },
      classify: (err) => classifyHttpFailure(err, now()),
      what,
      ...(opts.sleep ? { sleep: opts.sleep } : {}),
      nowMs: now,
    },
  );
}
