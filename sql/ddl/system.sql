-- Databricks system tables read by the verifier, with the documented column names and types
-- (see the reference in docs/). On Databricks these exist already and are read-only; the embedded
-- warehouse creates them from this file.

CREATE TABLE IF NOT EXISTS system.lakeflow.jobs (
  account_id STRING, workspace_id STRING,
  job_id STRING COMMENT 'Only unique within a single workspace',
  name STRING, description STRING, creator_id STRING,
  tags MAP<STRING, STRING>,
  change_time TIMESTAMP, delete_time TIMESTAMP,
  run_as STRING,
  trigger STRUCT<
    file_arrival: STRUCT<url: STRING, min_time_between_triggers_seconds: INT, wait_after_last_change_seconds: INT>,
    periodic: STRUCT<interval: INT, units: STRING>,
    continuous: STRUCT<enabled: BOOLEAN>,
    table_update: STRUCT<table_names: ARRAY<STRING>, min_time_between_triggers_seconds: BIGINT, wait_after_last_change_seconds: BIGINT, condition: STRING>,
    schedule: STRUCT<quartz_cron_expression: STRING, timezone_id: STRING>
  >,
  trigger_type STRING, run_as_user_name STRING, creator_user_name STRING,
  paused BOOLEAN, timeout_seconds BIGINT,
  health_rules ARRAY<STRUCT<metric: STRING, operator: STRING, value: BIGINT>>,
  deployment STRUCT<kind: STRING, metadata_file_path: STRING>,
  create_time TIMESTAMP
);

CREATE TABLE IF NOT EXISTS system.lakeflow.job_tasks (
  account_id STRING, workspace_id STRING, job_id STRING, task_key STRING,
  depends_on_keys ARRAY<STRING>,
  change_time TIMESTAMP, delete_time TIMESTAMP, timeout_seconds BIGINT,
  health_rules ARRAY<STRUCT<metric: STRING, operator: STRING, value: BIGINT>>
);

CREATE TABLE IF NOT EXISTS system.lakeflow.job_run_timeline (
  account_id STRING, workspace_id STRING, job_id STRING, run_id STRING,
  period_start_time TIMESTAMP, period_end_time TIMESTAMP,
  trigger_type STRING, run_type STRING, run_name STRING,
  compute_ids ARRAY<STRING>,
  result_state STRING COMMENT 'Only on the row that ends the run',
  termination_code STRING,
  job_parameters MAP<STRING, MAP<STRING, STRING>>,
  source_task_run_id STRING, root_task_run_id STRING,
  compute ARRAY<STRUCT<type: STRING, cluster_id: STRING, warehouse_id: STRING>>,
  termination_type STRING,
  setup_duration_seconds BIGINT, queue_duration_seconds BIGINT, run_duration_seconds BIGINT,
  cleanup_duration_seconds BIGINT, execution_duration_seconds BIGINT
);

CREATE TABLE IF NOT EXISTS system.lakeflow.job_task_run_timeline (
  account_id STRING, workspace_id STRING, job_id STRING,
  run_id STRING COMMENT 'ID of the task run', job_run_id STRING, parent_run_id STRING,
  period_start_time TIMESTAMP, period_end_time TIMESTAMP,
  task_key STRING, compute_ids ARRAY<STRING>,
  result_state STRING, termination_code STRING,
  compute ARRAY<STRUCT<type: STRING, cluster_id: STRING, warehouse_id: STRING>>,
  termination_type STRING,
  task_parameters MAP<STRING, STRING>,
  setup_duration_seconds BIGINT, cleanup_duration_seconds BIGINT, execution_duration_seconds BIGINT
);

-- settings inner fields are not documented; these follow public fixtures.
CREATE TABLE IF NOT EXISTS system.lakeflow.pipelines (
  account_id STRING, workspace_id STRING, pipeline_id STRING, pipeline_type STRING,
  name STRING, created_by STRING, run_as STRING, tags MAP<STRING, STRING>,
  settings STRUCT<photon: BOOLEAN, development: BOOLEAN, continuous: BOOLEAN, serverless: BOOLEAN, edition: STRING, channel: STRING>,
  configuration MAP<STRING, STRING>,
  create_time TIMESTAMP, change_time TIMESTAMP, delete_time TIMESTAMP
);

-- trigger_details and compute inner fields are not documented; these follow public fixtures.
CREATE TABLE IF NOT EXISTS system.lakeflow.pipeline_update_timeline (
  account_id STRING, workspace_id STRING, pipeline_id STRING, update_id STRING,
  update_type STRING, request_id STRING, run_as_user_name STRING, trigger_type STRING,
  trigger_details STRUCT<job_task: STRUCT<job_id: STRING, job_run_id: STRING>>,
  result_state STRING COMMENT 'COMPLETED | FAILED | CANCELED',
  compute STRUCT<type: STRING, cluster_id: STRING>,
  period_start_time TIMESTAMP, period_end_time TIMESTAMP,
  refresh_selection ARRAY<STRING>, full_refresh_selection ARRAY<STRING>, reset_checkpoint_selection ARRAY<STRING>
);

CREATE TABLE IF NOT EXISTS system.access.audit (
  account_id STRING, workspace_id STRING, version STRING,
  event_time TIMESTAMP, event_date DATE,
  source_ip_address STRING, user_agent STRING, session_id STRING,
  user_identity STRUCT<email: STRING, subject_name: STRING>,
  service_name STRING, action_name STRING, request_id STRING,
  request_params MAP<STRING, STRING>,
  response STRUCT<status_code: INT, error_message: STRING, result: STRING>,
  audit_level STRING, event_id STRING,
  identity_metadata STRUCT<run_by: STRING, run_as: STRING, acting_resource: STRING, run_by_display_name: STRING, run_as_display_name: STRING>
);

CREATE TABLE IF NOT EXISTS system.access.table_lineage (
  account_id STRING, metastore_id STRING, workspace_id STRING,
  entity_type STRING, entity_id STRING, entity_run_id STRING,
  source_table_full_name STRING, source_table_catalog STRING, source_table_schema STRING, source_table_name STRING,
  source_path STRING, source_type STRING,
  target_table_full_name STRING, target_table_catalog STRING, target_table_schema STRING, target_table_name STRING,
  target_path STRING, target_type STRING,
  created_by STRING, event_time TIMESTAMP, event_date DATE,
  record_id STRING, event_id STRING, statement_id STRING,
  entity_metadata STRUCT<job_info: STRUCT<job_id: STRING, job_run_id: STRING>, dashboard_id: STRING,
    legacy_dashboard_id: STRING, notebook_id: STRING, sql_query_id: STRING,
    dlt_pipeline_info: STRUCT<dlt_pipeline_id: STRING, dlt_update_id: STRING>,
    genie_space_id: STRING, alert_id: STRING>,
  direct_access BOOLEAN
);

-- Data quality monitoring's results (Public Preview): one row per scan of a table in a schema
-- with anomaly detection on, metastore-wide. The inner fields of commit_freshness and the row
-- counts are not documented as types; these follow the documented names and public queries.
CREATE TABLE IF NOT EXISTS system.data_quality_monitoring.table_results (
  event_time TIMESTAMP, catalog_name STRING, schema_name STRING, table_name STRING,
  catalog_id STRING, schema_id STRING, table_id STRING,
  status STRING COMMENT 'Healthy | Unhealthy | Unknown: Unhealthy when any check is',
  freshness STRUCT<status: STRING, commit_freshness: STRUCT<status: STRING, predicted_value: TIMESTAMP, last_value: TIMESTAMP>>,
  completeness STRUCT<status: STRING, total_row_count: STRUCT<status: STRING, last_value: BIGINT>,
    daily_row_count: STRUCT<status: STRING, min_predicted_value: BIGINT, max_predicted_value: BIGINT, last_value: BIGINT>>,
  downstream_impact STRUCT<impact_level: INT, num_downstream_tables: INT, num_queries_on_affected_tables: INT>
);

-- Unity Catalog's information schema (the columns of every table the caller may see), read by
-- `postflight precheck` for the schema a deploy changes.
CREATE TABLE IF NOT EXISTS system.information_schema.columns (
  table_catalog STRING, table_schema STRING, table_name STRING, column_name STRING,
  ordinal_position INT, column_default STRING, is_nullable STRING COMMENT 'YES or NO',
  full_data_type STRING, data_type STRING, numeric_precision INT, numeric_scale INT,
  comment STRING
);

-- Billable usage (global): hourly aggregates per SKU and compute resource; ORIGINAL records are
-- "typically available within 12 hours", corrections arrive as RETRACTION/RESTATEMENT rows.
-- usage_metadata and product_features hold more fields in the live table; these are the ones read.
CREATE TABLE IF NOT EXISTS system.billing.usage (
  account_id STRING, workspace_id STRING, record_id STRING, sku_name STRING,
  cloud STRING COMMENT 'AWS | AZURE | GCP',
  usage_start_time TIMESTAMP, usage_end_time TIMESTAMP, usage_date DATE,
  custom_tags MAP<STRING, STRING>,
  usage_unit STRING COMMENT 'DBU for compute; filter on it for DBU totals',
  usage_quantity DECIMAL(38,18),
  usage_metadata STRUCT<cluster_id: STRING, job_id: STRING, warehouse_id: STRING, instance_pool_id: STRING,
    node_type: STRING, job_run_id: STRING, notebook_id: STRING, dlt_pipeline_id: STRING, endpoint_name: STRING,
    endpoint_id: STRING, dlt_update_id: STRING, dlt_maintenance_id: STRING, run_name: STRING, job_name: STRING,
    notebook_path: STRING>,
  identity_metadata STRUCT<run_as: STRING, created_by: STRING, owned_by: STRING, run_by: STRING>,
  record_type STRING COMMENT 'ORIGINAL | RETRACTION | RESTATEMENT',
  ingestion_date DATE,
  billing_origin_product STRING COMMENT 'JOBS, DLT, SQL, ALL_PURPOSE, ...',
  product_features STRUCT<jobs_tier: STRING, sql_tier: STRING, dlt_tier: STRING, is_serverless: BOOLEAN,
    is_photon: BOOLEAN>,
  usage_type STRING
);

-- List prices per SKU over time (global): a price applies from price_start_time until
-- price_end_time (NULL while current).
CREATE TABLE IF NOT EXISTS system.billing.list_prices (
  price_start_time TIMESTAMP, price_end_time TIMESTAMP,
  account_id STRING, sku_name STRING, cloud STRING, currency_code STRING, usage_unit STRING,
  pricing STRUCT<default: DECIMAL(30,18), promotional: STRUCT<default: DECIMAL(30,18)>,
    effective_list: STRUCT<default: DECIMAL(30,18)>>
);

-- Compute definitions (SCD: a row per change), "typically available within one hour". Serverless
-- compute does not appear here.
CREATE TABLE IF NOT EXISTS system.compute.clusters (
  account_id STRING, workspace_id STRING, cluster_id STRING, cluster_name STRING,
  owned_by STRING, create_time TIMESTAMP, delete_time TIMESTAMP,
  driver_node_type STRING, worker_node_type STRING,
  worker_count BIGINT COMMENT 'Fixed-size clusters only',
  min_autoscale_workers BIGINT, max_autoscale_workers BIGINT, auto_termination_minutes BIGINT,
  enable_elastic_disk BOOLEAN, tags MAP<STRING, STRING>,
  cluster_source STRING COMMENT 'UI, API, DLT/PIPELINE, JOB, ...',
  init_scripts ARRAY<STRING>, driver_instance_pool_id STRING, worker_instance_pool_id STRING,
  dbr_version STRING, change_time TIMESTAMP, change_date DATE, data_security_mode STRING, policy_id STRING
);
