-- What was done about a failed deployment: its rollback (one per failed deployment), the safety
-- class and plan it was decided on, and the verdict of the restored version re-verified.
-- Params: deployment_id.
SELECT r.rollback_id, r.from_version, r.to_version, r.to_deployment_id, r.reason, r.safety, r.strategy, r.state,
  r.attempts, r.detail, unix_millis(r.requested_at) AS requested_ms, unix_millis(r.updated_at) AS updated_ms,
  r.plan, r.restore_deployment_id, rv.state AS restore_state, rv.reason AS restore_reason
FROM {{ops}}.rollbacks r
LEFT JOIN {{ops}}.verdicts rv ON rv.deployment_id = r.restore_deployment_id
WHERE r.deployment_id = :deployment_id
ORDER BY r.requested_at NULLS FIRST, r.rollback_id
