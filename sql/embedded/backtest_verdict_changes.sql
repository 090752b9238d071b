-- DuckDB SQL. Every verdict change of the replay, in order, from the audit log.
SELECT substr(subject, 12) AS deployment_id, epoch_ms(logged_at) AS at_ms, payload
FROM postflight.audit_log
WHERE action = 'verdict.changed' AND subject LIKE 'deployment:%'
ORDER BY seq
