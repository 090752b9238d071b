// The CI dispatcher a tick's rollbacks redeploy through, from the policy's ciDispatch section and
// the secret the job hands over in the environment. A missing secret leaves ci-dispatch
// unavailable (those rollbacks block and page with the reason) rather than stopping the tick.

import type { Logger } from '../log.js';
import type { Dispatcher } from '../rollback/ci/dispatcher.js';
import { dispatcherFromConfig } from '../rollback/ci/from-config.js';
import type { RollbackPolicy } from '../rollback/policy.js';

export function rollbackDispatcher(
  policy: RollbackPolicy,
  env: Readonly<Record<string, string | undefined>>,
  log: Logger,
): Dispatcher | null {
  if (!policy.ciDispatch) return null;
  try {
    return dispatcherFromConfig(policy.ciDispatch, env);
  } catch (e) {
    log.warn({ err: (e as Error).message }, 'ci-dispatch unavailable: rollbacks that need a redeploy will be blocked');
    return null;
  }
}
