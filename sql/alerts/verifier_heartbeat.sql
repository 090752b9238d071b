-- Alert (page): the verifier's heartbeat. One row, always: the ticks in the last 5 minutes (the
-- alert fires at 0) and the last tick of the day. The window ends at the warehouse clock, so a
-- verifier that stopped, whose job is paused or failing, or that never ran shows as 0.
SELECT count(CASE WHEN t.started_at > current_timestamp() - INTERVAL 5 MINUTES THEN 1 END) AS ticks_last_5_min,
  max(t.started_at) AS last_tick_at,
  (unix_millis(current_timestamp()) - unix_millis(max(t.started_at))) / CAST(60000 AS DOUBLE) AS minutes_since_last_tick
FROM {{ops}}.ticks t
WHERE t.started_at > current_timestamp() - INTERVAL 24 HOURS AND t.started_at <= current_timestamp()
