-- The verifier's own heartbeat, carrying the watermarks that move every tick (the next tick reads
-- them back from the newest row), so a tick writes one row for both. rollback_open says the
-- rollback step left work for the next tick.
MERGE INTO {{ops}}.ticks AS t
USING ({{rows}}) AS s
ON t.tick_id = s.tick_id
WHEN MATCHED THEN UPDATE SET duration_ms = s.duration_ms, statements = s.statements, history_reads = s.history_reads,
  rest_calls = s.rest_calls, deployments_seen = s.deployments_seen, new_runs = s.new_runs, errors = s.errors, summary = s.summary,
  runs_from_ms = s.runs_from_ms, event_log_from_ms = s.event_log_from_ms, rollback_open = s.rollback_open
WHEN NOT MATCHED THEN INSERT (tick_id, started_at, duration_ms, statements, history_reads, rest_calls, deployments_seen, new_runs, errors, summary, runs_from_ms, event_log_from_ms, rollback_open)
VALUES (s.tick_id, s.started_at, s.duration_ms, s.statements, s.history_reads, s.rest_calls, s.deployments_seen, s.new_runs, s.errors, s.summary, s.runs_from_ms, s.event_log_from_ms, s.rollback_open)
