// Workload identity federation for GitHub Actions: no Databricks secret is stored in CI. The job's
// GitHub OIDC token (the job has `permissions: id-token: write`) is exchanged at the workspace's
// token endpoint (RFC 8693) for a short-lived Databricks OAuth token of the service principal whose
// federation policy trusts the repository and environment.

import { DEFAULT_RETRY_LIMITS, withTransientRetry } from '../../retry/transient-retry.js';
import { DatabricksApiError, readErrorBody } from './api-error.js';
import { tokenSchema } from './api-schemas.js';
import { classifyHttpFailure, type HttpOptions, parseBody } from './rest-client.js';

export interface GithubFederation {
  readonly kind: 'github-oidc';
  /** The service principal's application id. */
  readonly clientId: string;
  /** ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN, set by GitHub for the job. */
  readonly requestUrl: string;
  readonly requestToken: string;
  /** The `aud` the federation policy expects. */
  readonly audience: string;
}

async function fetchText(f: typeof fetch, what: string, url: URL, init: RequestInit, opts: HttpOptions) {
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

/** A Databricks OAuth access token for the federated identity. */
export async function exchangeGithubToken(
  baseUrl: string,
  fed: GithubFederation,
  opts: HttpOptions = {},
): Promise<string> {
  const f = opts.fetch ?? fetch;
  const idUrl = new URL(fed.requestUrl);
  idUrl.searchParams.set('audience', fed.audience);
  const idText = await fetchText(
    f,
    'GET GitHub OIDC token',
    idUrl,
    { headers: { Authorization: `Bearer ${fed.requestToken}`, Accept: 'application/json' } },
    opts,
  );
  let jwt: unknown;
  try {
    jwt = (JSON.parse(idText) as { value?: unknown }).value;
  } catch {
    jwt = undefined;
  }
  if (typeof jwt !== 'string' || jwt === '') {
    throw new Error(
      'GitHub answered the OIDC token request without a token; check that the job has permissions: id-token: write',
    );
  }
  const endpoint = 'POST /oidc/v1/token (token exchange)';
  const text = await fetchText(
    f,
    endpoint,
    new URL('/oidc/v1/token', `${baseUrl}/`),
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        subject_token: jwt,
        subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
        client_id: fed.clientId,
        scope: 'all-apis',
      }).toString(),
    },
    opts,
  );
  return parseBody(endpoint, text, tokenSchema).access_token;
}
