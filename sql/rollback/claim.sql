-- Takes a rollback for this tick: only when it is open, past its cool-down, and nobody holds an
-- unexpired lease on it. Concurrent claims of one row conflict, so at most one tick wins; the
-- caller reads the row back to learn whether it did. Params: rollback_id, holder, now_ms, lease_until_ms.
MERGE INTO {{ops}}.rollbacks AS t
USING (SELECT :rollback_id AS rollback_id) AS s
ON t.rollback_id = s.rollback_id
WHEN MATCHED AND t.state IN ('REQUESTED', 'EXECUTING')
  AND (t.not_before IS NULL OR t.not_before <= timestamp_millis(:now_ms))
  AND (t.lease_until IS NULL OR t.lease_until <= timestamp_millis(:now_ms))
THEN UPDATE SET state = 'EXECUTING', attempts = COALESCE(t.attempts, 0) + 1, lease_holder = :holder,
  lease_until = timestamp_millis(:lease_until_ms), updated_at = timestamp_millis(:now_ms)
