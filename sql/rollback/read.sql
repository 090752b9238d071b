-- One ledger row, to learn who holds it. Params: rollback_id.
SELECT rollback_id, deployment_id, bundle, target, from_version, to_version, to_deployment_id, reason, safety, strategy,
  state, attempts, detail, unix_millis(requested_at) AS requested_ms, unix_millis(not_before) AS not_before_ms,
  lease_holder, unix_millis(lease_until) AS lease_until_ms, restore_deployment_id, plan
FROM {{ops}}.rollbacks
WHERE rollback_id = :rollback_id
