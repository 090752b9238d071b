-- Copies the table_commits rows older than the hot window into the archive. A row already there is replaced
-- only when the hot row has changed since.
-- The newest commit of each table stays: the next history read starts after it.
-- Safe to repeat. Params: hot_before_ms, now_ms.
MERGE INTO {{ops}}.table_commits_archive AS t
USING (
  SELECT
    table_name, version, commit_time, operation, rows_written, job_id, run_id, read_at, expectations,
    backlog_records, backlog_seconds, h
  FROM (
    -- One source row per key: Delta refuses a MERGE whose source matches a target row twice.
    SELECT due.*, ROW_NUMBER() OVER (PARTITION BY due.table_name, due.version ORDER BY due.h) AS copy_rank
    FROM (
      SELECT x.*, xxhash64(
        x.table_name, x.version, x.commit_time, x.operation, x.rows_written, x.job_id, x.run_id, x.read_at,
        x.expectations, x.backlog_records, x.backlog_seconds
      ) AS h
      FROM (SELECT c.*, MAX(c.version) OVER (PARTITION BY c.table_name) AS newest_version FROM {{ops}}.table_commits c) x
      WHERE x.commit_time < timestamp_millis(:hot_before_ms)
        AND x.version < x.newest_version
    ) due
  ) ranked
  WHERE ranked.copy_rank = 1
) AS s
ON t.table_name = s.table_name AND t.version = s.version
WHEN MATCHED AND xxhash64(
  t.table_name, t.version, t.commit_time, t.operation, t.rows_written, t.job_id, t.run_id, t.read_at,
  t.expectations, t.backlog_records, t.backlog_seconds
) <> s.h THEN UPDATE SET
  commit_time = s.commit_time, operation = s.operation, rows_written = s.rows_written, job_id = s.job_id,
  run_id = s.run_id, read_at = s.read_at, expectations = s.expectations, backlog_records = s.backlog_records,
  backlog_seconds = s.backlog_seconds,
  archived_at = timestamp_millis(:now_ms)
WHEN NOT MATCHED THEN INSERT (
  table_name, version, commit_time, operation, rows_written, job_id, run_id, read_at, expectations,
  backlog_records, backlog_seconds, archived_at
) VALUES (
  s.table_name, s.version, s.commit_time, s.operation, s.rows_written, s.job_id, s.run_id, s.read_at,
  s.expectations, s.backlog_records, s.backlog_seconds, timestamp_millis(:now_ms)
)
