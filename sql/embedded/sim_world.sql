-- DuckDB SQL. The simulated platform behind the embedded adapters. The verifier never reads the
-- sim_world schema: it sees the world only through the system-table views, the event log view,
-- the Delta history view and the embedded Workspace (the control plane's API state).
CREATE SCHEMA IF NOT EXISTS sim_world;
CREATE TABLE IF NOT EXISTS sim_world.meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS sim_world.clock (now_ms BIGINT);
-- Control-plane state: current settings of every job and pipeline, and every run.
CREATE TABLE IF NOT EXISTS sim_world.api_resources (
  resource_id VARCHAR PRIMARY KEY, resource_type VARCHAR, bundle VARCHAR, version VARCHAR,
  settings VARCHAR, changed_ms BIGINT, last_modified BIGINT);
-- Every jobs/reset and pipelines edit the control plane accepted (what the workspace audit log
-- would show), so a replay can count how often each resource was reset.
CREATE TABLE IF NOT EXISTS sim_world.api_changes (resource_id VARCHAR, resource_type VARCHAR, version VARCHAR, changed_ms BIGINT);
CREATE TABLE IF NOT EXISTS sim_world.api_runs (
  run_id VARCHAR, job_id VARCHAR, start_ms BIGINT, end_ms BIGINT, result_state VARCHAR,
  termination_code VARCHAR, termination_type VARCHAR, tasks VARCHAR, run_name VARCHAR);
CREATE TABLE IF NOT EXISTS sim_world.versions (bundle VARCHAR, version VARCHAR, kind VARCHAR, factor DOUBLE);
-- Ground truth, for scoring only.
CREATE TABLE IF NOT EXISTS sim_world.labels (
  deployment_id VARCHAR, bundle VARCHAR, version VARCHAR, label VARCHAR, kind VARCHAR, factor DOUBLE,
  deploy_ms BIGINT, pipeline_kind VARCHAR, cadence_min BIGINT);
-- Changes made by hand in the UI that no deployment records (ground truth, for scoring).
CREATE TABLE IF NOT EXISTS sim_world.hand_edits (resource_id VARCHAR, edit_ms BIGINT, email VARCHAR, label VARCHAR);
CREATE TABLE IF NOT EXISTS sim_world.incidents (source VARCHAR, from_ms BIGINT, to_ms BIGINT, factor DOUBLE, deployment_id VARCHAR);
CREATE TABLE IF NOT EXISTS sim_world.delta_commits (
  table_name VARCHAR, version BIGINT, "timestamp" TIMESTAMP, userId VARCHAR, userName VARCHAR,
  operation VARCHAR, operationParameters MAP(VARCHAR, VARCHAR),
  job STRUCT(jobId VARCHAR, jobName VARCHAR, runId VARCHAR),
  readVersion BIGINT, isBlindAppend BOOLEAN, operationMetrics MAP(VARCHAR, VARCHAR), engineInfo VARCHAR,
  _visible_at TIMESTAMP);
CREATE INDEX IF NOT EXISTS delta_commits_table ON sim_world.delta_commits (table_name);
