-- Rollbacks `postflight watch` shows: those in flight (requested or executing) and those settled
-- since a time (succeeded, failed or blocked), the newest ten. Params: since_ms.
SELECT r.rollback_id, r.deployment_id, r.bundle, r.state, r.safety, r.strategy,
  unix_millis(r.requested_at) AS requested_ms, unix_millis(r.updated_at) AS updated_ms
FROM {{ops}}.rollbacks r
WHERE r.state IN ('REQUESTED', 'EXECUTING') OR r.updated_at >= timestamp_millis(:since_ms)
ORDER BY r.requested_at DESC NULLS LAST, r.rollback_id DESC
LIMIT 10
