// GitHub Actions workflow_dispatch: POST /repos/{owner}/{repo}/actions/workflows/{workflow}/dispatches.
// The workflow receives bundle, target, version and rollback_id as inputs; it should use a
// `concurrency` group keyed by rollback_id, since GitHub itself has no idempotency key.

import type { Dispatcher, DispatchRequest } from './dispatcher.js';
import { type PostOptions, postWithRetry } from './http.js';

export interface GithubDispatchConfig {
  readonly apiUrl: string;
  readonly repository: string;
  readonly workflow: string;
  readonly ref: string;
  readonly token: string;
}

export function githubDispatcher(cfg: GithubDispatchConfig, opts: PostOptions = {}): Dispatcher {
  if (!cfg.token)
    throw new Error('ciDispatch github: the token is empty; set the environment variable named by ciDispatch.tokenEnv');
  const url = `${cfg.apiUrl.replace(/\/$/, '')}/repos/${cfg.repository}/actions/workflows/${encodeURIComponent(cfg.workflow)}/dispatches`;
  return {
    kind: 'github',
    async dispatch(req: DispatchRequest): Promise<void> {
      const body = JSON.stringify({
        ref: cfg.ref,
        inputs: {
          bundle: req.bundle,
          target: req.target,
          version: req.version,
          rollback_id: req.rollbackId,
          reason: req.reason.slice(0, 1000),
        },
      });
      await postWithRetry(
        url,
        {
          accept: 'application/vnd.github+json',
          authorization: `Bearer ${cfg.token}`,
          'content-type': 'application/json',
          'x-github-api-version': '2022-11-28',
          'user-agent': 'postflight',
        },
        body,
        opts,
      );
    },
  };
}
