-- What budgets need besides the evidence of the tick: the deployments of the given bundles (to
-- attribute bad events to the deployment live at the time) and the tags each deployment gave its
-- resources (SLO overrides by tag). Rows: bundle. Params: since_ms, now_ms.
WITH k AS ({{rows}}),
d AS (
  SELECT d.deployment_id, d.bundle, d.target, d.finished_at, d.resources
  FROM {{ops}}.deployments d
  JOIN k ON k.bundle = d.bundle
  WHERE d.status IN ('SUCCEEDED', 'PARTIAL') AND d.finished_at >= timestamp_millis(:since_ms) AND d.finished_at <= timestamp_millis(:now_ms)
)
SELECT 'deployment' AS kind, d.deployment_id, d.bundle, d.target, unix_millis(d.finished_at) AS finished_ms,
  d.resources, CAST(NULL AS STRING) AS resource_id, CAST(NULL AS STRING) AS tags
FROM d
UNION ALL
SELECT 'tags' AS kind, snap.deployment_id, d.bundle, d.target, unix_millis(d.finished_at) AS finished_ms,
  CAST(NULL AS STRING) AS resources, snap.resource_id, get_json_object(snap.settings, '$.tags') AS tags
FROM {{ops}}.resource_snapshots snap
JOIN d ON d.deployment_id = snap.deployment_id
