// Which of postflight's tables are history, moved to an archive after the hot window, and which
// are current state that never moves, with the reason for each. Pure data: the statements that
// act on it live in sql/retention/<table>/, one folder per archived table.

/**
 * The history tables, in the order a run handles them. A deployment moves first and the rows
 * that hang off it (verdict, snapshots, stages, check results, rollback) follow once it has
 * moved, so nothing a deployment still under verification needs ever leaves the hot table.
 */
export const ARCHIVED_TABLES = [
  'deployments',
  'verdicts',
  'resource_snapshots',
  'deployment_events',
  'check_results',
  'rollbacks',
  'error_budgets',
  'cost_budgets',
  'audit_log',
  'ticks',
  'observed_runs',
  'table_commits',
] as const;

export type ArchivedTable = (typeof ARCHIVED_TABLES)[number];

/** The table whose archive is a hash chain: its oldest rows leave only after an anchor is recorded. */
export const CHAINED_TABLE: ArchivedTable = 'audit_log';

/** What stays hot in each history table whatever its age, and why. */
export const KEPT_HOT: Readonly<Record<ArchivedTable, string>> = {
  deployments:
    "deployments under verification; per bundle and target the newest (the next deploy's previous version) and the newest HEALTHY (a rollback's target)",
  verdicts: 'verdicts not final, and those of deployments still hot',
  resource_snapshots:
    'snapshots of deployments still hot, and the newest snapshot of each resource (a deploy is compared with it)',
  deployment_events: 'stages of deployments still hot',
  check_results: 'results of deployments still hot',
  rollbacks: 'rollbacks not ended (REQUESTED, EXECUTING), and those of deployments still hot',
  error_budgets: 'the newest hour of each subject and SLO (the promotion gate reads it)',
  cost_budgets: 'the newest hour of each bundle and target (the promotion gate reads it)',
  audit_log:
    'the newest entry (the next entry chains on it), and every entry after the first one still young: rows move in seq order',
  ticks: 'the newest tick (the next tick starts from its watermarks)',
  observed_runs: 'nothing: baselines reach back less than the hot window (49 days with the default policy)',
  table_commits: 'the newest commit of each table (the next history read starts after it)',
};

/** Tables that hold current state: never archived, whatever the age of their rows. */
export const CURRENT_STATE_TABLES: Readonly<Record<string, string>> = {
  quarantined_versions: 'a version that failed verification must never be promoted unchanged, however old',
  watermarks: 'where the next tick reads from',
  pipeline_targets: 'which table each pipeline flow writes: configuration, one row per flow',
  audit_head: 'the head of the audit chain and the anchor it is verified from',
  retention_runs: 'the record of what retention moved and removed: a row a day, the proof of each removal',
  untracked_changes:
    "changes no deployment explains (SOX findings): few rows, kept whole for the auditor's report of any period",
  restores:
    'the data restores people approved, a row per table: few, kept whole as the record that makes apply idempotent',
};

export type RetentionStep = 'measure' | 'copy' | 'release' | 'purge';

/** The statement of sql/ a step runs for a table; the audit log adds `anchor`. */
export function statementOf(table: ArchivedTable, step: RetentionStep | 'anchor'): string {
  return `retention/${table}/${step}`;
}
