// Builds the configured dispatcher, reading its secret from the environment variable the policy
// names (the policy file never holds secrets).

import type { CiDispatchConfig } from '../policy.js';
import type { Dispatcher } from './dispatcher.js';
import { githubDispatcher } from './github-dispatch.js';
import type { PostOptions } from './http.js';
import { webhookDispatcher } from './webhook-dispatch.js';

export function dispatcherFromConfig(
  cfg: CiDispatchConfig,
  env: Readonly<Record<string, string | undefined>>,
  opts: PostOptions = {},
): Dispatcher {
  if (cfg.kind === 'github') {
    const token = env[cfg.tokenEnv];
    if (!token)
      throw new Error(
        `rollback.ciDispatch: environment variable ${cfg.tokenEnv} is not set; it must hold a GitHub token allowed to dispatch ${cfg.workflow} in ${cfg.repository}`,
      );
    return githubDispatcher(
      { apiUrl: cfg.apiUrl, repository: cfg.repository, workflow: cfg.workflow, ref: cfg.ref, token },
      opts,
    );
  }
  const secret = env[cfg.secretEnv];
  if (!secret)
    throw new Error(
      `rollback.ciDispatch: environment variable ${cfg.secretEnv} is not set; it must hold the webhook's signing secret`,
    );
  return webhookDispatcher({ url: cfg.url, secret }, opts);
}
