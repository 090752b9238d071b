-- Delta commits already read with DESCRIBE HISTORY, per watched table, and the newest version
-- held for each with when it was read (so the next history read only fetches what is new, and
-- only when a run has written the table since). Tables come back as their
-- position in the row batch, not their name: on the baseline's thousands of rows the name cost
-- more to read than everything else. Flow metrics (expectations, backlog) and run ids only from
-- metrics_since_ms on: older commits feed the volume baselines, which need neither.
-- Weekend commits reach back to since_ms, the others to weekday_since_ms (see runs.sql).
-- In commit order: the baselines sum these rows in the order they come, and a sum of doubles in
-- another order differs in its last bits from one engine to the other.
-- Rows: idx, name. Params: since_ms, weekday_since_ms, metrics_since_ms.
WITH t AS ({{rows}}),
held AS (
  SELECT t.idx, t.name AS table_name, MAX(c.version) AS max_version, unix_millis(MAX(c.read_at)) AS read_ms
  FROM {{ops}}.table_commits c JOIN t ON c.table_name = t.name
  GROUP BY t.idx, t.name
)
SELECT h.idx, c.version, unix_millis(c.commit_time) AS ts_ms, c.rows_written,
  CASE WHEN c.commit_time >= timestamp_millis(:metrics_since_ms) THEN c.run_id END AS run_id,
  CASE WHEN c.commit_time >= timestamp_millis(:metrics_since_ms) THEN c.expectations END AS expectations,
  CASE WHEN c.commit_time >= timestamp_millis(:metrics_since_ms) THEN c.backlog_records END AS backlog_records,
  CASE WHEN c.commit_time >= timestamp_millis(:metrics_since_ms) THEN c.backlog_seconds END AS backlog_seconds,
  h.max_version, h.read_ms
FROM held h
LEFT JOIN {{ops}}.table_commits c
  ON c.table_name = h.table_name AND c.commit_time >= timestamp_millis(:since_ms)
    AND (c.commit_time >= timestamp_millis(:weekday_since_ms) OR (CAST(floor(unix_millis(c.commit_time) / 86400000) AS BIGINT) + 4) % 7 IN (0, 6))
ORDER BY h.idx, c.commit_time, c.version
