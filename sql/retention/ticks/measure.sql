-- Retention figures of ticks: rows and checksums (the sum of each row's xxhash64) of
-- the ticks rows older than the hot window, due to move; of their copies in the archive,
-- matched by key; of the whole archive; of the archive rows past the archive window; and of the
-- due rows already past it (a run archives and removes them at once).
-- The newest tick stays: the next tick starts from its watermarks.
-- Params: hot_before_ms, archive_before_ms.
WITH due AS (
  SELECT x.tick_id, xxhash64(
    x.tick_id, x.started_at, x.duration_ms, x.statements, x.history_reads, x.rest_calls, x.deployments_seen,
    x.new_runs, x.errors, x.summary, x.runs_from_ms, x.event_log_from_ms, x.rollback_open, x.audit_head_seq, x.audit_head_hash, x.errors_by_kind, x.unfinished
  ) AS h, x.started_at AS aged_at
  FROM (SELECT k.*, MAX(k.started_at) OVER () AS newest_start FROM {{ops}}.ticks k) x
  WHERE x.started_at < timestamp_millis(:hot_before_ms)
    AND x.started_at < x.newest_start
),
arc AS (
  SELECT a.tick_id, xxhash64(
    a.tick_id, a.started_at, a.duration_ms, a.statements, a.history_reads, a.rest_calls, a.deployments_seen,
    a.new_runs, a.errors, a.summary, a.runs_from_ms, a.event_log_from_ms, a.rollback_open, a.audit_head_seq, a.audit_head_hash, a.errors_by_kind, a.unfinished
  ) AS h, a.started_at AS aged_at
  FROM {{ops}}.ticks_archive a
)
SELECT hot.n AS hot_rows, due_all.n AS due_rows, due_all.s AS due_sum, arc_all.n AS archive_rows,
  arc_all.s AS archive_sum, copies.n AS archived_rows, copies.s AS archived_sum, copies.differing AS conflict_rows,
  expired.n AS expired_rows, expired.s AS expired_sum, due_old.n AS due_expired_rows, due_old.s AS due_expired_sum
FROM (SELECT COUNT(*) AS n FROM {{ops}}.ticks) hot
CROSS JOIN (SELECT COUNT(*) AS n, CAST(coalesce(SUM(CAST(h AS DECIMAL(38, 0))), 0) AS STRING) AS s FROM due) due_all
CROSS JOIN (SELECT COUNT(*) AS n, CAST(coalesce(SUM(CAST(h AS DECIMAL(38, 0))), 0) AS STRING) AS s FROM arc) arc_all
CROSS JOIN (
  SELECT COUNT(*) AS n, CAST(coalesce(SUM(CAST(arc.h AS DECIMAL(38, 0))), 0) AS STRING) AS s,
    COUNT(CASE WHEN arc.h <> due.h THEN 1 END) AS differing
  FROM due JOIN arc ON arc.tick_id = due.tick_id
) copies
CROSS JOIN (
  SELECT COUNT(*) AS n, CAST(coalesce(SUM(CAST(h AS DECIMAL(38, 0))), 0) AS STRING) AS s
  FROM arc WHERE aged_at < timestamp_millis(:archive_before_ms)
) expired
CROSS JOIN (
  SELECT COUNT(*) AS n, CAST(coalesce(SUM(CAST(h AS DECIMAL(38, 0))), 0) AS STRING) AS s
  FROM due WHERE aged_at < timestamp_millis(:archive_before_ms)
) due_old
