-- Records rollback decisions, insert-if-absent: the id is derived from the failed deployment, so
-- a deployment gets one rollback however many ticks decide it, and no row is ever overwritten.
MERGE INTO {{ops}}.rollbacks AS t
USING ({{rows}}) AS s
ON t.rollback_id = s.rollback_id
WHEN NOT MATCHED THEN INSERT
  (rollback_id, deployment_id, bundle, target, from_version, to_version, to_deployment_id, reason, safety, strategy,
   state, attempts, detail, requested_at, updated_at, plan, not_before, lease_holder, lease_until, restore_deployment_id)
VALUES
  (s.rollback_id, s.deployment_id, s.bundle, s.target, s.from_version, s.to_version, s.to_deployment_id, s.reason, s.safety, s.strategy,
   s.state, 0, s.detail, s.requested_at, s.requested_at, s.plan, s.not_before, NULL, NULL, s.restore_deployment_id)
