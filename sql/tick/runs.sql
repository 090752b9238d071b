-- Runs of the watched jobs and pipelines since a time: finished runs from the system tables
-- (slow plane, hours late) and the run cache: runs postflight saw on the Jobs API and event log
-- (fast plane), and post-deploy runs it judged from the system tables alone (plane 'slow').
-- Subjects come back as their position in the row batch, and a slow-plane run that simply
-- succeeded as NULL outcome columns: that is most of the baseline, and strings cost the most to
-- read. Weekend runs are read back to since_ms, the others to weekday_since_ms: same-slot
-- baselines need more weeks to hold as many weekend days. The task runs of the jobs' runs since
-- tasks_since_ms (the deploys judged: a task's own timeout or health rule is held only against
-- post-deploy runs) come from job_task_run_timeline as rows of their own, task_key set and run_id
-- the job run's; the run cache keeps them in task_runs. Rows: idx, id. Params: since_ms,
-- weekday_since_ms, tasks_since_ms.
WITH ids AS ({{rows}}),
-- Slices in the horizon and slices without a start are read apart: under one OR the horizon
-- reaches no engine's data skipping, and every read scanned the timelines' whole history.
job_slices AS (
  SELECT job_id, run_id, period_start_time, period_end_time, result_state, termination_code, termination_type
  FROM system.lakeflow.job_run_timeline
  WHERE workspace_id = :workspace_id AND job_id IN (SELECT id FROM ids) AND run_id IS NOT NULL
    AND period_start_time >= timestamp_millis(:since_ms)
    AND (period_start_time >= timestamp_millis(:weekday_since_ms) OR (CAST(floor(unix_millis(period_start_time) / 86400000) AS BIGINT) + 4) % 7 IN (0, 6))
  UNION ALL
  SELECT job_id, run_id, period_start_time, period_end_time, result_state, termination_code, termination_type
  FROM system.lakeflow.job_run_timeline
  WHERE workspace_id = :workspace_id AND job_id IN (SELECT id FROM ids) AND run_id IS NOT NULL
    AND period_start_time IS NULL
),
job_runs AS (
  -- A slice without a start (the table documents none) leaves its run without one, for the
  -- tick to report: the earliest of the other slices would be a start made up.
  SELECT job_id, run_id,
    CASE WHEN count(period_start_time) = count(*) THEN MIN(period_start_time) END AS start_time,
    MAX(period_end_time) AS end_time,
    MAX(result_state) AS result_state, MAX(termination_code) AS termination_code, MAX(termination_type) AS termination_type
  FROM job_slices
  GROUP BY job_id, run_id
  HAVING MAX(result_state) IS NOT NULL
),
slow AS (
  SELECT job_id AS subject_id, run_id, start_time, end_time, result_state, termination_code, termination_type FROM job_runs
  UNION ALL
  -- Rows without a run id are not grouped (that made one long run of many): each comes back on
  -- its own, for the tick to report as malformed.
  SELECT job_id, run_id, period_start_time, period_end_time, result_state, termination_code, termination_type
  FROM system.lakeflow.job_run_timeline
  WHERE workspace_id = :workspace_id AND job_id IN (SELECT id FROM ids) AND run_id IS NULL
    AND (period_start_time IS NULL OR period_start_time >= timestamp_millis(:since_ms))
  UNION ALL
  SELECT pipeline_id, update_id, period_start_time, period_end_time, result_state, CAST(NULL AS STRING), CAST(NULL AS STRING)
  FROM system.lakeflow.pipeline_update_timeline
  WHERE workspace_id = :workspace_id AND pipeline_id IN (SELECT id FROM ids) AND result_state IS NOT NULL
    AND period_start_time >= timestamp_millis(:since_ms)
    AND (period_start_time >= timestamp_millis(:weekday_since_ms) OR (CAST(floor(unix_millis(period_start_time) / 86400000) AS BIGINT) + 4) % 7 IN (0, 6))
  UNION ALL
  SELECT pipeline_id, update_id, period_start_time, period_end_time, result_state, CAST(NULL AS STRING), CAST(NULL AS STRING)
  FROM system.lakeflow.pipeline_update_timeline
  WHERE workspace_id = :workspace_id AND pipeline_id IN (SELECT id FROM ids) AND result_state IS NOT NULL
    AND period_start_time IS NULL
),
task_periods AS (
  SELECT job_id, job_run_id, run_id, task_key, MIN(period_start_time) AS start_time, MAX(period_end_time) AS end_time,
    MAX(result_state) AS result_state
  FROM system.lakeflow.job_task_run_timeline
  WHERE workspace_id = :workspace_id AND job_id IN (SELECT id FROM ids) AND period_start_time >= timestamp_millis(:tasks_since_ms)
  GROUP BY job_id, job_run_id, run_id, task_key
  HAVING MAX(result_state) IS NOT NULL
),
slow_flagged AS (
  SELECT sr.*, (result_state = 'SUCCEEDED' AND coalesce(termination_code, 'SUCCESS') = 'SUCCESS') AS succeeded FROM slow sr
)
SELECT false AS cached, i.idx, f.run_id, unix_millis(f.start_time) AS start_ms, unix_millis(f.end_time) AS end_ms,
  CAST(NULL AS STRING) AS result,
  CASE WHEN f.succeeded THEN NULL ELSE f.result_state END AS raw_result,
  CASE WHEN f.succeeded THEN NULL ELSE f.termination_code END AS termination_code,
  CASE WHEN f.succeeded THEN NULL ELSE f.termination_type END AS termination_type,
  CAST(NULL AS STRING) AS cause, CAST(NULL AS STRING) AS failed_tasks, CAST(NULL AS STRING) AS plane,
  CAST(NULL AS STRING) AS task_key, CAST(NULL AS STRING) AS task_runs
FROM slow_flagged f JOIN ids i ON i.id = f.subject_id
UNION ALL
SELECT false, i.idx, t.job_run_id, unix_millis(t.start_time), unix_millis(t.end_time), CAST(NULL AS STRING),
  t.result_state, CAST(NULL AS STRING), CAST(NULL AS STRING), CAST(NULL AS STRING), CAST(NULL AS STRING),
  CAST(NULL AS STRING), t.task_key, CAST(NULL AS STRING)
FROM task_periods t JOIN ids i ON i.id = t.job_id
UNION ALL
SELECT true, i.idx, o.run_id, unix_millis(o.start_time), unix_millis(o.end_time), o.result, o.raw_result,
  CAST(NULL AS STRING), CAST(NULL AS STRING), o.cause, o.failed_tasks, CASE WHEN o.plane = 'slow' THEN o.plane END,
  CAST(NULL AS STRING), o.task_runs
FROM {{ops}}.observed_runs o JOIN ids i ON i.id = o.subject_id
WHERE o.start_time >= timestamp_millis(:since_ms) AND (o.start_time >= timestamp_millis(:weekday_since_ms) OR (CAST(floor(unix_millis(o.start_time) / 86400000) AS BIGINT) + 4) % 7 IN (0, 6))
