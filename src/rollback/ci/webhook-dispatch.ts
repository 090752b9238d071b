// A generic deploy webhook: a JSON POST signed with HMAC-SHA256 over "<timestamp>.<body>", so the
// receiver can check who sent it and reject replays, with the rollback id as Idempotency-Key.

import { createHmac } from 'node:crypto';
import type { Dispatcher, DispatchRequest } from './dispatcher.js';
import { type PostOptions, postWithRetry } from './http.js';

export const SIGNATURE_HEADER = 'x-postflight-signature';
export const TIMESTAMP_HEADER = 'x-postflight-timestamp';

export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function webhookDispatcher(
  cfg: { readonly url: string; readonly secret: string },
  opts: PostOptions & { readonly clock?: () => number } = {},
): Dispatcher {
  if (!cfg.secret)
    throw new Error(
      'ciDispatch webhook: the secret is empty; set the environment variable named by ciDispatch.secretEnv',
    );
  return {
    kind: 'webhook',
    async dispatch(req: DispatchRequest): Promise<void> {
      const body = JSON.stringify({
        event: 'postflight.rollback',
        rollback_id: req.rollbackId,
        bundle: req.bundle,
        target: req.target,
        version: req.version,
        from_version: req.fromVersion,
        reason: req.reason.slice(0, 1000),
      });
      const timestamp = String((opts.clock ?? Date.now)());
      await postWithRetry(
        cfg.url,
        {
          'content-type': 'application/json',
          'idempotency-key': req.rollbackId,
          [TIMESTAMP_HEADER]: timestamp,
          [SIGNATURE_HEADER]: signWebhook(cfg.secret, timestamp, body),
          'user-agent': 'postflight',
        },
        body,
        opts,
      );
    },
  };
}
