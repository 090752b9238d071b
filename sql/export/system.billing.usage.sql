-- Exports the workspace's billable usage of a period for `postflight backtest`
-- (docs/embedded-layout.md): write the result to system.billing.usage.ndjson or .parquet. Only
-- account admins read system.billing until they grant it. The period starts 49 days before the
-- first deployment to judge, as the run timelines'. Params: workspace_id, since, until (timestamps).
SELECT * FROM system.billing.usage
WHERE workspace_id = :workspace_id AND usage_unit = 'DBU'
  AND usage_start_time >= CAST(:since AS TIMESTAMP) AND usage_start_time < CAST(:until AS TIMESTAMP)
