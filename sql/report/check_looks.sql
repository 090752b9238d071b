-- Every look of every check of the period's failed, degraded and rolled-back deployments: the
-- post-deploy value the check observed at each look beside the pre-deploy baseline it was held
-- against (centre, spread, threshold), for the report's per-check charts.
SELECT c.deployment_id, c.check_name, c.subject, c.look, c.status, c.critical, c.observed, c.baseline_n,
  c.baseline_center, c.baseline_spread, c.threshold, c.post_n, c.explanation, c.suppressed_by, c.evaluated_at
FROM {{ops}}.check_results c
JOIN {{ops}}.deployments d ON d.deployment_id = c.deployment_id
JOIN {{ops}}.verdicts v ON v.deployment_id = c.deployment_id
WHERE v.state IN ('FAILED', 'DEGRADED', 'ROLLED_BACK')
  AND d.status IN ('SUCCEEDED', 'PARTIAL')
  AND d.finished_at >= timestamp_millis(:since_ms) AND d.finished_at < timestamp_millis(:until_ms)
  AND (:bundle = '' OR d.bundle = :bundle) AND (:target = '' OR d.target = :target)
ORDER BY d.finished_at, c.deployment_id, c.check_name, c.subject, c.look
