-- Exports data quality monitoring's results for a period (freshness and completeness per table
-- per scan, metastore-wide; only account admins read it until they grant it) for `postflight
-- backtest` (docs/embedded-layout.md): write the result to
-- system.data_quality_monitoring.table_results.ndjson or .parquet. The downstream impact and root
-- cause fields are left out: they hold usage data and sample values a backtest does not need.
-- Params: since, until.
SELECT event_time, catalog_name, schema_name, table_name, catalog_id, schema_id, table_id, status,
  freshness, completeness
FROM system.data_quality_monitoring.table_results
WHERE event_time >= CAST(:since AS TIMESTAMP) AND event_time < CAST(:until AS TIMESTAMP)
