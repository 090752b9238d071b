-- Exports a workspace's job definitions over time (SCD2: a row per change, all kept) for
-- `postflight backtest` (docs/embedded-layout.md): write the result to system.lakeflow.jobs.ndjson
-- or system.lakeflow.jobs.parquet. Params: workspace_id.
SELECT * FROM system.lakeflow.jobs
WHERE workspace_id = :workspace_id
