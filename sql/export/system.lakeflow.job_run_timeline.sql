-- Exports the job run timeline rows of a period for `postflight backtest`
-- (docs/embedded-layout.md): write the result to system.lakeflow.job_run_timeline.ndjson or
-- system.lakeflow.job_run_timeline.parquet. The period starts 49 days before the first deployment
-- to judge: same-slot baselines reach that far back. Params: workspace_id, since, until
-- (timestamps).
SELECT * FROM system.lakeflow.job_run_timeline
WHERE workspace_id = :workspace_id
  AND period_start_time >= CAST(:since AS TIMESTAMP) AND period_start_time < CAST(:until AS TIMESTAMP)
