-- Deployments with a finished post-deploy run in the system tables (the slow plane, hours late)
-- that the fast plane (Jobs API listing, pipeline event log) never recorded as finished. Only
-- these need the periodic re-judgement: every other run has already been judged the tick it
-- was listed. Rows: idx (the deployment's position), id (a job or pipeline it deployed),
-- since_ms (when it finished deploying). Params: workspace_id.
WITH s AS ({{rows}}),
slow AS (
  SELECT s.idx, t.job_id AS subject_id, t.run_id
  FROM system.lakeflow.job_run_timeline t JOIN s ON t.job_id = s.id
  WHERE t.workspace_id = :workspace_id AND t.period_start_time >= timestamp_millis(s.since_ms)
    AND t.result_state IS NOT NULL
  UNION ALL
  SELECT s.idx, t.pipeline_id, t.update_id
  FROM system.lakeflow.pipeline_update_timeline t JOIN s ON t.pipeline_id = s.id
  WHERE t.workspace_id = :workspace_id AND t.period_start_time >= timestamp_millis(s.since_ms)
    AND t.result_state IS NOT NULL
)
SELECT DISTINCT sl.idx
FROM slow sl
WHERE NOT EXISTS (
  SELECT 1 FROM {{ops}}.observed_runs o
  WHERE o.subject_id = sl.subject_id AND o.run_id = sl.run_id AND o.end_time IS NOT NULL
)
