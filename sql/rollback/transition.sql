-- Moves a rollback the caller holds to its next state. A tick that lost its lease (it stalled
-- and another took over) changes nothing. Params: rollback_id, holder, state, detail,
-- restore_deployment_id (NULL keeps the current one), lease_until_ms (NULL releases it), now_ms.
MERGE INTO {{ops}}.rollbacks AS t
USING (SELECT :rollback_id AS rollback_id) AS s
ON t.rollback_id = s.rollback_id
WHEN MATCHED AND t.state = 'EXECUTING' AND t.lease_holder = :holder
THEN UPDATE SET state = :state, detail = :detail,
  restore_deployment_id = COALESCE(:restore_deployment_id, t.restore_deployment_id),
  lease_until = timestamp_millis(:lease_until_ms), updated_at = timestamp_millis(:now_ms)
