-- Retention figures of audit_log: rows and checksums (the sum of each row's xxhash64) of
-- the audit_log rows older than the hot window, due to move; of their copies in the archive,
-- matched by key; of the whole archive; of the archive rows past the archive window, which for the
-- hash chain is a prefix: every row up to the newest one logged before the window (anchor_seq, with
-- its hash as anchor_hash, the anchor the chain is verified from once they are gone); and of the
-- due rows already past it (a run archives and removes them at once).
-- Rows move in seq order, and the newest entry stays: the next entry chains on it.
-- Params: hot_before_ms, archive_before_ms.
WITH due AS (
  SELECT x.seq, xxhash64(
    x.seq, x.logged_at, x.actor, x.action, x.subject, x.payload, x.prev_hash, x.hash, x.event_key
  ) AS h, x.logged_at AS aged_at
  FROM {{ops}}.audit_log x
  WHERE x.logged_at < timestamp_millis(:hot_before_ms)
    -- In seq order only, so the hot log stays the chain's newest rows: nothing after the first
    -- row still young, and never the newest row (the next entry chains on it).
    AND x.seq < coalesce(
      (SELECT MIN(l.seq) FROM {{ops}}.audit_log l WHERE l.logged_at >= timestamp_millis(:hot_before_ms)),
      (SELECT MAX(l.seq) FROM {{ops}}.audit_log l)
    )
),
arc AS (
  SELECT a.seq, xxhash64(
    a.seq, a.logged_at, a.actor, a.action, a.subject, a.payload, a.prev_hash, a.hash, a.event_key
  ) AS h, a.logged_at AS aged_at
  FROM {{ops}}.audit_log_archive a
),
cut AS (
  -- A prefix of the chain: up to the first archived row still inside the archive window.
  SELECT MAX(seq) AS anchor_seq FROM arc
  WHERE aged_at < timestamp_millis(:archive_before_ms)
    AND seq < coalesce((SELECT MIN(y.seq) FROM arc y WHERE y.aged_at >= timestamp_millis(:archive_before_ms)), seq + 1)
)
SELECT hot.n AS hot_rows, due_all.n AS due_rows, due_all.s AS due_sum, arc_all.n AS archive_rows,
  arc_all.s AS archive_sum, copies.n AS archived_rows, copies.s AS archived_sum, copies.differing AS conflict_rows,
  expired.n AS expired_rows, expired.s AS expired_sum, due_old.n AS due_expired_rows, due_old.s AS due_expired_sum,
  anchor.anchor_seq, anchor.anchor_hash
FROM (SELECT COUNT(*) AS n FROM {{ops}}.audit_log) hot
CROSS JOIN (SELECT COUNT(*) AS n, CAST(coalesce(SUM(CAST(h AS DECIMAL(38, 0))), 0) AS STRING) AS s FROM due) due_all
CROSS JOIN (SELECT COUNT(*) AS n, CAST(coalesce(SUM(CAST(h AS DECIMAL(38, 0))), 0) AS STRING) AS s FROM arc) arc_all
CROSS JOIN (
  SELECT COUNT(*) AS n, CAST(coalesce(SUM(CAST(arc.h AS DECIMAL(38, 0))), 0) AS STRING) AS s,
    COUNT(CASE WHEN arc.h <> due.h THEN 1 END) AS differing
  FROM due JOIN arc ON arc.seq = due.seq
) copies
CROSS JOIN (
  SELECT COUNT(*) AS n, CAST(coalesce(SUM(CAST(arc.h AS DECIMAL(38, 0))), 0) AS STRING) AS s
  FROM arc JOIN cut ON arc.seq <= cut.anchor_seq
) expired
CROSS JOIN (
  SELECT COUNT(*) AS n, CAST(coalesce(SUM(CAST(h AS DECIMAL(38, 0))), 0) AS STRING) AS s
  FROM due WHERE aged_at < timestamp_millis(:archive_before_ms)
) due_old
CROSS JOIN (
  SELECT cut.anchor_seq, MAX(l.hash) AS anchor_hash
  FROM cut LEFT JOIN {{ops}}.audit_log_archive l ON l.seq = cut.anchor_seq
  GROUP BY cut.anchor_seq
) anchor
