-- Copies the ticks rows older than the hot window into the archive. A row already there is replaced
-- only when the hot row has changed since.
-- The newest tick stays: the next tick starts from its watermarks.
-- Safe to repeat. Params: hot_before_ms, now_ms.
MERGE INTO {{ops}}.ticks_archive AS t
USING (
  SELECT
    tick_id, started_at, duration_ms, statements, history_reads, rest_calls, deployments_seen, new_runs,
    errors, summary, runs_from_ms, event_log_from_ms, rollback_open, audit_head_seq, audit_head_hash, errors_by_kind, unfinished, h
  FROM (
    -- One source row per key: Delta refuses a MERGE whose source matches a target row twice.
    SELECT due.*, ROW_NUMBER() OVER (PARTITION BY due.tick_id ORDER BY due.h) AS copy_rank
    FROM (
      SELECT x.*, xxhash64(
        x.tick_id, x.started_at, x.duration_ms, x.statements, x.history_reads, x.rest_calls,
        x.deployments_seen, x.new_runs, x.errors, x.summary, x.runs_from_ms, x.event_log_from_ms,
        x.rollback_open, x.audit_head_seq, x.audit_head_hash, x.errors_by_kind, x.unfinished
      ) AS h
      FROM (SELECT k.*, MAX(k.started_at) OVER () AS newest_start FROM {{ops}}.ticks k) x
      WHERE x.started_at < timestamp_millis(:hot_before_ms)
        AND x.started_at < x.newest_start
    ) due
  ) ranked
  WHERE ranked.copy_rank = 1
) AS s
ON t.tick_id = s.tick_id
WHEN MATCHED AND xxhash64(
  t.tick_id, t.started_at, t.duration_ms, t.statements, t.history_reads, t.rest_calls, t.deployments_seen,
  t.new_runs, t.errors, t.summary, t.runs_from_ms, t.event_log_from_ms, t.rollback_open, t.audit_head_seq, t.audit_head_hash, t.errors_by_kind, t.unfinished
) <> s.h THEN UPDATE SET
  started_at = s.started_at, duration_ms = s.duration_ms, statements = s.statements,
  history_reads = s.history_reads, rest_calls = s.rest_calls, deployments_seen = s.deployments_seen,
  new_runs = s.new_runs, errors = s.errors, errors_by_kind = s.errors_by_kind, summary = s.summary,
  runs_from_ms = s.runs_from_ms,
  event_log_from_ms = s.event_log_from_ms, rollback_open = s.rollback_open,
  audit_head_seq = s.audit_head_seq, audit_head_hash = s.audit_head_hash, unfinished = s.unfinished,
  archived_at = timestamp_millis(:now_ms)
WHEN NOT MATCHED THEN INSERT (
  tick_id, started_at, duration_ms, statements, history_reads, rest_calls, deployments_seen, new_runs, errors,
  summary, runs_from_ms, event_log_from_ms, rollback_open, audit_head_seq, audit_head_hash, errors_by_kind, unfinished, archived_at
) VALUES (
  s.tick_id, s.started_at, s.duration_ms, s.statements, s.history_reads, s.rest_calls, s.deployments_seen,
  s.new_runs, s.errors, s.summary, s.runs_from_ms, s.event_log_from_ms, s.rollback_open,
  s.audit_head_seq, s.audit_head_hash, s.errors_by_kind, s.unfinished,
  timestamp_millis(:now_ms)
)
