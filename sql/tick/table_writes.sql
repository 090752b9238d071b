-- Delta commits already read with DESCRIBE HISTORY, per watched table, and the newest version
-- held for each (so the next history read only fetches what is new). Flow metrics (expectations,
-- backlog) only from metrics_since_ms on: older ones feed no test. Rows: name. Params: since_ms,
-- metrics_since_ms.
WITH t AS ({{rows}}),
held AS (
  SELECT table_name, MAX(version) AS max_version FROM {{ops}}.table_commits
  WHERE table_name IN (SELECT name FROM t) GROUP BY table_name
)
SELECT c.table_name, c.version, unix_millis(c.commit_time) AS ts_ms, c.rows_written, c.run_id,
  CASE WHEN c.commit_time >= timestamp_millis(:metrics_since_ms) THEN c.expectations END AS expectations,
  CASE WHEN c.commit_time >= timestamp_millis(:metrics_since_ms) THEN c.backlog_records END AS backlog_records,
  CASE WHEN c.commit_time >= timestamp_millis(:metrics_since_ms) THEN c.backlog_seconds END AS backlog_seconds,
  h.max_version
FROM held h
LEFT JOIN {{ops}}.table_commits c
  ON c.table_name = h.table_name AND c.commit_time >= timestamp_millis(:since_ms)
