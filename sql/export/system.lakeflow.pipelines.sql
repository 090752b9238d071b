-- Exports a workspace's pipeline definitions over time for `postflight backtest`
-- (docs/embedded-layout.md): write the result to system.lakeflow.pipelines.ndjson or
-- system.lakeflow.pipelines.parquet. Params: workspace_id.
SELECT * FROM system.lakeflow.pipelines
WHERE workspace_id = :workspace_id
