// Asks a CI system to redeploy a version. The rollback id travels with every request as an
// idempotency key: a dispatch repeated after a crash names the same rollback, so the receiver
// can tell it from a new one.

export interface DispatchRequest {
  readonly rollbackId: string;
  readonly bundle: string;
  readonly target: string;
  /** The git version to redeploy. */
  readonly version: string;
  readonly fromVersion: string;
  readonly reason: string;
}

export interface Dispatcher {
  readonly kind: 'github' | 'webhook';
  dispatch(req: DispatchRequest): Promise<void>;
}
