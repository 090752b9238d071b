-- Tables each watched resource reads and writes, plus every other resource that reads the same
-- sources (the control group), in this workspace. Rows: id. Params: since_ms, workspace_id.
WITH ids AS ({{rows}}),
mine AS (
  SELECT DISTINCT l.source_table_full_name AS source
  FROM system.access.table_lineage l
  WHERE l.workspace_id = :workspace_id AND l.event_date >= CAST(timestamp_millis(:since_ms) AS DATE)
    AND l.entity_id IN (SELECT id FROM ids)
    AND l.source_table_full_name IS NOT NULL
)
SELECT l.entity_type, l.entity_id, l.source_table_full_name AS source, l.target_table_full_name AS target
FROM system.access.table_lineage l
WHERE l.workspace_id = :workspace_id AND l.event_date >= CAST(timestamp_millis(:since_ms) AS DATE)
  AND l.entity_type IN ('JOB', 'PIPELINE')
  AND (l.entity_id IN (SELECT id FROM ids) OR l.source_table_full_name IN (SELECT source FROM mine))
GROUP BY l.entity_type, l.entity_id, l.source_table_full_name, l.target_table_full_name
