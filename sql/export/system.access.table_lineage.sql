-- Exports the lineage of a workspace's jobs and pipelines in a period (the tables each reads and
-- writes) for `postflight backtest` (docs/embedded-layout.md): write the result to
-- system.access.table_lineage.ndjson or system.access.table_lineage.parquet. Params: workspace_id,
-- since, until.
SELECT * FROM system.access.table_lineage
WHERE workspace_id = :workspace_id AND entity_type IN ('JOB', 'PIPELINE')
  AND event_date >= CAST(CAST(:since AS TIMESTAMP) AS DATE) AND event_time < CAST(:until AS TIMESTAMP)
