-- The tables whose Delta history `postflight backtest` needs (docs/embedded-layout.md): those a
-- workspace's jobs and pipelines wrote or read in a period. DESCRIBE HISTORY reads one table at a
-- time and takes no parameter, so the export runs it for each of these names, adds the name as
-- table_name, and writes all of it to delta_history.ndjson or delta_history.parquet. Params:
-- workspace_id, since, until.
SELECT DISTINCT table_name FROM (
  SELECT target_table_full_name AS table_name FROM system.access.table_lineage
  WHERE workspace_id = :workspace_id AND entity_type IN ('JOB', 'PIPELINE')
    AND event_date >= CAST(CAST(:since AS TIMESTAMP) AS DATE) AND event_time < CAST(:until AS TIMESTAMP)
  UNION ALL
  SELECT source_table_full_name FROM system.access.table_lineage
  WHERE workspace_id = :workspace_id AND entity_type IN ('JOB', 'PIPELINE')
    AND event_date >= CAST(CAST(:since AS TIMESTAMP) AS DATE) AND event_time < CAST(:until AS TIMESTAMP)
)
WHERE table_name IS NOT NULL
