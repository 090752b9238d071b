-- Retention figures of table_commits: rows and checksums (the sum of each row's xxhash64) of
-- the table_commits rows older than the hot window, due to move; of their copies in the archive,
-- matched by key; of the whole archive; of the archive rows past the archive window; and of the
-- due rows already past it (a run archives and removes them at once).
-- The newest commit of each table stays: the next history read starts after it.
-- Params: hot_before_ms, archive_before_ms.
WITH due AS (
  SELECT x.table_name, x.version, xxhash64(
    x.table_name, x.version, x.commit_time, x.operation, x.rows_written, x.job_id, x.run_id, x.read_at,
    x.expectations, x.backlog_records, x.backlog_seconds
  ) AS h, x.commit_time AS aged_at
  FROM (SELECT c.*, MAX(c.version) OVER (PARTITION BY c.table_name) AS newest_version FROM {{ops}}.table_commits c) x
  WHERE x.commit_time < timestamp_millis(:hot_before_ms)
    AND x.version < x.newest_version
),
arc AS (
  SELECT a.table_name, a.version, xxhash64(
    a.table_name, a.version, a.commit_time, a.operation, a.rows_written, a.job_id, a.run_id, a.read_at,
    a.expectations, a.backlog_records, a.backlog_seconds
  ) AS h, a.commit_time AS aged_at
  FROM {{ops}}.table_commits_archive a
)
SELECT hot.n AS hot_rows, due_all.n AS due_rows, due_all.s AS due_sum, arc_all.n AS archive_rows,
  arc_all.s AS archive_sum, copies.n AS archived_rows, copies.s AS archived_sum, copies.differing AS conflict_rows,
  expired.n AS expired_rows, expired.s AS expired_sum, due_old.n AS due_expired_rows, due_old.s AS due_expired_sum
FROM (SELECT COUNT(*) AS n FROM {{ops}}.table_commits) hot
CROSS JOIN (SELECT COUNT(*) AS n, CAST(coalesce(SUM(CAST(h AS DECIMAL(38, 0))), 0) AS STRING) AS s FROM due) due_all
CROSS JOIN (SELECT COUNT(*) AS n, CAST(coalesce(SUM(CAST(h AS DECIMAL(38, 0))), 0) AS STRING) AS s FROM arc) arc_all
CROSS JOIN (
  SELECT COUNT(*) AS n, CAST(coalesce(SUM(CAST(arc.h AS DECIMAL(38, 0))), 0) AS STRING) AS s,
    COUNT(CASE WHEN arc.h <> due.h THEN 1 END) AS differing
  FROM due JOIN arc ON arc.table_name = due.table_name AND arc.version = due.version
) copies
CROSS JOIN (
  SELECT COUNT(*) AS n, CAST(coalesce(SUM(CAST(h AS DECIMAL(38, 0))), 0) AS STRING) AS s
  FROM arc WHERE aged_at < timestamp_millis(:archive_before_ms)
) expired
CROSS JOIN (
  SELECT COUNT(*) AS n, CAST(coalesce(SUM(CAST(h AS DECIMAL(38, 0))), 0) AS STRING) AS s
  FROM due WHERE aged_at < timestamp_millis(:archive_before_ms)
) due_old
