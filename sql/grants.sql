-- Unity Catalog grants for postflight's identities, least privilege: each grant is one that a
-- statement of sql/ needs when run as that identity (test/unit/grants.test.ts derives the needs
-- from the statements and fails on a missing or an unneeded grant). `postflight setup` prints this
-- file filled in; the owner of the ops schema (whoever ran setup, which created it) applies it.
--
-- Placeholders, quoted by setup: {{deployer}}, {{verifier}}, {{rollback}} (the principals);
-- {{ops}} (catalog.schema of postflight's tables) and {{ops_catalog}}; {{event_log}} (the event-log
-- view or table) with {{event_log_schema}} and {{event_log_catalog}}; {{dbt_artifacts}} and
-- {{dbt_artifacts_catalog}} (statements naming them are left out when no dbt schema is set);
-- {{drift_metrics}} with {{drift_metrics_schema}} and {{drift_metrics_catalog}} (left out by setup:
-- one per drift metrics table the policy file names, applied by hand, see docs/monitors.md).
--
-- Who runs what:
--   deployer  CI: `record` (sql/record), `precheck` (sql/precheck, record/previous), `gate` and
--             `wait` (sql/gate).
--   verifier  the tick job (sql/tick, sql/budget, sql/audit, sql/rollback: the ledger is written
--             by the tick), the restored version recorded after a rollback (the record/merge_*
--             statements), `audit verify`, the SQL alerts (sql/alerts) and retention.
--   rollback  no SQL: it resets the watched jobs and pipelines over REST (jobs/reset, PUT
--             pipelines/{id}), which needs CAN_MANAGE on them (the Permissions API part setup
--             prints), not Unity Catalog grants.
-- MERGE, INSERT, UPDATE and DELETE read the table they write, so a written table takes SELECT and
-- MODIFY. Nobody but the owner gets CREATE TABLE: the tables and views exist before any of these
-- identities runs, so a compromised CI cannot reshape the verifier's record.

-- The deployer: writes deployments, their stages and settings snapshots; reads verdicts, error
-- budgets and quarantined versions for the promotion gate, and Unity Catalog's columns for precheck.
GRANT USE CATALOG ON CATALOG {{ops_catalog}} TO {{deployer}};
GRANT USE SCHEMA ON SCHEMA {{ops}} TO {{deployer}};
GRANT SELECT, MODIFY ON TABLE {{ops}}.deployments TO {{deployer}};
GRANT SELECT, MODIFY ON TABLE {{ops}}.deployment_events TO {{deployer}};
GRANT SELECT, MODIFY ON TABLE {{ops}}.resource_snapshots TO {{deployer}};
GRANT SELECT ON TABLE {{ops}}.verdicts TO {{deployer}};
GRANT SELECT ON TABLE {{ops}}.error_budgets TO {{deployer}};
GRANT SELECT ON TABLE {{ops}}.cost_budgets TO {{deployer}};
GRANT SELECT ON TABLE {{ops}}.check_results TO {{deployer}};
GRANT SELECT ON TABLE {{ops}}.quarantined_versions TO {{deployer}};
-- information_schema shows only the tables the reader may see: precheck compares the columns of
-- the tables it is allowed to browse (setup prints the BROWSE grant to add per catalog).
GRANT USE CATALOG ON CATALOG system TO {{deployer}};
GRANT USE SCHEMA ON SCHEMA system.information_schema TO {{deployer}};
GRANT SELECT ON TABLE system.information_schema.columns TO {{deployer}};

-- The verifier: every ops table is read and written by the tick (verdicts, check results, budgets,
-- the rollback ledger and quarantine, the audit chain, its caches and heartbeat), and the
-- deployment tables too, when a rollback records the restored version as a deployment.
GRANT USE CATALOG ON CATALOG {{ops_catalog}} TO {{verifier}};
GRANT USE SCHEMA ON SCHEMA {{ops}} TO {{verifier}};
GRANT SELECT, MODIFY ON TABLE {{ops}}.deployments TO {{verifier}};
GRANT SELECT, MODIFY ON TABLE {{ops}}.deployment_events TO {{verifier}};
GRANT SELECT, MODIFY ON TABLE {{ops}}.resource_snapshots TO {{verifier}};
GRANT SELECT, MODIFY ON TABLE {{ops}}.check_results TO {{verifier}};
GRANT SELECT, MODIFY ON TABLE {{ops}}.verdicts TO {{verifier}};
GRANT SELECT, MODIFY ON TABLE {{ops}}.error_budgets TO {{verifier}};
GRANT SELECT, MODIFY ON TABLE {{ops}}.cost_budgets TO {{verifier}};
GRANT SELECT, MODIFY ON TABLE {{ops}}.rollbacks TO {{verifier}};
GRANT SELECT, MODIFY ON TABLE {{ops}}.quarantined_versions TO {{verifier}};
GRANT SELECT, MODIFY ON TABLE {{ops}}.audit_log TO {{verifier}};
GRANT SELECT, MODIFY ON TABLE {{ops}}.audit_head TO {{verifier}};
GRANT SELECT, MODIFY ON TABLE {{ops}}.ticks TO {{verifier}};
GRANT SELECT, MODIFY ON TABLE {{ops}}.observed_runs TO {{verifier}};
GRANT SELECT, MODIFY ON TABLE {{ops}}.table_commits TO {{verifier}};
GRANT SELECT, MODIFY ON TABLE {{ops}}.pipeline_targets TO {{verifier}};
GRANT SELECT, MODIFY ON TABLE {{ops}}.watermarks TO {{verifier}};
GRANT SELECT, MODIFY ON TABLE {{ops}}.untracked_changes TO {{verifier}};
-- `restore apply` records each table it restored, once per plan.
GRANT SELECT, MODIFY ON TABLE {{ops}}.restores TO {{verifier}};
-- Retention (the daily job, as the verifier) moves history into the archives and keeps its record;
-- audit verify reads the archived part of the chain.
GRANT SELECT, MODIFY ON TABLE {{ops}}.deployments_archive TO {{verifier}};
GRANT SELECT, MODIFY ON TABLE {{ops}}.deployment_events_archive TO {{verifier}};
GRANT SELECT, MODIFY ON TABLE {{ops}}.resource_snapshots_archive TO {{verifier}};
GRANT SELECT, MODIFY ON TABLE {{ops}}.check_results_archive TO {{verifier}};
GRANT SELECT, MODIFY ON TABLE {{ops}}.verdicts_archive TO {{verifier}};
GRANT SELECT, MODIFY ON TABLE {{ops}}.error_budgets_archive TO {{verifier}};
GRANT SELECT, MODIFY ON TABLE {{ops}}.cost_budgets_archive TO {{verifier}};
GRANT SELECT, MODIFY ON TABLE {{ops}}.rollbacks_archive TO {{verifier}};
GRANT SELECT, MODIFY ON TABLE {{ops}}.audit_log_archive TO {{verifier}};
GRANT SELECT, MODIFY ON TABLE {{ops}}.ticks_archive TO {{verifier}};
GRANT SELECT, MODIFY ON TABLE {{ops}}.observed_runs_archive TO {{verifier}};
GRANT SELECT, MODIFY ON TABLE {{ops}}.table_commits_archive TO {{verifier}};
GRANT SELECT, MODIFY ON TABLE {{ops}}.retention_runs TO {{verifier}};
-- The event-log view: its owner reads the published event logs behind it, so the verifier needs
-- SELECT on the view alone, not on each pipeline's event log.
GRANT USE CATALOG ON CATALOG {{event_log_catalog}} TO {{verifier}};
GRANT USE SCHEMA ON SCHEMA {{event_log_schema}} TO {{verifier}};
GRANT SELECT ON TABLE {{event_log}} TO {{verifier}};
-- The slow evidence plane: runs, task runs (held to their tasks' own timeouts) and pipeline updates,
-- the timeouts and health rules of jobs deployed without a settings snapshot, and lineage for the
-- control group.
GRANT USE CATALOG ON CATALOG system TO {{verifier}};
GRANT USE SCHEMA ON SCHEMA system.lakeflow TO {{verifier}};
GRANT SELECT ON TABLE system.lakeflow.job_run_timeline TO {{verifier}};
GRANT SELECT ON TABLE system.lakeflow.job_task_run_timeline TO {{verifier}};
GRANT SELECT ON TABLE system.lakeflow.pipeline_update_timeline TO {{verifier}};
-- The config check reads job and pipeline settings around a deploy that has no snapshot of them.
GRANT SELECT ON TABLE system.lakeflow.jobs TO {{verifier}};
GRANT SELECT ON TABLE system.lakeflow.job_tasks TO {{verifier}};
GRANT SELECT ON TABLE system.lakeflow.pipelines TO {{verifier}};
GRANT USE SCHEMA ON SCHEMA system.access TO {{verifier}};
GRANT SELECT ON TABLE system.access.table_lineage TO {{verifier}};
-- Untracked changes (SOX): job and pipeline edits the workspace's audit log recorded.
GRANT SELECT ON TABLE system.access.audit TO {{verifier}};
-- Cost budgets: what each bundle's jobs and pipelines and postflight's own job and warehouse
-- used, priced at the list prices.
GRANT USE SCHEMA ON SCHEMA system.billing TO {{verifier}};
GRANT SELECT ON TABLE system.billing.usage TO {{verifier}};
GRANT SELECT ON TABLE system.billing.list_prices TO {{verifier}};
-- dbt test results, where the Elementary package uploads them (only with --dbt-artifacts).
GRANT USE CATALOG ON CATALOG {{dbt_artifacts_catalog}} TO {{verifier}};
GRANT USE SCHEMA ON SCHEMA {{dbt_artifacts}} TO {{verifier}};
GRANT SELECT ON TABLE {{dbt_artifacts}}.dbt_invocations TO {{verifier}};
GRANT SELECT ON TABLE {{dbt_artifacts}}.dbt_run_results TO {{verifier}};
GRANT SELECT ON TABLE {{dbt_artifacts}}.dbt_tests TO {{verifier}};
-- What each deployment's runs cost (the cost check): billable usage and the list prices it is
-- priced at. Only account admins read system.billing until they grant it.
GRANT USE SCHEMA ON SCHEMA system.billing TO {{verifier}};
GRANT SELECT ON TABLE system.billing.usage TO {{verifier}};
GRANT SELECT ON TABLE system.billing.list_prices TO {{verifier}};
-- Databricks' own monitors, where the policy file reads them (checks.monitors): data quality
-- monitoring's results, which only account admins read until they grant them; and each drift
-- metrics table the policy names ({{drift_metrics}}: the owner repeats these lines per table).
GRANT USE SCHEMA ON SCHEMA system.data_quality_monitoring TO {{verifier}};
GRANT SELECT ON TABLE system.data_quality_monitoring.table_results TO {{verifier}};
GRANT USE CATALOG ON CATALOG {{drift_metrics_catalog}} TO {{verifier}};
GRANT USE SCHEMA ON SCHEMA {{drift_metrics_schema}} TO {{verifier}};
GRANT SELECT ON TABLE {{drift_metrics}} TO {{verifier}};
