-- Every rollback decision with its outcome: how soon after the deploy it was asked for, how long
-- it took to close, and how the restored version has fared since (it is verified like any deploy).
CREATE OR REPLACE VIEW {{ops}}.rollback_history AS
SELECT r.rollback_id, r.deployment_id, r.bundle, r.target, r.from_version, r.to_version, r.reason, r.safety,
  r.strategy, r.state, r.attempts, r.detail, r.requested_at, r.updated_at,
  r.state IN ('SUCCEEDED', 'FAILED', 'BLOCKED', 'CANCELLED', 'DRY_RUN') AS closed,
  CASE WHEN r.state IN ('SUCCEEDED', 'FAILED', 'BLOCKED', 'CANCELLED', 'DRY_RUN')
    THEN (unix_millis(r.updated_at) - unix_millis(r.requested_at)) / CAST(1000 AS DOUBLE) END AS seconds_to_close,
  (unix_millis(r.requested_at) - unix_millis(d.finished_at)) / CAST(60000 AS DOUBLE) AS minutes_from_deploy,
  r.restore_deployment_id, rv.state AS restored_verdict, v.page_reason
FROM {{ops}}.rollbacks r
LEFT JOIN {{ops}}.deployments d ON d.deployment_id = r.deployment_id
LEFT JOIN {{ops}}.verdicts v ON v.deployment_id = r.deployment_id
LEFT JOIN {{ops}}.verdicts rv ON rv.deployment_id = r.restore_deployment_id
