-- Removes from the hot table the ticks rows older than the hot window whose copy in the archive is identical
-- (same key, same row hash): a row not copied, or changed since, stays.
-- The newest tick stays: the next tick starts from its watermarks.
-- Safe to repeat. Params: hot_before_ms.
MERGE INTO {{ops}}.ticks AS t
USING (
  SELECT DISTINCT due.tick_id, due.h
  FROM (
    SELECT x.tick_id, xxhash64(
      x.tick_id, x.started_at, x.duration_ms, x.statements, x.history_reads, x.rest_calls, x.deployments_seen,
      x.new_runs, x.errors, x.summary, x.runs_from_ms, x.event_log_from_ms, x.rollback_open, x.audit_head_seq, x.audit_head_hash, x.errors_by_kind, x.unfinished
    ) AS h
    FROM (SELECT k.*, MAX(k.started_at) OVER () AS newest_start FROM {{ops}}.ticks k) x
    WHERE x.started_at < timestamp_millis(:hot_before_ms)
      AND x.started_at < x.newest_start
  ) due
  JOIN {{ops}}.ticks_archive a
    ON a.tick_id = due.tick_id
    AND xxhash64(
      a.tick_id, a.started_at, a.duration_ms, a.statements, a.history_reads, a.rest_calls, a.deployments_seen,
      a.new_runs, a.errors, a.summary, a.runs_from_ms, a.event_log_from_ms, a.rollback_open, a.audit_head_seq, a.audit_head_hash, a.errors_by_kind, a.unfinished
    ) = due.h
) AS s
ON t.tick_id = s.tick_id
WHEN MATCHED AND xxhash64(
  t.tick_id, t.started_at, t.duration_ms, t.statements, t.history_reads, t.rest_calls, t.deployments_seen,
  t.new_runs, t.errors, t.summary, t.runs_from_ms, t.event_log_from_ms, t.rollback_open, t.audit_head_seq, t.audit_head_hash, t.errors_by_kind, t.unfinished
) = s.h THEN DELETE
