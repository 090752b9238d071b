-- The newest audit row, and which of the given event keys the log already holds. Rows: event_key.
WITH k AS ({{rows}})
SELECT 'tail' AS kind, l.seq, l.hash, CAST(NULL AS STRING) AS event_key
FROM {{ops}}.audit_log l
WHERE l.seq = (SELECT MAX(seq) FROM {{ops}}.audit_log)
UNION ALL
SELECT 'key' AS kind, CAST(NULL AS BIGINT) AS seq, CAST(NULL AS STRING) AS hash, l.event_key
FROM {{ops}}.audit_log l
WHERE l.event_key IN (SELECT event_key FROM k)
