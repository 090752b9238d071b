-- Exports the CI stages of the deployments of a period (their code fingerprints tell a rollback
-- whether code changed) for `postflight backtest` (docs/embedded-layout.md): write the result to
-- ops.deployment_events.ndjson or ops.deployment_events.parquet. Params: since, until.
SELECT e.* FROM {{ops}}.deployment_events e
WHERE e.deployment_id IN (
  SELECT d.deployment_id FROM {{ops}}.deployments d
  WHERE d.finished_at >= CAST(:since AS TIMESTAMP) AND d.finished_at < CAST(:until AS TIMESTAMP)
)
