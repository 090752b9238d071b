-- Exports the settings snapshots of the deployments of a period for `postflight backtest`
-- (docs/embedded-layout.md): write the result to ops.resource_snapshots.ndjson or
-- ops.resource_snapshots.parquet. Params: since, until.
SELECT s.* FROM {{ops}}.resource_snapshots s
WHERE s.deployment_id IN (
  SELECT d.deployment_id FROM {{ops}}.deployments d
  WHERE d.finished_at >= CAST(:since AS TIMESTAMP) AND d.finished_at < CAST(:until AS TIMESTAMP)
)
