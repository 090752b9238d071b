-- dbt test results as the Elementary dbt package (elementary-data/dbt-data-reliability 0.25.1)
-- uploads them after every dbt invocation: column names and types as its models declare them
-- (string and long_string are STRING, float is FLOAT). Timestamps other than created_at are kept
-- as text by the package. The verifier only reads these tables; the embedded world writes them
-- for its dbt jobs. {{dbt_artifacts}} is the schema the package writes to.

CREATE TABLE IF NOT EXISTS {{dbt_artifacts}}.dbt_invocations (
  invocation_id STRING, job_id STRING, job_name STRING, job_run_id STRING,
  run_started_at STRING, run_completed_at STRING, generated_at STRING, created_at TIMESTAMP,
  command STRING, dbt_version STRING, elementary_version STRING, full_refresh BOOLEAN,
  invocation_vars STRING, vars STRING, target_name STRING, target_database STRING, target_schema STRING,
  target_profile_name STRING, threads INT, selected STRING, yaml_selector STRING, project_id STRING,
  project_name STRING, env STRING, env_id STRING, cause_category STRING, cause STRING, pull_request_id STRING,
  git_sha STRING, orchestrator STRING, dbt_user STRING, job_url STRING, job_run_url STRING, account_id STRING,
  target_adapter_specific_fields STRING
);

CREATE TABLE IF NOT EXISTS {{dbt_artifacts}}.dbt_run_results (
  model_execution_id STRING, unique_id STRING, invocation_id STRING, generated_at STRING, created_at TIMESTAMP,
  name STRING, message STRING, status STRING, resource_type STRING, execution_time FLOAT,
  execute_started_at STRING, execute_completed_at STRING, compile_started_at STRING, compile_completed_at STRING,
  rows_affected BIGINT, full_refresh BOOLEAN, compiled_code STRING, failures BIGINT, query_id STRING,
  thread_id STRING, materialization STRING, adapter_response STRING, group_name STRING
);

CREATE TABLE IF NOT EXISTS {{dbt_artifacts}}.dbt_tests (
  unique_id STRING, database_name STRING, schema_name STRING, name STRING, short_name STRING, alias STRING,
  test_column_name STRING, severity STRING, warn_if STRING, error_if STRING, test_params STRING,
  test_namespace STRING, test_original_name STRING, tags STRING, model_tags STRING, model_owners STRING,
  meta STRING, depends_on_macros STRING, depends_on_nodes STRING, parent_model_unique_id STRING,
  description STRING, package_name STRING, type STRING, original_path STRING, path STRING,
  generated_at STRING, metadata_hash STRING, quality_dimension STRING, group_name STRING
);
