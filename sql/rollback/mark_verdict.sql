-- Marks the verdict of a failed deployment after a rollback decision: ROLLED_BACK once its version is
-- restored, or FAILED with page_reason set when the rollback is blocked or failed (the alert
-- query in sql/alerts picks those up). Params: deployment_id, state, reason, page_reason, now_ms.
MERGE INTO {{ops}}.verdicts AS t
USING (SELECT :deployment_id AS deployment_id) AS s
ON t.deployment_id = s.deployment_id
WHEN MATCHED AND (t.state <> :state OR COALESCE(t.page_reason, '') <> COALESCE(:page_reason, ''))
THEN UPDATE SET since = CASE WHEN t.state = :state THEN t.since ELSE timestamp_millis(:now_ms) END,
  state = :state, reason = :reason, page_reason = :page_reason, is_final = true,
  until = timestamp_millis(:now_ms), updated_at = timestamp_millis(:now_ms)
