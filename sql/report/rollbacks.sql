-- The rollbacks asked for in the report's period, with their outcome: the ledger's state, the
-- safety class and why, and the verdict the restored version has earned since.
SELECT r.rollback_id, r.deployment_id, r.bundle, r.target, r.from_version, r.to_version, r.reason, r.safety,
  r.strategy, r.state, r.attempts, r.detail, r.requested_at, r.updated_at, d.finished_at AS deployed_at,
  r.restore_deployment_id, rv.state AS restored_verdict, v.page_reason
FROM {{ops}}.rollbacks r
LEFT JOIN {{ops}}.deployments d ON d.deployment_id = r.deployment_id
LEFT JOIN {{ops}}.verdicts v ON v.deployment_id = r.deployment_id
LEFT JOIN {{ops}}.verdicts rv ON rv.deployment_id = r.restore_deployment_id
WHERE r.requested_at >= timestamp_millis(:since_ms) AND r.requested_at < timestamp_millis(:until_ms)
  AND (:bundle = '' OR r.bundle = :bundle) AND (:target = '' OR r.target = :target)
ORDER BY r.requested_at, r.rollback_id
