-- Every verdict change, from the audit log (the verdicts table keeps only the current one): when,
-- from what to what, why, and how long after the deploy. A change made by a rollback names it.
CREATE OR REPLACE VIEW {{ops}}.verdict_history AS
SELECT a.seq, a.logged_at AS changed_at, d.deployment_id, d.bundle, d.target, d.version,
  get_json_object(a.payload, '$.from') AS from_state,
  get_json_object(a.payload, '$.to') AS to_state,
  get_json_object(a.payload, '$.reason') AS reason,
  get_json_object(a.payload, '$.rollback_id') AS rollback_id,
  (unix_millis(a.logged_at) - unix_millis(d.finished_at)) / CAST(1000 AS DOUBLE) AS seconds_after_deploy
FROM {{ops}}.audit_log a
JOIN {{ops}}.deployments d ON a.subject = concat('deployment:', d.deployment_id)
WHERE a.action = 'verdict.changed'
