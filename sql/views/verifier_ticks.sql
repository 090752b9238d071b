-- The verifier's own heartbeat: one row per tick, with the gap since the tick before it (a gap
-- over a minute is a tick that did not run) and what the tick cost.
CREATE OR REPLACE VIEW {{ops}}.verifier_ticks AS
SELECT t.tick_id, t.started_at, t.duration_ms, t.statements, t.history_reads, t.rest_calls, t.deployments_seen,
  t.new_runs, t.errors, t.errors_by_kind, t.unfinished, t.rollback_open,
  (unix_millis(t.started_at) - unix_millis(LAG(t.started_at) OVER (ORDER BY t.started_at, t.tick_id))) / CAST(1000 AS DOUBLE)
    AS seconds_since_previous_tick
FROM {{ops}}.ticks t
