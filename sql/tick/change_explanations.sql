-- What may explain a change to a job or pipeline in a period: the deployments recorded around it
-- (CI's own record, any status: a failed deploy may still have changed settings) and postflight's
-- rollbacks, with the resources each touched (a rollback resets the resources of the deployment it
-- undoes). Params: from_ms (a day before the changes' period, so a deploy that
-- started then and finished inside it is seen), until_ms.
SELECT 'deployment' AS kind, d.deployment_id AS id, d.bundle, d.target, d.version, d.actor, d.ci_run_url,
  unix_millis(d.started_at) AS from_ms, unix_millis(coalesce(d.finished_at, d.recorded_at, d.started_at)) AS to_ms,
  d.resources, d.status AS state
FROM {{ops}}.deployments d
WHERE d.started_at < timestamp_millis(:until_ms)
  AND coalesce(d.finished_at, d.recorded_at, d.started_at) >= timestamp_millis(:from_ms)
UNION ALL
SELECT 'rollback', r.rollback_id, r.bundle, r.target, r.to_version, 'postflight', CAST(NULL AS STRING),
  unix_millis(r.requested_at), unix_millis(coalesce(r.updated_at, r.requested_at)), d.resources, r.state
FROM {{ops}}.rollbacks r
JOIN {{ops}}.deployments d ON d.deployment_id = r.deployment_id
WHERE r.requested_at < timestamp_millis(:until_ms)
  AND coalesce(r.updated_at, r.requested_at) >= timestamp_millis(:from_ms)
ORDER BY kind, id
