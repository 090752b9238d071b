-- Exports the tasks of a workspace's jobs over time for `postflight backtest`
-- (docs/embedded-layout.md): write the result to system.lakeflow.job_tasks.ndjson or
-- system.lakeflow.job_tasks.parquet. Params: workspace_id.
SELECT * FROM system.lakeflow.job_tasks
WHERE workspace_id = :workspace_id
