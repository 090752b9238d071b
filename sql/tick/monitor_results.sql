-- Data quality monitoring's freshness and completeness results for the judged tables, from the
-- metastore-wide results table (one row per table per scan). Only the documented status fields
-- are read: the structs' other fields are still changing while the feature is in preview.
-- Tables come back as their position in the row batch. Rows: idx, name. Params: since_ms.
WITH names AS ({{rows}})
SELECT n.idx, unix_millis(r.event_time) AS event_ms, r.status,
  r.freshness.status AS freshness_status, r.completeness.status AS completeness_status
FROM system.data_quality_monitoring.table_results r
JOIN names n ON n.name = concat_ws('.', r.catalog_name, r.schema_name, r.table_name)
WHERE r.event_time >= timestamp_millis(:since_ms)
