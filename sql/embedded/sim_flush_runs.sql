-- DuckDB SQL. Moves the staged rows into the world's base tables.
INSERT INTO sim_world.api_runs
SELECT run_id, job_id, start_ms, end_ms, api_result, termination_code, termination_type, tasks, run_name
FROM stage_runs WHERE job_id IS NOT NULL;

INSERT INTO sim_world.system_lakeflow__job_run_timeline BY NAME
SELECT '1001' AS account_id, '4242' AS workspace_id, job_id, run_id,
  timestamp_millis(start_ms) AS period_start_time, timestamp_millis(end_ms) AS period_end_time,
  'PERIODIC' AS trigger_type, 'JOB_RUN' AS run_type, run_name, result_state, termination_code, termination_type,
  CAST((end_ms - start_ms) / 1000 AS BIGINT) AS run_duration_seconds,
  CAST((end_ms - start_ms) / 1000 AS BIGINT) AS execution_duration_seconds,
  timestamp_millis(slow_visible_ms) AS _visible_at
FROM stage_runs WHERE job_id IS NOT NULL;

INSERT INTO sim_world.system_lakeflow__pipeline_update_timeline BY NAME
SELECT '1001' AS account_id, '4242' AS workspace_id, pipeline_id, run_id AS update_id, 'REFRESH' AS update_type,
  'SCHEDULE' AS trigger_type,
  CASE result_state WHEN 'SUCCEEDED' THEN 'COMPLETED' ELSE 'FAILED' END AS result_state,
  timestamp_millis(start_ms) AS period_start_time, timestamp_millis(end_ms) AS period_end_time,
  timestamp_millis(slow_visible_ms) AS _visible_at
FROM stage_runs WHERE pipeline_id IS NOT NULL;

INSERT INTO sim_world.system_lakeflow__job_task_run_timeline BY NAME
SELECT '1001' AS account_id, '4242' AS workspace_id, job_id, run_id, job_run_id, job_run_id AS parent_run_id,
  timestamp_millis(start_ms) AS period_start_time, timestamp_millis(end_ms) AS period_end_time, task_key,
  result_state, termination_code, timestamp_millis(slow_visible_ms) AS _visible_at
FROM stage_tasks;

-- Delta numbers each table's commits on its own, in the order they happen. Each table a step
-- commits to, with its newest version and commit time so far (one read of the commits).
CREATE OR REPLACE TEMP TABLE stage_heads AS
SELECT s.table_name, s.from_ts, max(c.version) AS version, max(c."timestamp") AS newest_ts
FROM (SELECT table_name, min(timestamp_millis(ts_ms)) AS from_ts FROM stage_commits GROUP BY table_name) s
LEFT JOIN sim_world.delta_commits c ON c.table_name = s.table_name
GROUP BY s.table_name, s.from_ts;

-- A step's commits follow their table's newest version (its CREATE TABLE is 0).
INSERT INTO sim_world.delta_commits BY NAME
WITH numbered AS (
  SELECT s.*, coalesce(h.version, -1) + row_number() OVER (
      PARTITION BY s.table_name ORDER BY s.ts_ms, s.operation = 'RESTORE', s.run_id NULLS FIRST, s.operation
    ) AS version
  FROM stage_commits s LEFT JOIN stage_heads h ON h.table_name = s.table_name
)
SELECT table_name, version, timestamp_millis(ts_ms) AS "timestamp", 'sp-etl' AS userId,
  'sp-etl' AS userName, operation, map(['mode'], ['Append']) AS operationParameters,
  struct_pack(jobId := job_id, jobName := job_name, runId := run_id) AS job,
  version - 1 AS readVersion, operation = 'WRITE' AS isBlindAppend,
  map(['numOutputRows', 'numFiles'], [CAST(rows AS VARCHAR), CAST(greatest(1, rows // 200000) AS VARCHAR)]) AS operationMetrics,
  'Databricks-Runtime/16.4.x-scala2.12' AS engineInfo, timestamp_millis(ts_ms) AS _visible_at
FROM numbered;

-- A run's commits are staged when it starts, so a long run's write can be staged before a later
-- run's earlier one. A table that already held a commit at or after its earliest new one is
-- numbered again from there, in commit-time order. Only commits not yet visible are ever
-- renumbered (every staged commit is later than the clock), and the numbers do not depend on how
-- the replay was cut into steps.
UPDATE sim_world.delta_commits AS d SET version = n.version, readVersion = n.version - 1
FROM (
  SELECT c.rowid AS row_id, b.base + row_number() OVER (
      PARTITION BY c.table_name
      ORDER BY c."timestamp", c.operation = 'RESTORE', c.job.runId NULLS FIRST, c.operation, c.version
    ) AS version
  FROM sim_world.delta_commits c
  JOIN (
    SELECT h.table_name, h.from_ts, coalesce(max(p.version) FILTER (WHERE p."timestamp" < h.from_ts), -1) AS base
    FROM stage_heads h JOIN sim_world.delta_commits p ON p.table_name = h.table_name
    WHERE h.newest_ts >= h.from_ts
    GROUP BY h.table_name, h.from_ts
  ) b ON c.table_name = b.table_name AND c."timestamp" >= b.from_ts
) n
WHERE d.rowid = n.row_id AND d.version <> n.version;

INSERT INTO sim_world.system_access__table_lineage BY NAME
SELECT '1001' AS account_id, 'ms-1' AS metastore_id, '4242' AS workspace_id, entity_type, entity_id, entity_run_id,
  source AS source_table_full_name, split_part(source, '.', 1) AS source_table_catalog,
  split_part(source, '.', 2) AS source_table_schema, split_part(source, '.', 3) AS source_table_name, 'TABLE' AS source_type,
  target AS target_table_full_name, split_part(target, '.', 1) AS target_table_catalog,
  split_part(target, '.', 2) AS target_table_schema, split_part(target, '.', 3) AS target_table_name, 'TABLE' AS target_type,
  'sp-etl' AS created_by, timestamp_millis(event_ms) AS event_time, CAST(timestamp_millis(event_ms) AS DATE) AS event_date,
  record_id, timestamp_millis(slow_visible_ms) AS _visible_at
FROM stage_lineage;

INSERT INTO sim_world.event_log BY NAME
SELECT id, '{"control_plane_seq_no": 1}' AS sequence,
  struct_pack(pipeline_id := pipeline_id, pipeline_name := pipeline_name, update_id := update_id,
    flow_id := NULL::VARCHAR, flow_name := flow_name, dataset_name := flow_name, cluster_id := NULL::VARCHAR) AS origin,
  timestamp_millis(ts_ms) AS "timestamp", message, level, 'STABLE' AS maturity_level,
  json_transform(error, '{"fatal": "BOOLEAN", "exceptions": [{"class_name": "VARCHAR", "message": "VARCHAR"}]}') AS error,
  details, event_type,
  timestamp_millis(ts_ms) AS _visible_at
FROM stage_events;
