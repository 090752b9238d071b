// Workload identity federation for GitHub Actions: no Databricks secret is stored in CI. The job's
// GitHub OIDC token (the job has `permissions: id-token: write`) is exchanged at the workspace's
// token endpoint (RFC 8693) for a short-lived Databricks OAuth token of the service principal whose
// federation policy trusts the repository and environment.

import { tokenSchema } from './api-schemas.js';
import { fetchTextRetrying } from './auth.js';
import { type HttpOptions, parseBody, scrub } from './rest-client.js';

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

/** A Databricks OAuth access token for the federated identity; neither token shows in an error. */
export async function exchangeGithubToken(
  baseUrl: string,
  fed: GithubFederation,
  opts: HttpOptions = {},
): Promise<string> {
  const seen: string[] = [fed.requestToken];
  try {
    return await exchange(baseUrl, fed, opts, seen);
  } catch (err) {
    throw scrub(err, seen);
  }
}

async function exchange(baseUrl: string, fed: GithubFederation, opts: HttpOptions, seen: string[]): Promise<string> {
  const idUrl = new URL(fed.requestUrl);
  idUrl.searchParams.set('audience', fed.audience);
  const idText = await fetchTextRetrying(
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
  seen.push(jwt);
  const endpoint = 'POST /oidc/v1/token (token exchange)';
  const text = await fetchTextRetrying(
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
