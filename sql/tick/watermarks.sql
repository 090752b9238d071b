-- Where the previous tick stopped reading: per-pipeline marks from the watermarks table, and the
-- marks that move every tick from the newest tick row, with whether it left a rollback open
-- (1 or 0). No params.
WITH latest AS (
  SELECT started_at, runs_from_ms, event_log_from_ms, rollback_open FROM {{ops}}.ticks ORDER BY started_at DESC LIMIT 1
)
SELECT name, value_ms FROM {{ops}}.watermarks
UNION ALL SELECT 'last_tick_ms', unix_millis(started_at) FROM latest
UNION ALL SELECT 'jobs_runs_from_ms', runs_from_ms FROM latest WHERE runs_from_ms IS NOT NULL
UNION ALL SELECT 'event_log_from_ms', event_log_from_ms FROM latest WHERE event_log_from_ms IS NOT NULL
UNION ALL SELECT 'rollback_open', CASE WHEN rollback_open THEN 1 ELSE 0 END FROM latest
