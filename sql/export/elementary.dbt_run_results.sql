-- Exports the Elementary dbt package's dbt_run_results of a period ({{dbt_artifacts}}: the schema
-- it writes to) for `postflight backtest` (docs/embedded-layout.md): write the result to
-- elementary.dbt_run_results.ndjson or elementary.dbt_run_results.parquet. Params: since, until.
SELECT * FROM {{dbt_artifacts}}.dbt_run_results
WHERE created_at >= CAST(:since AS TIMESTAMP) AND created_at < CAST(:until AS TIMESTAMP)
