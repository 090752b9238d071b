import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readDatabricksEnv } from '../../src/cli/databricks-env.js';
import { exchangeGithubToken, type GithubFederation } from '../../src/workspace/databricks/federation.js';
import { FakeDatabricksApi } from './fake-databricks-api.js';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOmFjbWUvc2FsZXM6ZW52aXJvbm1lbnQ6cHJvZCJ9.sig';

describe('GitHub Actions workload identity federation', () => {
  let api: FakeDatabricksApi;
  beforeEach(async () => {
    api = await new FakeDatabricksApi().start();
  });
  afterEach(async () => api.stop());

  const env = () => ({
    DATABRICKS_HOST: api.baseUrl,
    DATABRICKS_WAREHOUSE_ID: 'abc123',
    DATABRICKS_AUTH_TYPE: 'github-oidc',
    DATABRICKS_CLIENT_ID: 'sp-app-id',
    ACTIONS_ID_TOKEN_REQUEST_URL: `${api.baseUrl}/_github/idtoken?api-version=2.0`,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'gh-request-token',
  });

  it('asks GitHub for the job token with the audience, then exchanges it for a Databricks token (RFC 8693)', async () => {
    api.on('GET /_github/idtoken', (r) =>
      r.headers.authorization === 'Bearer gh-request-token' && r.query.get('api-version') === '2.0'
        ? { body: { value: JWT } }
        : { status: 401, body: { message: 'bad request token' } },
    );
    api.on('POST /oidc/v1/token', (r) => {
      const form = new URLSearchParams(r.body);
      const ok =
        r.headers['content-type'] === 'application/x-www-form-urlencoded' &&
        form.get('grant_type') === 'urn:ietf:params:oauth:grant-type:token-exchange' &&
        form.get('subject_token') === JWT &&
        form.get('subject_token_type') === 'urn:ietf:params:oauth:token-type:jwt' &&
        form.get('client_id') === 'sp-app-id' &&
        form.get('scope') === 'all-apis' &&
        r.headers.authorization === undefined;
      return ok
        ? { body: { access_token: 'dbx-short-lived', token_type: 'Bearer', expires_in: 3600 } }
        : { status: 400, body: { error: 'invalid_request' } };
    });
    const e = readDatabricksEnv(env(), true);
    expect(e.auth).toMatchObject({ kind: 'github-oidc', audience: `${api.baseUrl}/oidc/v1/token` });
    expect(await exchangeGithubToken(e.baseUrl, e.auth as GithubFederation)).toBe('dbx-short-lived');
    expect(api.calls('GET /_github/idtoken')[0]!.query.get('audience')).toBe(`${api.baseUrl}/oidc/v1/token`);
  });

  it('reports a refused exchange without echoing the GitHub token', async () => {
    api.on('GET /_github/idtoken', { body: { value: JWT } });
    api.on('POST /oidc/v1/token', {
      status: 401,
      body: { error_code: 'UNAUTHENTICATED', message: 'no federation policy matches' },
    });
    const e = readDatabricksEnv({ ...env(), DATABRICKS_TOKEN_AUDIENCE: 'account-123' }, true);
    const err = await exchangeGithubToken(e.baseUrl, e.auth as GithubFederation).catch((x: Error) => x);
    expect(String(err)).toMatch(/401 UNAUTHENTICATED: no federation policy matches/);
    expect(String(err)).not.toContain(JWT);
    expect(api.calls('GET /_github/idtoken')[0]!.query.get('audience')).toBe('account-123');
  });

  it('names what is missing when the job cannot get a GitHub token', () => {
    const { ACTIONS_ID_TOKEN_REQUEST_TOKEN: _, ...noToken } = env();
    expect(() => readDatabricksEnv(noToken, true)).toThrow(/permissions: id-token: write/);
    expect(() => readDatabricksEnv({ ...env(), DATABRICKS_CLIENT_SECRET: 's' }, true)).toThrow(
      /unset DATABRICKS_TOKEN and DATABRICKS_CLIENT_SECRET/,
    );
    expect(() => readDatabricksEnv({ ...env(), DATABRICKS_AUTH_TYPE: 'azure-cli' }, true)).toThrow(/not supported/);
  });
});
