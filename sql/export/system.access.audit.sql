-- Exports the job and pipeline changes a workspace's audit log recorded in a period for `postflight
-- backtest` (docs/embedded-layout.md): write the result to system.access.audit.ndjson or
-- system.access.audit.parquet. Params: workspace_id, since, until.
SELECT * FROM system.access.audit
WHERE workspace_id = :workspace_id AND service_name IN ('jobs', 'deltaPipelines')
  AND event_date >= CAST(CAST(:since AS TIMESTAMP) AS DATE) AND event_time < CAST(:until AS TIMESTAMP)
