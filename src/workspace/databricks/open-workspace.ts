// Builds the REST workspace from connection settings: the one place credentials are turned into
// an Authorization header.

import type { RetryLimits } from '../../retry/transient-retry.js';
import { bearerToken, OAuthM2M } from './auth.js';
import { DatabricksWorkspace } from './databricks-workspace.js';
import { RestClient } from './rest-client.js';

export type DatabricksAuth =
  | { readonly kind: 'token'; readonly token: string }
  | { readonly kind: 'oauth-m2m'; readonly clientId: string; readonly clientSecret: string };

export interface WorkspaceSettings {
  /** `https://<workspace-host>` */
  readonly baseUrl: string;
  readonly auth: DatabricksAuth;
  readonly retry?: Partial<RetryLimits>;
  readonly requestTimeoutMs?: number;
}

export function openDatabricksWorkspace(s: WorkspaceSettings): DatabricksWorkspace {
  const http = {
    ...(s.retry ? { retry: s.retry } : {}),
    ...(s.requestTimeoutMs ? { requestTimeoutMs: s.requestTimeoutMs } : {}),
  };
  const auth =
    s.auth.kind === 'token'
      ? bearerToken(s.auth.token)
      : new OAuthM2M({ baseUrl: s.baseUrl, clientId: s.auth.clientId, clientSecret: s.auth.clientSecret, ...http });
  const secrets = s.auth.kind === 'token' ? [s.auth.token] : [s.auth.clientSecret];
  return new DatabricksWorkspace(new RestClient({ baseUrl: s.baseUrl, auth, secrets, ...http }));
}
