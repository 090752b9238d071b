-- Exports the Elementary dbt package's dbt_invocations of a period ({{dbt_artifacts}}: the schema
-- it writes to) for `postflight backtest` (docs/embedded-layout.md): write the result to
-- elementary.dbt_invocations.ndjson or elementary.dbt_invocations.parquet. Params: since, until.
SELECT * FROM {{dbt_artifacts}}.dbt_invocations
WHERE created_at >= CAST(:since AS TIMESTAMP) AND created_at < CAST(:until AS TIMESTAMP)
