-- The verifier's own heartbeat, carrying the watermarks that move every tick (the next tick reads
-- them back from the newest row), so a tick writes one row for both. rollback_open says the
-- rollback step left work for the next tick. A tick id is its minute: a tick run again for the same
-- minute keeps the first row, whose watermarks were taken at that same minute, and the next tick
-- reads on from them. An insert, not a MERGE: it runs every minute, and the guard costs less.
-- audit_head_seq and audit_head_hash anchor the audit log's head outside the audit tables.
INSERT INTO {{ops}}.ticks (tick_id, started_at, duration_ms, statements, history_reads, rest_calls, deployments_seen, new_runs, errors, errors_by_kind, unfinished, summary, runs_from_ms, event_log_from_ms, rollback_open, audit_head_seq, audit_head_hash)
SELECT s.tick_id, s.started_at, s.duration_ms, s.statements, s.history_reads, s.rest_calls, s.deployments_seen, s.new_runs, s.errors, s.errors_by_kind, s.unfinished, s.summary, s.runs_from_ms, s.event_log_from_ms, s.rollback_open, s.audit_head_seq, s.audit_head_hash
FROM ({{rows}}) AS s
WHERE NOT EXISTS (SELECT 1 FROM {{ops}}.ticks t WHERE t.tick_id = s.tick_id)
