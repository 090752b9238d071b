-- The whole audit log with its recorded head, for verification.
SELECT 'row' AS kind, seq, unix_millis(logged_at) AS at_ms, actor, action, subject, payload, prev_hash, hash, event_key
FROM {{ops}}.audit_log
UNION ALL
SELECT 'head' AS kind, seq, unix_millis(updated_at) AS at_ms, NULL, NULL, NULL, NULL, NULL, hash, NULL
FROM {{ops}}.audit_head WHERE name = 'audit_log'
ORDER BY seq
