-- Exports the deployments CI recorded in a period ({{ops}}: postflight's schema, where `postflight
-- record` writes) for `postflight backtest` (docs/embedded-layout.md): write the result to
-- ops.deployments.ndjson or ops.deployments.parquet. Params: since, until.
SELECT * FROM {{ops}}.deployments
WHERE finished_at >= CAST(:since AS TIMESTAMP) AND finished_at < CAST(:until AS TIMESTAMP)
