-- The changes to jobs and pipelines in a period, for an auditor (`postflight audit report`): every
-- deployment CI recorded, with its verdict and the rollback of it if any, and every change no
-- deployment or rollback explains. The report keeps the production ones and writes a row per
-- resource. Params: from_ms, to_ms (the period, end exclusive).
SELECT 'DEPLOYMENT' AS change, unix_millis(coalesce(d.finished_at, d.started_at)) AS at_ms, d.deployment_id,
  d.bundle, d.target, d.version, d.previous_version, d.actor, d.ci_run_url, d.status, d.resources,
  v.state AS verdict, v.reason AS verdict_reason, r.rollback_id, r.state AS rollback_state, r.to_version AS rollback_to_version,
  unix_millis(r.updated_at) AS rollback_ms,
  CAST(NULL AS STRING) AS change_id, CAST(NULL AS STRING) AS resource_type, CAST(NULL AS STRING) AS resource_id,
  CAST(NULL AS STRING) AS resource_name, CAST(NULL AS STRING) AS changed_by, CAST(NULL AS STRING) AS source,
  CAST(NULL AS STRING) AS action, CAST(NULL AS STRING) AS detail
FROM {{ops}}.deployments d
LEFT JOIN {{ops}}.verdicts v ON v.deployment_id = d.deployment_id
LEFT JOIN {{ops}}.rollbacks r ON r.deployment_id = d.deployment_id
WHERE coalesce(d.finished_at, d.started_at) >= timestamp_millis(:from_ms)
  AND coalesce(d.finished_at, d.started_at) < timestamp_millis(:to_ms)
UNION ALL
SELECT 'UNTRACKED', unix_millis(u.changed_at), CAST(NULL AS STRING),
  u.bundle, u.target, CAST(NULL AS STRING), CAST(NULL AS STRING), CAST(NULL AS STRING), CAST(NULL AS STRING),
  CAST(NULL AS STRING), CAST(NULL AS STRING),
  CAST(NULL AS STRING), CAST(NULL AS STRING), CAST(NULL AS STRING), CAST(NULL AS STRING), CAST(NULL AS STRING),
  CAST(NULL AS BIGINT),
  u.change_id, u.resource_type, u.resource_id, u.resource_name, u.changed_by, u.source, u.action, u.detail
FROM {{ops}}.untracked_changes u
WHERE u.changed_at >= timestamp_millis(:from_ms) AND u.changed_at < timestamp_millis(:to_ms)
ORDER BY at_ms, change, deployment_id, change_id
