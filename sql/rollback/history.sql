-- Deployments of the given bundles and targets with their verdicts and quarantine, and the
-- recent rollbacks of the same bundles and targets (cap and cool-down). Rows: bundle, target.
-- Params: since_ms (oldest deployment a target may be), rollbacks_since_ms.
WITH k AS ({{rows}})
SELECT 'deployment' AS kind, d.deployment_id, d.bundle, d.target, d.version, d.actor, unix_millis(d.finished_at) AS finished_ms,
  d.resources, v.state AS verdict, q.version IS NOT NULL AS quarantined,
  CAST(NULL AS STRING) AS rollback_id, CAST(NULL AS STRING) AS rollback_state, CAST(NULL AS BIGINT) AS requested_ms
FROM {{ops}}.deployments d
JOIN k ON k.bundle = d.bundle AND k.target = d.target
LEFT JOIN {{ops}}.verdicts v ON v.deployment_id = d.deployment_id
LEFT JOIN {{ops}}.quarantined_versions q ON q.bundle = d.bundle AND q.target = d.target AND q.version = d.version
WHERE d.status = 'SUCCEEDED' AND d.finished_at >= timestamp_millis(:since_ms)
UNION ALL
SELECT 'rollback' AS kind, r.deployment_id, r.bundle, r.target, r.from_version AS version, CAST(NULL AS STRING) AS actor,
  CAST(NULL AS BIGINT) AS finished_ms, CAST(NULL AS STRING) AS resources, CAST(NULL AS STRING) AS verdict,
  CAST(NULL AS BOOLEAN) AS quarantined, r.rollback_id, r.state AS rollback_state, unix_millis(r.requested_at) AS requested_ms
FROM {{ops}}.rollbacks r
JOIN k ON k.bundle = r.bundle AND k.target = r.target
WHERE r.requested_at >= timestamp_millis(:rollbacks_since_ms)
