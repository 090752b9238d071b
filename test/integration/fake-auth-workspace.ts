// A workspace standing in for Databricks where the SDK authenticates: host metadata, OAuth
// discovery and the client-credentials token endpoint (service principal M2M), the SCIM Me call
// that carries the workspace id in a header, the Secrets API and a SQL warehouse's Thrift path.
// Each answers as the API does, refusing requests without the credentials it expects. Served over
// https with a certificate made for the run, since the SQL driver speaks only https.

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeDatabricksApi, type Recorded, type Scripted } from './fake-databricks-api.js';

export interface AuthWorkspaceOptions {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly workspaceId: string;
  /** Whether /.well-known/databricks-config names the workspace (else only SCIM Me does). */
  readonly metadataHasWorkspaceId: boolean;
  /** Secret scopes and their secrets. */
  readonly scopes: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Where the certificate and key are written. */
  readonly certDir: string;
}

export interface AuthWorkspace {
  readonly api: FakeDatabricksApi;
  readonly baseUrl: string;
  /** The certificate the workspace serves, for REQUESTS_CA_BUNDLE and NODE_EXTRA_CA_CERTS. */
  readonly certFile: string;
  /** The access token it issues to the service principal. */
  readonly token: string;
  stop(): Promise<void>;
}

/** Whether openssl is here to make the certificate. */
export function hasOpenssl(): boolean {
  return spawnSync('openssl', ['version'], { encoding: 'utf8' }).status === 0;
}

function makeCertificate(dir: string): { key: string; cert: string; certFile: string } {
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  const made = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { encoding: 'utf8' },
  );
  if (made.status !== 0) throw new Error(`openssl could not make a certificate: ${made.stderr}`);
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile };
}

const unauthorized: Scripted = {
  status: 401,
  body: { error_code: '401', message: 'Credential was not sent or was of an unsupported type for this API.' },
};

export async function startAuthWorkspace(o: AuthWorkspaceOptions): Promise<AuthWorkspace> {
  const { key, cert, certFile } = makeCertificate(o.certDir);
  const api = await new FakeDatabricksApi().start({ key, cert });
  const base = api.baseUrl;
  const token = `eyJ.${randomBytes(24).toString('base64url')}`;
  const bearer = (r: Recorded) => r.headers.authorization === `Bearer ${token}`;

  api.on('GET /.well-known/databricks-config', {
    body: { oidc_endpoint: `${base}/oidc`, ...(o.metadataHasWorkspaceId ? { workspace_id: o.workspaceId } : {}) },
  });
  api.on('GET /oidc/.well-known/oauth-authorization-server', {
    body: {
      issuer: `${base}/oidc`,
      authorization_endpoint: `${base}/oidc/v1/authorize`,
      token_endpoint: `${base}/oidc/v1/token`,
      grant_types_supported: ['client_credentials', 'authorization_code', 'refresh_token'],
    },
  });
  // Client credentials: the secret in an HTTP Basic header, the grant and scope in a form body.
  api.on('POST /oidc/v1/token', (r) => {
    const form = new URLSearchParams(r.body);
    const basic = `Basic ${Buffer.from(`${o.clientId}:${o.clientSecret}`).toString('base64')}`;
    if (r.headers.authorization !== basic)
      return { status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed' } };
    if (
      !String(r.headers['content-type']).startsWith('application/x-www-form-urlencoded') ||
      form.get('grant_type') !== 'client_credentials' ||
      !(form.get('scope') ?? '').split(' ').includes('all-apis')
    )
      return { status: 400, body: { error: 'invalid_request', error_description: 'grant or scope not supported' } };
    return { body: { access_token: token, token_type: 'Bearer', expires_in: 3600, scope: 'all-apis' } };
  });
  api.on('GET /api/2.0/preview/scim/v2/Me', (r) =>
    bearer(r)
      ? {
          body: { userName: o.clientId, id: '7700112233', active: true },
          headers: { 'X-Databricks-Org-Id': o.workspaceId },
        }
      : unauthorized,
  );
  api.on('GET /api/2.0/secrets/get', (r) => {
    if (!bearer(r)) return unauthorized;
    const scope = r.query.get('scope');
    const name = r.query.get('key');
    if (!scope || !name)
      return { status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: 'scope and key are required' } };
    const secrets = o.scopes[scope];
    if (!secrets)
      return {
        status: 404,
        body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: `Scope ${scope} does not exist!` },
      };
    const value = secrets[name];
    if (value === undefined)
      return {
        status: 404,
        body: {
          error_code: 'RESOURCE_DOES_NOT_EXIST',
          message: `Secret does not exist with scope: ${scope} and key: ${name}`,
        },
      };
    return { body: { key: name, value: Buffer.from(value, 'utf8').toString('base64') } };
  });
  return { api, baseUrl: base, certFile, token, stop: () => api.stop() };
}

/** Answers the Thrift endpoint of a warehouse: refused without the token, else a warehouse that is not there. */
export function warehouseAnswer(token: string): (r: Recorded) => Scripted {
  return (r) =>
    r.headers.authorization === `Bearer ${token}`
      ? { status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'stand-in: no warehouse runs here' } }
      : { status: 403, body: { error_code: 'PERMISSION_DENIED', message: 'Invalid access token.' } };
}
