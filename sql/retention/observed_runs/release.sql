-- Removes from the hot table the observed_runs rows older than the hot window whose copy in the archive is identical
-- (same key, same row hash): a row not copied, or changed since, stays.
-- Safe to repeat. Params: hot_before_ms.
MERGE INTO {{ops}}.observed_runs AS t
USING (
  SELECT DISTINCT due.run_id, due.h
  FROM (
    SELECT x.run_id, xxhash64(
      x.run_id, x.subject_id, x.start_time, x.end_time, x.result, x.raw_result, x.cause, x.failed_tasks,
      x.plane, x.observed_at, x.task_runs
    ) AS h
    FROM {{ops}}.observed_runs x
    WHERE coalesce(x.start_time, x.observed_at) < timestamp_millis(:hot_before_ms)
  ) due
  JOIN {{ops}}.observed_runs_archive a
    ON a.run_id = due.run_id
    AND xxhash64(
      a.run_id, a.subject_id, a.start_time, a.end_time, a.result, a.raw_result, a.cause, a.failed_tasks,
      a.plane, a.observed_at, a.task_runs
    ) = due.h
) AS s
ON t.run_id = s.run_id
WHEN MATCHED AND xxhash64(
  t.run_id, t.subject_id, t.start_time, t.end_time, t.result, t.raw_result, t.cause, t.failed_tasks, t.plane,
  t.observed_at, t.task_runs
) = s.h THEN DELETE
