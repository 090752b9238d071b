-- DuckDB SQL. Flat staging rows of simulated runs, fanned out into the world's tables.
CREATE OR REPLACE TEMP TABLE stage_runs (
  job_id VARCHAR, pipeline_id VARCHAR, run_id VARCHAR, run_name VARCHAR, start_ms BIGINT, end_ms BIGINT,
  result_state VARCHAR, api_result VARCHAR, termination_code VARCHAR, termination_type VARCHAR,
  tasks VARCHAR, slow_visible_ms BIGINT);
CREATE OR REPLACE TEMP TABLE stage_tasks (
  job_id VARCHAR, job_run_id VARCHAR, run_id VARCHAR, task_key VARCHAR, start_ms BIGINT, end_ms BIGINT,
  result_state VARCHAR, termination_code VARCHAR, slow_visible_ms BIGINT);
CREATE OR REPLACE TEMP TABLE stage_commits (
  table_name VARCHAR, ts_ms BIGINT, operation VARCHAR, rows BIGINT, job_id VARCHAR,
  job_name VARCHAR, run_id VARCHAR);
CREATE OR REPLACE TEMP TABLE stage_lineage (
  entity_type VARCHAR, entity_id VARCHAR, entity_run_id VARCHAR, source VARCHAR, target VARCHAR,
  event_ms BIGINT, slow_visible_ms BIGINT, record_id VARCHAR);
CREATE OR REPLACE TEMP TABLE stage_events (
  id VARCHAR, pipeline_id VARCHAR, pipeline_name VARCHAR, update_id VARCHAR, flow_name VARCHAR,
  ts_ms BIGINT, message VARCHAR, level VARCHAR, details VARCHAR, event_type VARCHAR, error VARCHAR);
