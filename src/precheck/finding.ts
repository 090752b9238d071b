// What a pre-deploy check found: an error stops the deploy (exit 1), a warning is reported.

export type PrecheckKind = 'schema' | 'policy' | 'rollback';

export interface Finding {
  readonly check: PrecheckKind;
  readonly severity: 'error' | 'warning';
  /** What it is about: a table, a job or pipeline of the bundle, or the bundle. */
  readonly subject: string;
  readonly message: string;
  /** Where it is declared, when known (a resource file of the bundle), for annotations. */
  readonly file?: string;
}
