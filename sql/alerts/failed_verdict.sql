-- Alert: deployments that failed verification in the last 10 minutes, rolled back since or not; one
-- row each. The alert (alerts.yml) runs every 5 minutes, so it sees each failure twice, and fires on
-- any row. No parameters (alerts bind none): the window ends at the warehouse clock,
-- current_timestamp(), which in the embedded world is the simulated now. The audit log dates the
-- change to FAILED, which a later rollback overwrites in the verdicts table.
SELECT d.deployment_id, d.bundle, d.target, d.version, d.actor, a.logged_at AS failed_at,
  get_json_object(a.payload, '$.reason') AS reason, v.state AS verdict_now, v.page_reason
FROM {{ops}}.audit_log a
JOIN {{ops}}.deployments d ON a.subject = concat('deployment:', d.deployment_id)
LEFT JOIN {{ops}}.verdicts v ON v.deployment_id = d.deployment_id
WHERE a.action = 'verdict.changed' AND get_json_object(a.payload, '$.to') = 'FAILED'
  AND a.logged_at > current_timestamp() - INTERVAL 10 MINUTES AND a.logged_at <= current_timestamp()
ORDER BY a.logged_at DESC
