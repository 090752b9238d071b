-- The whole audit log, hot and archived (each row with where it was read), with its recorded head
-- and, once archived rows have been removed, the anchor the chain starts from, for verification.
SELECT 'row' AS kind, 'hot' AS place, seq, unix_millis(logged_at) AS at_ms, actor, action, subject, payload, prev_hash, hash, event_key
FROM {{ops}}.audit_log
UNION ALL
SELECT 'row' AS kind, 'archive' AS place, seq, unix_millis(logged_at) AS at_ms, actor, action, subject, payload, prev_hash, hash, event_key
FROM {{ops}}.audit_log_archive
UNION ALL
SELECT CASE WHEN name = 'anchor' THEN 'anchor' ELSE 'head' END AS kind, CAST(NULL AS STRING) AS place, seq,
  unix_millis(updated_at) AS at_ms, NULL, NULL, NULL, NULL, NULL, hash, NULL
FROM {{ops}}.audit_head WHERE name IN ('audit_log', 'anchor')
ORDER BY seq
