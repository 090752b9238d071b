-- Copies the observed_runs rows older than the hot window into the archive. A row already there is replaced
-- only when the hot row has changed since.
-- Safe to repeat. Params: hot_before_ms, now_ms.
MERGE INTO {{ops}}.observed_runs_archive AS t
USING (
  SELECT
    run_id, subject_id, start_time, end_time, result, raw_result, cause, failed_tasks, plane, observed_at, task_runs, h
  FROM (
    -- One source row per key: Delta refuses a MERGE whose source matches a target row twice.
    SELECT due.*, ROW_NUMBER() OVER (PARTITION BY due.run_id ORDER BY due.h) AS copy_rank
    FROM (
      SELECT x.*, xxhash64(
        x.run_id, x.subject_id, x.start_time, x.end_time, x.result, x.raw_result, x.cause, x.failed_tasks,
        x.plane, x.observed_at, x.task_runs
      ) AS h
      FROM {{ops}}.observed_runs x
      WHERE coalesce(x.start_time, x.observed_at) < timestamp_millis(:hot_before_ms)
    ) due
  ) ranked
  WHERE ranked.copy_rank = 1
) AS s
ON t.run_id = s.run_id
WHEN MATCHED AND xxhash64(
  t.run_id, t.subject_id, t.start_time, t.end_time, t.result, t.raw_result, t.cause, t.failed_tasks, t.plane,
  t.observed_at, t.task_runs
) <> s.h THEN UPDATE SET
  subject_id = s.subject_id, start_time = s.start_time, end_time = s.end_time, result = s.result,
  raw_result = s.raw_result, cause = s.cause, failed_tasks = s.failed_tasks, plane = s.plane,
  observed_at = s.observed_at, task_runs = s.task_runs,
  archived_at = timestamp_millis(:now_ms)
WHEN NOT MATCHED THEN INSERT (
  run_id, subject_id, start_time, end_time, result, raw_result, cause, failed_tasks, plane, observed_at, task_runs,
  archived_at
) VALUES (
  s.run_id, s.subject_id, s.start_time, s.end_time, s.result, s.raw_result, s.cause, s.failed_tasks, s.plane,
  s.observed_at, s.task_runs, timestamp_millis(:now_ms)
)
