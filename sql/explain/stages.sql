-- The CI stages recorded for a deployment, in the order they ran. Params: deployment_id.
SELECT stage, attempt, status, unix_millis(started_at) AS started_ms, unix_millis(finished_at) AS finished_ms,
  span_id
FROM {{ops}}.deployment_events
WHERE deployment_id = :deployment_id
ORDER BY started_at NULLS FIRST, stage, attempt
