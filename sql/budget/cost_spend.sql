-- What each bundle and target spent, and postflight itself, per UTC day since since_ms: the DBUs of
-- system.billing.usage (corrections included: RETRACTION rows net out what they retract) priced at
-- the list price in force when they were used. A job or pipeline belongs to the bundle and target
-- of the newest deployment that recorded it; the given rows add resources no deployment records
-- (postflight's own job and warehouse). The row of scope 'billing' says how far billing has reached
-- for the workspace (its records land hours late); a row without a day stands for each bundle and
-- target deployed, spend or not. Rows are per resource (its key in the bundle) and day: days since
-- 1970-01-01, UTC.
-- Rows: scope, bundle, target, resource_type, resource_id, resource_key. Params: since_ms, now_ms, workspace_id.
WITH given AS ({{rows}}),
owned AS (
  SELECT o.scope, o.bundle, o.target, o.resource_type, o.resource_id, o.resource_key
  FROM (
    SELECT 'bundle' AS scope, d.bundle, d.target, snap.resource_type, snap.resource_id,
      coalesce(snap.resource_key, snap.resource_id) AS resource_key,
      ROW_NUMBER() OVER (PARTITION BY snap.resource_type, snap.resource_id ORDER BY d.finished_at DESC, d.deployment_id DESC) AS rn
    FROM {{ops}}.resource_snapshots snap
    JOIN {{ops}}.deployments d ON d.deployment_id = snap.deployment_id
    WHERE d.status IN ('SUCCEEDED', 'PARTIAL') AND d.bundle IS NOT NULL AND d.target IS NOT NULL
  ) o
  WHERE o.rn = 1
  UNION ALL
  SELECT g.scope, g.bundle, g.target, g.resource_type, g.resource_id, g.resource_key FROM given g
),
used AS (
  SELECT
    CASE
      WHEN u.usage_metadata.dlt_pipeline_id IS NOT NULL THEN 'pipeline'
      WHEN u.usage_metadata.job_id IS NOT NULL THEN 'job'
      WHEN u.usage_metadata.warehouse_id IS NOT NULL THEN 'warehouse'
    END AS resource_type,
    coalesce(u.usage_metadata.dlt_pipeline_id, u.usage_metadata.job_id, u.usage_metadata.warehouse_id) AS resource_id,
    u.usage_start_time, u.sku_name, u.cloud, u.usage_unit, CAST(u.usage_quantity AS DOUBLE) AS dbus
  FROM system.billing.usage u
  WHERE u.workspace_id = :workspace_id AND u.usage_unit = 'DBU'
    AND u.usage_start_time >= timestamp_millis(:since_ms) AND u.usage_start_time < timestamp_millis(:now_ms)
),
priced AS (
  SELECT o.scope, o.bundle, o.target, o.resource_key, x.usage_start_time, x.dbus,
    x.dbus * CAST(p.pricing.effective_list.default AS DOUBLE) AS usd
  FROM used x
  JOIN owned o ON o.resource_type = x.resource_type AND o.resource_id = x.resource_id
  LEFT JOIN system.billing.list_prices p
    ON p.sku_name = x.sku_name AND p.cloud = x.cloud AND p.usage_unit = x.usage_unit AND p.currency_code = 'USD'
    AND x.usage_start_time >= p.price_start_time AND (p.price_end_time IS NULL OR x.usage_start_time < p.price_end_time)
)
SELECT q.scope, q.bundle, q.target, q.resource_key,
  CAST(floor(CAST(unix_millis(q.usage_start_time) AS DOUBLE) / 86400000) AS BIGINT) AS day,
  round(sum(coalesce(q.usd, 0)), 6) AS usd, round(sum(q.dbus), 6) AS dbus,
  round(sum(CASE WHEN q.usd IS NULL THEN q.dbus ELSE 0 END), 6) AS unpriced_dbus,
  min(unix_millis(q.usage_start_time)) AS first_ms, CAST(NULL AS BIGINT) AS through_ms
FROM priced q
GROUP BY q.scope, q.bundle, q.target, q.resource_key,
  CAST(floor(CAST(unix_millis(q.usage_start_time) AS DOUBLE) / 86400000) AS BIGINT)
UNION ALL
SELECT DISTINCT o.scope, o.bundle, o.target, CAST(NULL AS STRING) AS resource_key, CAST(NULL AS BIGINT) AS day,
  CAST(NULL AS DOUBLE) AS usd, CAST(NULL AS DOUBLE) AS dbus, CAST(NULL AS DOUBLE) AS unpriced_dbus, CAST(NULL AS BIGINT) AS first_ms,
  CAST(NULL AS BIGINT) AS through_ms
FROM owned o
UNION ALL
SELECT 'billing' AS scope, '' AS bundle, '' AS target, CAST(NULL AS STRING) AS resource_key, CAST(NULL AS BIGINT) AS day,
  CAST(NULL AS DOUBLE) AS usd, CAST(NULL AS DOUBLE) AS dbus, CAST(NULL AS DOUBLE) AS unpriced_dbus, CAST(NULL AS BIGINT) AS first_ms,
  max(unix_millis(u.usage_end_time)) AS through_ms
FROM system.billing.usage u
WHERE u.workspace_id = :workspace_id AND u.usage_start_time >= timestamp_millis(:since_ms)
  AND u.usage_start_time < timestamp_millis(:now_ms)
ORDER BY scope, bundle, target, resource_key NULLS FIRST, day NULLS FIRST
