-- Removes from the hot table the table_commits rows older than the hot window whose copy in the archive is identical
-- (same key, same row hash): a row not copied, or changed since, stays.
-- The newest commit of each table stays: the next history read starts after it.
-- Safe to repeat. Params: hot_before_ms.
MERGE INTO {{ops}}.table_commits AS t
USING (
  SELECT DISTINCT due.table_name, due.version, due.h
  FROM (
    SELECT x.table_name, x.version, xxhash64(
      x.table_name, x.version, x.commit_time, x.operation, x.rows_written, x.job_id, x.run_id, x.read_at,
      x.expectations, x.backlog_records, x.backlog_seconds
    ) AS h
    FROM (SELECT c.*, MAX(c.version) OVER (PARTITION BY c.table_name) AS newest_version FROM {{ops}}.table_commits c) x
    WHERE x.commit_time < timestamp_millis(:hot_before_ms)
      AND x.version < x.newest_version
  ) due
  JOIN {{ops}}.table_commits_archive a
    ON a.table_name = due.table_name AND a.version = due.version
    AND xxhash64(
      a.table_name, a.version, a.commit_time, a.operation, a.rows_written, a.job_id, a.run_id, a.read_at,
      a.expectations, a.backlog_records, a.backlog_seconds
    ) = due.h
) AS s
ON t.table_name = s.table_name AND t.version = s.version
WHEN MATCHED AND xxhash64(
  t.table_name, t.version, t.commit_time, t.operation, t.rows_written, t.job_id, t.run_id, t.read_at,
  t.expectations, t.backlog_records, t.backlog_seconds
) = s.h THEN DELETE
