-- The blast radius of a deployment: who reads the tables it writes (jobs, pipelines, notebooks,
-- dashboards, queries), and who reads what those write in turn, two hops down, from Unity
-- Catalog lineage in this workspace. Rows: name (the tables the deployment writes).
-- Params: since_ms, workspace_id.
WITH written AS ({{rows}}),
hop1 AS (
  SELECT DISTINCT l.entity_type, l.entity_id, l.source_table_full_name AS source, l.target_table_full_name AS target
  FROM system.access.table_lineage l
  WHERE l.workspace_id = :workspace_id AND l.event_date >= CAST(timestamp_millis(:since_ms) AS DATE)
    AND l.source_table_full_name IN (SELECT name FROM written)
),
hop2 AS (
  SELECT DISTINCT l.entity_type, l.entity_id, l.source_table_full_name AS source, l.target_table_full_name AS target
  FROM system.access.table_lineage l
  WHERE l.workspace_id = :workspace_id AND l.event_date >= CAST(timestamp_millis(:since_ms) AS DATE)
    AND l.source_table_full_name IN (SELECT target FROM hop1 WHERE target IS NOT NULL)
)
SELECT 1 AS hop, entity_type, entity_id, source, target FROM hop1
UNION ALL
SELECT 2 AS hop, entity_type, entity_id, source, target FROM hop2
ORDER BY hop, source NULLS FIRST, entity_type NULLS FIRST, entity_id NULLS FIRST, target NULLS FIRST
