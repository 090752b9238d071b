-- Retention figures of observed_runs: rows and checksums (the sum of each row's xxhash64) of
-- the observed_runs rows older than the hot window, due to move; of their copies in the archive,
-- matched by key; of the whole archive; of the archive rows past the archive window; and of the
-- due rows already past it (a run archives and removes them at once).
-- Params: hot_before_ms, archive_before_ms.
WITH due AS (
  SELECT x.run_id, xxhash64(
    x.run_id, x.subject_id, x.start_time, x.end_time, x.result, x.raw_result, x.cause, x.failed_tasks, x.plane,
    x.observed_at, x.task_runs
  ) AS h, coalesce(x.start_time, x.observed_at) AS aged_at
  FROM {{ops}}.observed_runs x
  WHERE coalesce(x.start_time, x.observed_at) < timestamp_millis(:hot_before_ms)
),
arc AS (
  SELECT a.run_id, xxhash64(
    a.run_id, a.subject_id, a.start_time, a.end_time, a.result, a.raw_result, a.cause, a.failed_tasks, a.plane,
    a.observed_at, a.task_runs
  ) AS h, coalesce(a.start_time, a.observed_at) AS aged_at
  FROM {{ops}}.observed_runs_archive a
)
SELECT hot.n AS hot_rows, due_all.n AS due_rows, due_all.s AS due_sum, arc_all.n AS archive_rows,
  arc_all.s AS archive_sum, copies.n AS archived_rows, copies.s AS archived_sum, copies.differing AS conflict_rows,
  expired.n AS expired_rows, expired.s AS expired_sum, due_old.n AS due_expired_rows, due_old.s AS due_expired_sum
FROM (SELECT COUNT(*) AS n FROM {{ops}}.observed_runs) hot
CROSS JOIN (SELECT COUNT(*) AS n, CAST(coalesce(SUM(CAST(h AS DECIMAL(38, 0))), 0) AS STRING) AS s FROM due) due_all
CROSS JOIN (SELECT COUNT(*) AS n, CAST(coalesce(SUM(CAST(h AS DECIMAL(38, 0))), 0) AS STRING) AS s FROM arc) arc_all
CROSS JOIN (
  SELECT COUNT(*) AS n, CAST(coalesce(SUM(CAST(arc.h AS DECIMAL(38, 0))), 0) AS STRING) AS s,
    COUNT(CASE WHEN arc.h <> due.h THEN 1 END) AS differing
  FROM due JOIN arc ON arc.run_id = due.run_id
) copies
CROSS JOIN (
  SELECT COUNT(*) AS n, CAST(coalesce(SUM(CAST(h AS DECIMAL(38, 0))), 0) AS STRING) AS s
  FROM arc WHERE aged_at < timestamp_millis(:archive_before_ms)
) expired
CROSS JOIN (
  SELECT COUNT(*) AS n, CAST(coalesce(SUM(CAST(h AS DECIMAL(38, 0))), 0) AS STRING) AS s
  FROM due WHERE aged_at < timestamp_millis(:archive_before_ms)
) due_old
