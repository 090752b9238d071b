-- DuckDB SQL. The earliest time after now at which time alone may change an open verdict (a
-- table turning stale, an SLA crossing, the window closing): a replay that skips quiet minutes
-- still ticks then. Params: now_ms.
SELECT min(epoch_ms(recheck_at)) AS recheck_ms
FROM postflight.verdicts
WHERE NOT coalesce(is_final, false) AND epoch_ms(recheck_at) > $now_ms
