-- postflight's own tables. Every write is an idempotent MERGE keyed by stable ids. A table's key is
-- named in its 'postflight.primary_key' property: the embedded warehouse enforces it, and Delta on
-- Spark and on Databricks accepts the property everywhere (an informational PRIMARY KEY constraint
-- exists only on Unity Catalog tables; open-source Delta rejects it).

CREATE SCHEMA IF NOT EXISTS {{ops}};

CREATE TABLE IF NOT EXISTS {{ops}}.deployments (
  deployment_id STRING NOT NULL, bundle STRING, target STRING, version STRING, previous_version STRING,
  actor STRING, ci_run_url STRING, started_at TIMESTAMP, finished_at TIMESTAMP, status STRING,
  resources STRING COMMENT 'JSON array of {type, id, key}',
  expected_changes STRING COMMENT 'JSON array of check names the deploy intends to move',
  trace_id STRING, recorded_at TIMESTAMP
);

CREATE TABLE IF NOT EXISTS {{ops}}.deployment_events (
  deployment_id STRING NOT NULL, stage STRING NOT NULL, attempt BIGINT NOT NULL,
  started_at TIMESTAMP, finished_at TIMESTAMP, status STRING, attributes STRING,
  trace_id STRING, span_id STRING
);

CREATE TABLE IF NOT EXISTS {{ops}}.resource_snapshots (
  deployment_id STRING NOT NULL, resource_type STRING NOT NULL, resource_id STRING NOT NULL,
  resource_key STRING, settings STRING COMMENT 'JSON job settings or pipeline spec', settings_hash STRING,
  captured_at TIMESTAMP
);

CREATE TABLE IF NOT EXISTS {{ops}}.check_results (
  deployment_id STRING NOT NULL, check_name STRING NOT NULL, subject STRING NOT NULL, look BIGINT NOT NULL,
  status STRING, critical BOOLEAN, observed DOUBLE,
  baseline_n BIGINT, baseline_center DOUBLE, baseline_spread DOUBLE, threshold DOUBLE,
  statistic DOUBLE, p_value DOUBLE, effect DOUBLE, post_n BIGINT,
  plane STRING, evidence_age_s DOUBLE, explanation STRING, suppressed_by STRING,
  tick_id STRING, evaluated_at TIMESTAMP
);

CREATE TABLE IF NOT EXISTS {{ops}}.verdicts (
  deployment_id STRING NOT NULL, state STRING, reason STRING, is_final BOOLEAN, post_runs BIGINT,
  since TIMESTAMP, until TIMESTAMP, first_verdict_at TIMESTAMP, updated_at TIMESTAMP, tick_id STRING,
  recheck_at TIMESTAMP COMMENT 'judge again at this time even without new evidence (a table turning stale, the window closing)',
  page_reason STRING COMMENT 'set when a human must act: the automatic rollback was blocked or failed'
);

-- One row per subject, SLO and hour: the current hour's row is refreshed by every tick.
CREATE TABLE IF NOT EXISTS {{ops}}.error_budgets (
  subject STRING NOT NULL, slo STRING NOT NULL, window_end TIMESTAMP NOT NULL,
  target DOUBLE, good BIGINT, total BIGINT, budget_remaining DOUBLE,
  burn_rates STRING COMMENT 'JSON map window -> burn rate', alert STRING, deployment_id STRING,
  bundle STRING, bundle_target STRING COMMENT 'the bundle target the subject runs in (dev, staging, prod)',
  rule STRING COMMENT 'dense (multiwindow burn rates) or sparse (run counts)',
  exhausted BOOLEAN, burn_by_deployment STRING COMMENT 'JSON map deployment id -> bad events in the period',
  explanation STRING, evaluated_at TIMESTAMP
) TBLPROPERTIES ('postflight.primary_key' = 'subject, slo, window_end');

-- Cost budgets per bundle and target and postflight's own cost, an hour a row: spend priced from
-- billing usage at list prices, the burn and the month-end projection against the policy's budget.
CREATE TABLE IF NOT EXISTS {{ops}}.cost_budgets (
  scope STRING NOT NULL COMMENT 'bundle, or postflight: its own verifier job and SQL warehouse',
  bundle STRING NOT NULL,
  target STRING NOT NULL COMMENT 'the bundle target; for postflight, the component (verifier_job, warehouse)',
  window_end TIMESTAMP NOT NULL COMMENT 'the hour the row stands for; the current hour is refreshed',
  month_start TIMESTAMP, budget_usd DOUBLE COMMENT 'dollars a month from the policy; NULL: none set',
  spend_usd DOUBLE COMMENT 'month to date: DBUs times the list price in force when they were used', dbus DOUBLE,
  unpriced_dbus DOUBLE COMMENT 'DBUs of the month no list price covered, left out of spend_usd',
  burn_usd_per_day DOUBLE, burn_days DOUBLE COMMENT 'days the burn rate was taken over',
  projected_usd DOUBLE COMMENT 'the month-end spend at the burn rate',
  state STRING COMMENT 'OK, WARN, OVERRUN (projected over budget), OVER (spent over budget), NO_BUDGET',
  overrun_at TIMESTAMP COMMENT 'when the projection crosses the budget',
  spend_through TIMESTAMP COMMENT 'the newest usage hour billing has reached: spend is known up to here',
  lag_hours DOUBLE COMMENT 'hours billing was behind the evaluation (about 12 is usual)',
  burn_by_resource STRING COMMENT 'JSON: resource key in the bundle -> dollars a day at its burn (the promotion gate reads it)',
  explanation STRING, evaluated_at TIMESTAMP
) TBLPROPERTIES ('postflight.primary_key' = 'scope, bundle, target, window_end');

-- The rollback ledger: one row per failed deployment, written before any side effect.
CREATE TABLE IF NOT EXISTS {{ops}}.rollbacks (
  rollback_id STRING NOT NULL, deployment_id STRING, bundle STRING, target STRING,
  from_version STRING, to_version STRING, to_deployment_id STRING, reason STRING, safety STRING,
  strategy STRING, state STRING, attempts BIGINT, detail STRING,
  requested_at TIMESTAMP, updated_at TIMESTAMP,
  plan STRING COMMENT 'JSON: resource diff, schema changes and the reasons for the safety class',
  not_before TIMESTAMP COMMENT 'cool-down: execution waits until then',
  lease_holder STRING, lease_until TIMESTAMP COMMENT 'the tick executing the rollback, and until when',
  restore_deployment_id STRING COMMENT 'deployment row that re-verifies the restored version'
) TBLPROPERTIES ('postflight.primary_key' = 'rollback_id');

-- Versions that failed verification: CI must not promote them unchanged.
CREATE TABLE IF NOT EXISTS {{ops}}.quarantined_versions (
  bundle STRING NOT NULL, target STRING NOT NULL, version STRING NOT NULL,
  deployment_id STRING, reason STRING, quarantined_at TIMESTAMP
) TBLPROPERTIES ('postflight.primary_key' = 'bundle, target, version');

CREATE TABLE IF NOT EXISTS {{ops}}.audit_log (
  seq BIGINT NOT NULL, logged_at TIMESTAMP, actor STRING, action STRING, subject STRING,
  payload STRING, prev_hash STRING, hash STRING,
  event_key STRING COMMENT 'what the entry records, once: a retried tick does not record it twice'
) TBLPROPERTIES ('postflight.primary_key' = 'seq');

-- The newest audit entry, kept apart from the log so that deleting the log's last rows shows.
CREATE TABLE IF NOT EXISTS {{ops}}.audit_head (
  name STRING NOT NULL, seq BIGINT, hash STRING, updated_at TIMESTAMP
) TBLPROPERTIES ('postflight.primary_key' = 'name');

CREATE TABLE IF NOT EXISTS {{ops}}.ticks (
  tick_id STRING NOT NULL, started_at TIMESTAMP, duration_ms DOUBLE, statements BIGINT,
  history_reads BIGINT, rest_calls BIGINT, deployments_seen BIGINT, new_runs BIGINT, errors BIGINT,
  summary STRING,
  runs_from_ms BIGINT COMMENT 'where the next runs/list starts (watermark)',
  event_log_from_ms BIGINT COMMENT 'where the next event-log read starts (watermark)',
  rollback_open BOOLEAN COMMENT 'the rollback step left work for the next tick',
  audit_head_seq BIGINT COMMENT 'the audit log head the tick knew recorded (anchor kept outside the audit tables)',
  audit_head_hash STRING COMMENT 'the keyed hash of that head row',
  errors_by_kind STRING COMMENT 'JSON object: ERROR results by check and measurement errors by source, e.g. {"check:freshness":2,"source:runs":1}',
  unfinished STRING COMMENT 'JSON array: what the tick time budget left for the next tick (deployment:<id>, step:<name>); NULL when nothing'
) TBLPROPERTIES ('postflight.primary_key' = 'tick_id');

-- Caches that keep a tick incremental: runs seen on the fast plane, Delta commits read with
-- DESCRIBE HISTORY, and the watermarks the next tick starts from.
CREATE TABLE IF NOT EXISTS {{ops}}.observed_runs (
  run_id STRING NOT NULL, subject_id STRING, start_time TIMESTAMP, end_time TIMESTAMP,
  result STRING, raw_result STRING, cause STRING, failed_tasks STRING, plane STRING, observed_at TIMESTAMP,
  task_runs STRING COMMENT 'JSON array of the task runs of the run, [task_key, start_ms, end_ms, result] each, where the source gives their times: what the own timeout or health rule of a task is held against'
);

CREATE TABLE IF NOT EXISTS {{ops}}.table_commits (
  table_name STRING NOT NULL, version BIGINT NOT NULL, commit_time TIMESTAMP, operation STRING,
  rows_written BIGINT, job_id STRING, run_id STRING, read_at TIMESTAMP,
  expectations STRING COMMENT 'flow_progress data_quality.expectations JSON (pipeline flows only)',
  backlog_records BIGINT, backlog_seconds DOUBLE
);

CREATE TABLE IF NOT EXISTS {{ops}}.pipeline_targets (
  pipeline_id STRING NOT NULL, flow_name STRING NOT NULL, table_name STRING, updated_at TIMESTAMP
);

CREATE TABLE IF NOT EXISTS {{ops}}.watermarks (
  name STRING NOT NULL, value_ms BIGINT, updated_at TIMESTAMP
);

-- Changes to jobs and pipelines that no recorded deployment and no rollback of postflight's
-- explains (SOX): one row per change as its source saw it, keyed by that source's own id.
CREATE TABLE IF NOT EXISTS {{ops}}.untracked_changes (
  change_id STRING NOT NULL COMMENT 'the source and its own id of the change: stable across ticks',
  source STRING COMMENT 'system.access.audit | system.lakeflow.jobs | system.lakeflow.pipelines | jobs/list | pipelines',
  resource_type STRING, resource_id STRING, resource_name STRING,
  bundle STRING COMMENT 'the bundle that last deployed the resource, if any', target STRING,
  production BOOLEAN COMMENT 'last deployed to a production target: paged',
  changed_at TIMESTAMP, changed_by STRING, action STRING,
  detail STRING COMMENT 'JSON: what changed, as far as the source says (request parameter names, settings hashes)',
  detected_at TIMESTAMP, tick_id STRING
) TBLPROPERTIES ('postflight.primary_key' = 'change_id');

-- Tables put back by an approved restore plan (`postflight restore apply`): one row per plan and
-- table, so applying the plan again restores nothing twice.
CREATE TABLE IF NOT EXISTS {{ops}}.restores (
  plan_id STRING NOT NULL, table_name STRING NOT NULL, deployment_id STRING,
  to_version BIGINT COMMENT 'the version restored to', restore_version BIGINT COMMENT 'the version the RESTORE commit made',
  restored_at TIMESTAMP, approved_by STRING
) TBLPROPERTIES ('postflight.primary_key' = 'plan_id, table_name');

-- Retention (postflight retention, daily): rows of the history tables older than the hot window
-- (90 days) move to the *_archive table of the same columns, plus when each moved, and leave the
-- archive after a year. Current state (quarantined versions, watermarks, pipeline targets, the
-- audit head and anchor, open deployments and their rows) never moves: see src/retention/tables.ts.
CREATE TABLE IF NOT EXISTS {{ops}}.deployments_archive (
  deployment_id STRING NOT NULL, bundle STRING, target STRING, version STRING, previous_version STRING,
  actor STRING, ci_run_url STRING, started_at TIMESTAMP, finished_at TIMESTAMP, status STRING,
  resources STRING, expected_changes STRING, trace_id STRING, recorded_at TIMESTAMP,
  archived_at TIMESTAMP
) TBLPROPERTIES ('postflight.primary_key' = 'deployment_id');

CREATE TABLE IF NOT EXISTS {{ops}}.verdicts_archive (
  deployment_id STRING NOT NULL, state STRING, reason STRING, is_final BOOLEAN, post_runs BIGINT,
  since TIMESTAMP, until TIMESTAMP, first_verdict_at TIMESTAMP, updated_at TIMESTAMP, tick_id STRING,
  recheck_at TIMESTAMP, page_reason STRING,
  archived_at TIMESTAMP
) TBLPROPERTIES ('postflight.primary_key' = 'deployment_id');

CREATE TABLE IF NOT EXISTS {{ops}}.resource_snapshots_archive (
  deployment_id STRING NOT NULL, resource_type STRING NOT NULL, resource_id STRING NOT NULL,
  resource_key STRING, settings STRING, settings_hash STRING, captured_at TIMESTAMP,
  archived_at TIMESTAMP
) TBLPROPERTIES ('postflight.primary_key' = 'deployment_id, resource_type, resource_id');

CREATE TABLE IF NOT EXISTS {{ops}}.deployment_events_archive (
  deployment_id STRING NOT NULL, stage STRING NOT NULL, attempt BIGINT NOT NULL, started_at TIMESTAMP,
  finished_at TIMESTAMP, status STRING, attributes STRING, trace_id STRING, span_id STRING,
  archived_at TIMESTAMP
) TBLPROPERTIES ('postflight.primary_key' = 'deployment_id, stage, attempt');

CREATE TABLE IF NOT EXISTS {{ops}}.check_results_archive (
  deployment_id STRING NOT NULL, check_name STRING NOT NULL, subject STRING NOT NULL, look BIGINT NOT NULL,
  status STRING, critical BOOLEAN, observed DOUBLE, baseline_n BIGINT, baseline_center DOUBLE,
  baseline_spread DOUBLE, threshold DOUBLE, statistic DOUBLE, p_value DOUBLE, effect DOUBLE, post_n BIGINT,
  plane STRING, evidence_age_s DOUBLE, explanation STRING, suppressed_by STRING, tick_id STRING,
  evaluated_at TIMESTAMP,
  archived_at TIMESTAMP
) TBLPROPERTIES ('postflight.primary_key' = 'deployment_id, check_name, subject, look');

CREATE TABLE IF NOT EXISTS {{ops}}.rollbacks_archive (
  rollback_id STRING NOT NULL, deployment_id STRING, bundle STRING, target STRING, from_version STRING,
  to_version STRING, to_deployment_id STRING, reason STRING, safety STRING, strategy STRING, state STRING,
  attempts BIGINT, detail STRING, requested_at TIMESTAMP, updated_at TIMESTAMP, plan STRING,
  not_before TIMESTAMP, lease_holder STRING, lease_until TIMESTAMP, restore_deployment_id STRING,
  archived_at TIMESTAMP
) TBLPROPERTIES ('postflight.primary_key' = 'rollback_id');

CREATE TABLE IF NOT EXISTS {{ops}}.error_budgets_archive (
  subject STRING NOT NULL, slo STRING NOT NULL, window_end TIMESTAMP NOT NULL, target DOUBLE, good BIGINT,
  total BIGINT, budget_remaining DOUBLE, burn_rates STRING, alert STRING, deployment_id STRING, bundle STRING,
  bundle_target STRING, rule STRING, exhausted BOOLEAN, burn_by_deployment STRING, explanation STRING,
  evaluated_at TIMESTAMP,
  archived_at TIMESTAMP
) TBLPROPERTIES ('postflight.primary_key' = 'subject, slo, window_end');

CREATE TABLE IF NOT EXISTS {{ops}}.cost_budgets_archive (
  scope STRING NOT NULL, bundle STRING NOT NULL, target STRING NOT NULL, window_end TIMESTAMP NOT NULL,
  month_start TIMESTAMP, budget_usd DOUBLE, spend_usd DOUBLE, dbus DOUBLE, unpriced_dbus DOUBLE,
  burn_usd_per_day DOUBLE, burn_days DOUBLE, projected_usd DOUBLE, state STRING, overrun_at TIMESTAMP,
  spend_through TIMESTAMP, lag_hours DOUBLE, burn_by_resource STRING, explanation STRING, evaluated_at TIMESTAMP,
  archived_at TIMESTAMP
) TBLPROPERTIES ('postflight.primary_key' = 'scope, bundle, target, window_end');

CREATE TABLE IF NOT EXISTS {{ops}}.audit_log_archive (
  seq BIGINT NOT NULL, logged_at TIMESTAMP, actor STRING, action STRING, subject STRING, payload STRING,
  prev_hash STRING, hash STRING, event_key STRING,
  archived_at TIMESTAMP
) TBLPROPERTIES ('postflight.primary_key' = 'seq');

CREATE TABLE IF NOT EXISTS {{ops}}.ticks_archive (
  tick_id STRING NOT NULL, started_at TIMESTAMP, duration_ms DOUBLE, statements BIGINT, history_reads BIGINT,
  rest_calls BIGINT, deployments_seen BIGINT, new_runs BIGINT, errors BIGINT, summary STRING,
  runs_from_ms BIGINT, event_log_from_ms BIGINT, rollback_open BOOLEAN, audit_head_seq BIGINT, audit_head_hash STRING,
  errors_by_kind STRING, unfinished STRING, archived_at TIMESTAMP
) TBLPROPERTIES ('postflight.primary_key' = 'tick_id');

CREATE TABLE IF NOT EXISTS {{ops}}.observed_runs_archive (
  run_id STRING NOT NULL, subject_id STRING, start_time TIMESTAMP, end_time TIMESTAMP, result STRING,
  raw_result STRING, cause STRING, failed_tasks STRING, plane STRING, observed_at TIMESTAMP, task_runs STRING,
  archived_at TIMESTAMP
) TBLPROPERTIES ('postflight.primary_key' = 'run_id');

CREATE TABLE IF NOT EXISTS {{ops}}.table_commits_archive (
  table_name STRING NOT NULL, version BIGINT NOT NULL, commit_time TIMESTAMP, operation STRING,
  rows_written BIGINT, job_id STRING, run_id STRING, read_at TIMESTAMP, expectations STRING,
  backlog_records BIGINT, backlog_seconds DOUBLE,
  archived_at TIMESTAMP
) TBLPROPERTIES ('postflight.primary_key' = 'table_name, version');

-- One row per retention run: cutoffs, rows moved and removed, the audit anchor, and per table the
-- counts and checksums (sums of row hashes) before and after. Kept hot: it is the proof of what
-- left the archive and why.
CREATE TABLE IF NOT EXISTS {{ops}}.retention_runs (
  run_id STRING NOT NULL, started_at TIMESTAMP, hot_before TIMESTAMP, archive_before TIMESTAMP,
  moved_rows BIGINT, purged_rows BIGINT, anchor_seq BIGINT, anchor_hash STRING, ok BOOLEAN,
  tables STRING COMMENT 'JSON: per table, rows and checksums before and after, moved and removed',
  duration_ms DOUBLE
) TBLPROPERTIES ('postflight.primary_key' = 'run_id');
