-- Fast-plane evidence of Lakeflow pipelines from the event log: update lifecycle, rows written
-- per flow (resolved to the target table through pipeline_targets), and expectation counts.
-- Weekend events reach back to since_ms, the others to weekday_since_ms (see runs.sql).
-- Pipelines: those of the row batch and, when followed is true, every pipeline the verifier
-- follows (a watermark named event_log:<id>), so that a tick can read them without first reading
-- which they are. Rows: id. Params: since_ms, weekday_since_ms, followed.
WITH given AS ({{rows}}),
ids AS (
  -- UNION ALL: an IN list needs no distinct rows, and on the embedded warehouse a distinct
  -- allocates a hash table sized to the CPU cache, which cost twice the rest of the read.
  SELECT id FROM given
  UNION ALL
  SELECT substr(name, 11) FROM {{ops}}.watermarks WHERE :followed AND name LIKE 'event_log:%'
),
-- The time bound and the rows without a time are read apart: under one OR the bound reaches no
-- engine's data skipping, and every tick read the whole event log (90 days: 1.25 million rows,
-- 0.26 s of scan on the embedded warehouse for the 29 events of the last minute).
events AS (
  SELECT * FROM {{event_log}} l
  WHERE l.timestamp >= timestamp_millis(:since_ms)
    AND (l.timestamp >= timestamp_millis(:weekday_since_ms) OR (CAST(floor(unix_millis(l.timestamp) / 86400000) AS BIGINT) + 4) % 7 IN (0, 6))
  UNION ALL
  -- A row without a time breaks the event log's schema: it is read every time, so the tick
  -- reports it as malformed evidence of its pipeline rather than never seeing it.
  SELECT * FROM {{event_log}} l WHERE l.timestamp IS NULL
)
SELECT e.origin.pipeline_id AS pipeline_id, e.origin.update_id AS update_id, e.origin.flow_name AS flow_name,
  t.table_name, e.event_type, unix_millis(e.timestamp) AS ts_ms,
  get_json_object(e.details, '$.update_progress.state') AS update_state,
  get_json_object(e.details, '$.flow_progress.status') AS flow_status,
  get_json_object(e.details, '$.flow_progress.metrics.num_output_rows') AS num_output_rows,
  get_json_object(e.details, '$.flow_progress.metrics.backlog_records') AS backlog_records,
  get_json_object(e.details, '$.flow_progress.metrics.backlog_seconds') AS backlog_seconds,
  get_json_object(e.details, '$.flow_progress.data_quality.expectations') AS expectations,
  -- error is a STRUCT, and try_element_at (1-based) is NULL, not an error, when there is no exception.
  try_element_at(e.error.exceptions, 1).class_name AS error_class
FROM events e
LEFT JOIN {{ops}}.pipeline_targets t
  ON t.pipeline_id = e.origin.pipeline_id AND t.flow_name = e.origin.flow_name
WHERE e.origin.pipeline_id IN (SELECT id FROM ids)
  AND (e.event_type IS NULL OR e.event_type IN ('create_update', 'update_progress', 'flow_progress'))
