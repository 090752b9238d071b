-- The limits the deployed jobs state for their runs: each job's settings as its deployment recorded
-- them (the snapshot), and for a job with no snapshot, its row of system.lakeflow.jobs and its tasks'
-- rows of system.lakeflow.job_tasks as they stood when the deployment finished (deleted tasks left
-- out). Health rules come back as JSON text, so both engines hand over the same shape.
-- Rows: idx, deployment_id, job_id, finished_ms.
WITH wanted AS ({{rows}}),
snap AS (
  SELECT w.idx, rs.settings
  FROM wanted w
  JOIN {{ops}}.resource_snapshots rs
    ON rs.deployment_id = w.deployment_id AND rs.resource_type = 'job' AND rs.resource_id = w.job_id
),
bare AS (
  SELECT w.idx, w.job_id, w.finished_ms FROM wanted w WHERE w.idx NOT IN (SELECT idx FROM snap)
),
job_versions AS (
  SELECT b.idx, j.timeout_seconds, to_json(j.health_rules) AS health_rules, j.delete_time,
    ROW_NUMBER() OVER (PARTITION BY b.idx ORDER BY j.change_time DESC) AS rn
  FROM bare b
  JOIN system.lakeflow.jobs j
    ON j.workspace_id = :workspace_id AND j.job_id = b.job_id AND j.change_time <= timestamp_millis(b.finished_ms)
),
task_versions AS (
  SELECT b.idx, t.task_key, t.timeout_seconds, to_json(t.health_rules) AS health_rules, t.delete_time,
    ROW_NUMBER() OVER (PARTITION BY b.idx, t.task_key ORDER BY t.change_time DESC) AS rn
  FROM bare b
  JOIN system.lakeflow.job_tasks t
    ON t.workspace_id = :workspace_id AND t.job_id = b.job_id AND t.change_time <= timestamp_millis(b.finished_ms)
)
SELECT 'snapshot' AS kind, idx, settings, CAST(NULL AS STRING) AS task_key, CAST(NULL AS BIGINT) AS timeout_seconds,
  CAST(NULL AS STRING) AS health_rules
FROM snap
UNION ALL
SELECT 'job', idx, CAST(NULL AS STRING), CAST(NULL AS STRING), timeout_seconds, health_rules
FROM job_versions WHERE rn = 1 AND delete_time IS NULL
UNION ALL
SELECT 'task', idx, CAST(NULL AS STRING), task_key, timeout_seconds, health_rules
FROM task_versions WHERE rn = 1 AND delete_time IS NULL
