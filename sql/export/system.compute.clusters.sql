-- Exports the workspace's compute definitions changed during a period for `postflight backtest`
-- (docs/embedded-layout.md): write the result to system.compute.clusters.ndjson or .parquet.
-- Params: workspace_id, since, until (timestamps).
SELECT * FROM system.compute.clusters
WHERE workspace_id = :workspace_id
  AND change_time >= CAST(:since AS TIMESTAMP) AND change_time < CAST(:until AS TIMESTAMP)
