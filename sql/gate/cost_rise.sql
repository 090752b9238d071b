-- Read by the promotion gate: the cost rises verified on the version's newest deployment in the
-- environment it is promoted from (cost checks WARN or FAIL, the newest look of each subject, with
-- the subject's key in the bundle), and the target's newest cost budget (kind 'budget'), against
-- which the gate sets them. Params: bundle, version, from_target, to_target, since_ms (a cost
-- budget older than this is stale).
WITH prior AS (
  SELECT d.deployment_id
  FROM {{ops}}.deployments d
  WHERE d.bundle = :bundle AND d.version = :version AND d.target = :from_target
  ORDER BY d.finished_at DESC NULLS LAST, d.deployment_id DESC
  LIMIT 1
),
checks AS (
  SELECT c.deployment_id, c.subject, c.status, c.effect, c.observed, c.baseline_center, c.explanation,
    ROW_NUMBER() OVER (PARTITION BY c.subject ORDER BY c.look DESC) AS rn
  FROM {{ops}}.check_results c
  JOIN prior p ON p.deployment_id = c.deployment_id
  WHERE c.check_name = 'cost'
),
budget AS (
  SELECT b.*, ROW_NUMBER() OVER (ORDER BY b.window_end DESC) AS rn
  FROM {{ops}}.cost_budgets b
  WHERE b.scope = 'bundle' AND b.bundle = :bundle AND b.target = :to_target
    AND b.evaluated_at >= timestamp_millis(:since_ms)
)
SELECT 'rise' AS kind, k.deployment_id, k.subject, coalesce(snap.resource_key, k.subject) AS resource_key, k.status,
  k.effect, k.observed, k.baseline_center, k.explanation, CAST(NULL AS DOUBLE) AS budget_usd,
  CAST(NULL AS DOUBLE) AS projected_usd, CAST(NULL AS DOUBLE) AS burn_usd_per_day, CAST(NULL AS STRING) AS burn_by_resource,
  CAST(NULL AS BIGINT) AS month_start_ms, CAST(NULL AS BIGINT) AS spend_through_ms
FROM checks k
LEFT JOIN {{ops}}.resource_snapshots snap
  ON snap.deployment_id = k.deployment_id AND concat(snap.resource_type, ':', snap.resource_id) = k.subject
WHERE k.rn = 1 AND k.status IN ('WARN', 'FAIL')
UNION ALL
SELECT 'budget' AS kind, CAST(NULL AS STRING) AS deployment_id, CAST(NULL AS STRING) AS subject,
  CAST(NULL AS STRING) AS resource_key, b.state AS status, CAST(NULL AS DOUBLE) AS effect, CAST(NULL AS DOUBLE) AS observed,
  CAST(NULL AS DOUBLE) AS baseline_center, b.explanation, b.budget_usd, b.projected_usd, b.burn_usd_per_day,
  b.burn_by_resource, unix_millis(b.month_start) AS month_start_ms, unix_millis(b.spend_through) AS spend_through_ms
FROM budget b
WHERE b.rn = 1
ORDER BY kind, subject
