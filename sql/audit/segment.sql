-- The audit rows from_seq..to_seq, hot and archived, with the recorded anchor: what retention
-- verifies before it removes archived rows. Params: from_seq, to_seq.
SELECT 'row' AS kind, 'hot' AS place, seq, unix_millis(logged_at) AS at_ms, actor, action, subject, payload, prev_hash, hash, event_key
FROM {{ops}}.audit_log WHERE seq >= :from_seq AND seq <= :to_seq
UNION ALL
SELECT 'row' AS kind, 'archive' AS place, seq, unix_millis(logged_at) AS at_ms, actor, action, subject, payload, prev_hash, hash, event_key
FROM {{ops}}.audit_log_archive WHERE seq >= :from_seq AND seq <= :to_seq
UNION ALL
SELECT 'anchor' AS kind, CAST(NULL AS STRING) AS place, seq, unix_millis(updated_at) AS at_ms, NULL, NULL, NULL, NULL, NULL, hash, NULL
FROM {{ops}}.audit_head WHERE name = 'anchor'
ORDER BY seq
