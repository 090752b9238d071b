// Workspace connection settings from the environment, the names the Databricks CLI and SDKs use.
// Every problem is reported at once, naming the variable and the fix; values of secrets are never
// repeated in a message.

import { z } from 'zod';
import { looksLikeCredential } from '../secrets.js';
import type { GithubFederation } from '../workspace/databricks/federation.js';
import type { DatabricksAuth } from '../workspace/databricks/open-workspace.js';

export interface DatabricksEnv {
  /** `https://<host>` for REST. */
  readonly baseUrl: string;
  /** Host name and port for the SQL driver. */
  readonly host: string;
  readonly port: number;
  /** The SQL warehouse's HTTP path; null when no warehouse was asked for. */
  readonly httpPath: string | null;
  /** Credentials, or the GitHub Actions federation that is exchanged for them when connecting. */
  readonly auth: DatabricksAuth | GithubFederation;
  readonly statementTimeoutS: number;
}

const text = z.string().trim().min(1).optional().catch(undefined);

const envSchema = z.object({
  DATABRICKS_HOST: text,
  DATABRICKS_WAREHOUSE_ID: text,
  DATABRICKS_HTTP_PATH: text,
  DATABRICKS_TOKEN: text,
  DATABRICKS_CLIENT_ID: text,
  DATABRICKS_CLIENT_SECRET: text,
  DATABRICKS_AUTH_TYPE: text,
  DATABRICKS_TOKEN_AUDIENCE: text,
  ACTIONS_ID_TOKEN_REQUEST_URL: text,
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: text,
  POSTFLIGHT_STATEMENT_TIMEOUT_S: text,
});

export class EnvError extends Error {
  constructor(problems: readonly string[]) {
    super(`the Databricks connection is not configured:\n  - ${problems.join('\n  - ')}`);
    this.name = 'EnvError';
  }
}

export function readDatabricksEnv(
  env: Readonly<Record<string, string | undefined>>,
  needWarehouse: boolean,
): DatabricksEnv {
  const e = envSchema.parse(env);
  const problems: string[] = [];

  let url: URL | null = null;
  if (!e.DATABRICKS_HOST)
    problems.push(
      'DATABRICKS_HOST is not set; set it to the workspace URL, e.g. https://adb-1234567890123456.7.azuredatabricks.net',
    );
  else if (looksLikeCredential(e.DATABRICKS_HOST))
    // Never looked up or echoed: a name lookup would send the secret to the resolver.
    problems.push(
      'DATABRICKS_HOST holds what looks like a token, not a URL; put the token in DATABRICKS_TOKEN and the workspace URL in DATABRICKS_HOST',
    );
  else {
    try {
      url = new URL(/^[a-z]+:\/\//i.test(e.DATABRICKS_HOST) ? e.DATABRICKS_HOST : `https://${e.DATABRICKS_HOST}`);
      const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1';
      if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local))
        problems.push(`DATABRICKS_HOST '${e.DATABRICKS_HOST}' must use https://`);
      if (url.pathname !== '/' || url.search !== '')
        problems.push(`DATABRICKS_HOST '${e.DATABRICKS_HOST}' must be the workspace URL only, without a path`);
    } catch {
      problems.push(
        `DATABRICKS_HOST '${e.DATABRICKS_HOST}' is not a URL; use the workspace URL, e.g. https://dbc-a1b2c3d4-e5f6.cloud.databricks.com`,
      );
    }
  }

  let httpPath: string | null = null;
  if (e.DATABRICKS_WAREHOUSE_ID && e.DATABRICKS_HTTP_PATH)
    problems.push('DATABRICKS_WAREHOUSE_ID and DATABRICKS_HTTP_PATH are both set; set only one');
  else if (e.DATABRICKS_HTTP_PATH) {
    if (!/^\/sql\/[A-Za-z0-9./_-]+(\?o=\d+)?$/.test(e.DATABRICKS_HTTP_PATH))
      problems.push(
        `DATABRICKS_HTTP_PATH '${e.DATABRICKS_HTTP_PATH}' is not a warehouse HTTP path; copy it from the warehouse's Connection details, e.g. /sql/1.0/warehouses/1234567890abcdef`,
      );
    else httpPath = e.DATABRICKS_HTTP_PATH;
  } else if (e.DATABRICKS_WAREHOUSE_ID) {
    if (!/^[A-Za-z0-9]+$/.test(e.DATABRICKS_WAREHOUSE_ID))
      problems.push(
        `DATABRICKS_WAREHOUSE_ID '${e.DATABRICKS_WAREHOUSE_ID}' must be letters and digits, e.g. 1234567890abcdef`,
      );
    else httpPath = `/sql/1.0/warehouses/${e.DATABRICKS_WAREHOUSE_ID}`;
  } else if (needWarehouse) {
    problems.push(
      'DATABRICKS_WAREHOUSE_ID (or DATABRICKS_HTTP_PATH) is not set; set it to the SQL warehouse postflight runs its statements on',
    );
  }

  let auth: DatabricksAuth | GithubFederation | null = null;
  const oauth = e.DATABRICKS_CLIENT_ID !== undefined || e.DATABRICKS_CLIENT_SECRET !== undefined;
  if (e.DATABRICKS_AUTH_TYPE !== undefined && e.DATABRICKS_AUTH_TYPE !== 'github-oidc') {
    problems.push(
      `DATABRICKS_AUTH_TYPE '${e.DATABRICKS_AUTH_TYPE}' is not supported; use github-oidc, or leave it unset for a token or OAuth secret`,
    );
  } else if (e.DATABRICKS_AUTH_TYPE === 'github-oidc') {
    if (!e.DATABRICKS_CLIENT_ID)
      problems.push("DATABRICKS_CLIENT_ID is not set; set it to the federated service principal's application id");
    if (!e.ACTIONS_ID_TOKEN_REQUEST_URL || !e.ACTIONS_ID_TOKEN_REQUEST_TOKEN)
      problems.push(
        'DATABRICKS_AUTH_TYPE is github-oidc but GitHub offers no OIDC token; give the job permissions: id-token: write',
      );
    if (e.DATABRICKS_TOKEN || e.DATABRICKS_CLIENT_SECRET)
      problems.push('DATABRICKS_AUTH_TYPE is github-oidc: unset DATABRICKS_TOKEN and DATABRICKS_CLIENT_SECRET');
    if (e.DATABRICKS_CLIENT_ID && e.ACTIONS_ID_TOKEN_REQUEST_URL && e.ACTIONS_ID_TOKEN_REQUEST_TOKEN && url) {
      auth = {
        kind: 'github-oidc',
        clientId: e.DATABRICKS_CLIENT_ID,
        requestUrl: e.ACTIONS_ID_TOKEN_REQUEST_URL,
        requestToken: e.ACTIONS_ID_TOKEN_REQUEST_TOKEN,
        audience: e.DATABRICKS_TOKEN_AUDIENCE ?? `${url.origin}/oidc/v1/token`,
      };
    }
  } else if (e.DATABRICKS_TOKEN && oauth)
    problems.push(
      'DATABRICKS_TOKEN and DATABRICKS_CLIENT_ID/DATABRICKS_CLIENT_SECRET are both set; use a token or a service principal, not both',
    );
  else if (e.DATABRICKS_TOKEN) auth = { kind: 'token', token: e.DATABRICKS_TOKEN };
  else if (oauth) {
    if (!e.DATABRICKS_CLIENT_ID)
      problems.push("DATABRICKS_CLIENT_ID is not set; set it to the service principal's application id");
    if (!e.DATABRICKS_CLIENT_SECRET)
      problems.push('DATABRICKS_CLIENT_SECRET is not set; set it to an OAuth secret of the service principal');
    if (e.DATABRICKS_CLIENT_ID && e.DATABRICKS_CLIENT_SECRET)
      auth = { kind: 'oauth-m2m', clientId: e.DATABRICKS_CLIENT_ID, clientSecret: e.DATABRICKS_CLIENT_SECRET };
  } else {
    problems.push(
      'no credentials: set DATABRICKS_TOKEN (a personal access token), DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET (OAuth for a service principal), or in GitHub Actions DATABRICKS_AUTH_TYPE=github-oidc with DATABRICKS_CLIENT_ID (no stored secret)',
    );
  }

  let statementTimeoutS = 120;
  if (e.POSTFLIGHT_STATEMENT_TIMEOUT_S !== undefined) {
    const n = Number(e.POSTFLIGHT_STATEMENT_TIMEOUT_S);
    if (!Number.isInteger(n) || n < 10 || n > 3600)
      problems.push(
        `POSTFLIGHT_STATEMENT_TIMEOUT_S '${e.POSTFLIGHT_STATEMENT_TIMEOUT_S}' must be a whole number of seconds from 10 to 3600`,
      );
    else statementTimeoutS = n;
  }

  if (problems.length > 0 || !url || !auth) throw new EnvError(problems);
  return {
    baseUrl: url.origin,
    host: url.hostname,
    port: url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port),
    httpPath,
    auth,
    statementTimeoutS,
  };
}
