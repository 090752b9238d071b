-- Where the previous tick stopped: the per-pipeline watermarks from the watermarks table, the
-- ones that move every tick from the newest tick row (with whether it left a rollback open, 1 or
-- 0), and the recorded head of the audit log (seq, its hash as text), which the tick chains its
-- audit entries on, and what it left unfinished for this tick (a JSON array of strings, see
-- src/tick/tick-budget.ts). Read alongside tick/open.sql: one narrow statement each costs the embedded
-- warehouse less than the two as one wide union.
WITH latest AS (
  SELECT started_at, runs_from_ms, event_log_from_ms, rollback_open, unfinished FROM {{ops}}.ticks ORDER BY started_at DESC LIMIT 1
)
SELECT name, value_ms, CAST(NULL AS STRING) AS text FROM {{ops}}.watermarks
UNION ALL SELECT 'last_tick_ms', unix_millis(started_at), NULL FROM latest
UNION ALL SELECT 'jobs_runs_from_ms', runs_from_ms, NULL FROM latest WHERE runs_from_ms IS NOT NULL
UNION ALL SELECT 'event_log_from_ms', event_log_from_ms, NULL FROM latest WHERE event_log_from_ms IS NOT NULL
UNION ALL SELECT 'rollback_open', CASE WHEN rollback_open THEN 1 ELSE 0 END, NULL FROM latest
UNION ALL SELECT 'unfinished', NULL, unfinished FROM latest WHERE unfinished IS NOT NULL
UNION ALL SELECT 'audit_head', seq, hash FROM {{ops}}.audit_head WHERE name = 'audit_log'
