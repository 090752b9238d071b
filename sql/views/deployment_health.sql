-- Deployment health now: for every bundle and target, the deployment live in it (the newest one
-- that went out, a version restored by a rollback included) with its current verdict, and the page
-- left open when a human must act. Reads no clock: "now" is whatever the verifier last wrote.
CREATE OR REPLACE VIEW {{ops}}.deployment_health AS
WITH ranked AS (
  SELECT d.*, ROW_NUMBER() OVER (PARTITION BY d.bundle, d.target ORDER BY d.finished_at DESC, d.deployment_id DESC) AS rn
  FROM {{ops}}.deployments d
  WHERE d.status IN ('SUCCEEDED', 'PARTIAL')
)
SELECT l.bundle, l.target, l.deployment_id, l.version, l.previous_version, l.actor, l.status, l.finished_at,
  COALESCE(v.state, 'UNVERIFIED') AS verdict, v.reason, v.is_final, v.post_runs, v.since AS verdict_since,
  v.first_verdict_at,
  (unix_millis(v.first_verdict_at) - unix_millis(l.finished_at)) / CAST(1000 AS DOUBLE) AS seconds_to_first_verdict,
  v.page_reason,
  v.page_reason IS NOT NULL OR COALESCE(v.state, '') = 'FAILED' AS needs_attention,
  rs.deployment_id AS restores_deployment_id,
  rs.rollback_id AS restored_by_rollback_id
FROM ranked l
LEFT JOIN {{ops}}.verdicts v ON v.deployment_id = l.deployment_id
LEFT JOIN {{ops}}.rollbacks rs ON rs.restore_deployment_id = l.deployment_id
WHERE l.rn = 1
