-- The run cache: runs seen on the Jobs API and event log (fast plane), kept so later ticks need
-- only what is new, and post-deploy runs judged from the system tables alone (plane 'slow'), so
-- the periodic slow-plane check does not bring them back.
MERGE INTO {{ops}}.observed_runs AS t
USING ({{rows}}) AS s
ON t.run_id = s.run_id
-- A later sighting may carry only part of a run (an event-log window that starts mid-update):
-- keep the earliest start and never forget an end once seen.
WHEN MATCHED THEN UPDATE SET
  start_time = LEAST(t.start_time, s.start_time),
  end_time = COALESCE(s.end_time, t.end_time),
  result = CASE WHEN s.end_time IS NULL AND t.end_time IS NOT NULL THEN t.result ELSE s.result END,
  raw_result = CASE WHEN s.end_time IS NULL AND t.end_time IS NOT NULL THEN t.raw_result ELSE s.raw_result END,
  cause = CASE WHEN s.end_time IS NULL AND t.end_time IS NOT NULL THEN t.cause ELSE s.cause END,
  plane = CASE WHEN s.end_time IS NULL AND t.end_time IS NOT NULL THEN t.plane ELSE s.plane END,
  failed_tasks = COALESCE(s.failed_tasks, t.failed_tasks), observed_at = s.observed_at,
  task_runs = COALESCE(s.task_runs, t.task_runs)
WHEN NOT MATCHED THEN INSERT (run_id, subject_id, start_time, end_time, result, raw_result, cause, failed_tasks, plane, observed_at, task_runs)
VALUES (s.run_id, s.subject_id, s.start_time, s.end_time, s.result, s.raw_result, s.cause, s.failed_tasks, s.plane, s.observed_at, s.task_runs)
