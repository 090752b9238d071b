-- Lineage of the tables a deployment wrote: who read them (and what they wrote from them), and
-- who wrote them, since the deploy. Rows: name. Params: since_ms, workspace_id.
WITH t AS ({{rows}})
SELECT l.entity_type, l.entity_id, l.source_table_full_name AS source, l.target_table_full_name AS target,
  unix_millis(MIN(l.event_time)) AS first_ms, unix_millis(MAX(l.event_time)) AS last_ms, COUNT(*) AS events
FROM system.access.table_lineage l
WHERE l.workspace_id = :workspace_id AND l.event_date >= CAST(timestamp_millis(:since_ms) AS DATE)
  AND l.event_time > timestamp_millis(:since_ms)
  AND (l.source_table_full_name IN (SELECT name FROM t) OR l.target_table_full_name IN (SELECT name FROM t))
GROUP BY l.entity_type, l.entity_id, l.source_table_full_name, l.target_table_full_name
ORDER BY target NULLS FIRST, source NULLS FIRST, l.entity_type, l.entity_id
