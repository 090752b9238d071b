-- Commits of the tables a deployment wrote, from postflight's commit cache: every commit from
-- since_ms on, and the newest one before it (the version a restore goes back to).
-- Rows: name. Params: since_ms.
WITH t AS ({{rows}}),
c AS (
  SELECT c.table_name, c.version, c.commit_time, c.operation, c.rows_written, c.job_id
  FROM {{ops}}.table_commits c JOIN t ON c.table_name = t.name
),
before AS (
  SELECT table_name, MAX(version) AS version FROM c
  WHERE c.commit_time <= timestamp_millis(:since_ms) GROUP BY table_name
)
SELECT c.table_name, c.version, unix_millis(c.commit_time) AS commit_ms, c.operation, c.rows_written, c.job_id
FROM c LEFT JOIN before b ON b.table_name = c.table_name
WHERE c.commit_time > timestamp_millis(:since_ms) OR c.version = b.version
ORDER BY c.table_name, c.version
