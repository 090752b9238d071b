-- The audit log's heads the ticks anchored in their own rows (hot and archived), outside the audit
-- tables: the highest one, and up to 20 anchors no row of the log (hot or archived) matches in seq
-- and hash, i.e. rows deleted from the end or a chain rewritten. Anchors at or before retention's
-- anchor name rows removed on purpose and are not compared.
WITH anchors AS (
  SELECT tick_id, audit_head_seq AS seq, audit_head_hash AS hash FROM {{ops}}.ticks WHERE audit_head_seq IS NOT NULL
  UNION ALL
  SELECT tick_id, audit_head_seq AS seq, audit_head_hash AS hash FROM {{ops}}.ticks_archive WHERE audit_head_seq IS NOT NULL
),
logged AS (
  SELECT seq, hash FROM {{ops}}.audit_log
  UNION ALL
  SELECT seq, hash FROM {{ops}}.audit_log_archive
),
removed AS (
  SELECT COALESCE(MAX(seq), 0) AS upto FROM {{ops}}.audit_head WHERE name = 'anchor'
),
unmatched AS (
  SELECT a.seq, a.hash, MIN(a.tick_id) AS tick_id, COUNT(*) AS ticks
  FROM anchors a
  CROSS JOIN removed r
  LEFT JOIN logged l ON l.seq = a.seq AND l.hash = a.hash
  WHERE a.seq > r.upto AND l.seq IS NULL
  GROUP BY a.seq, a.hash
)
SELECT 'highest' AS kind, h.seq, h.hash, h.tick_id, CAST(1 AS BIGINT) AS ticks
FROM (SELECT seq, hash, tick_id FROM anchors ORDER BY seq DESC, tick_id DESC LIMIT 1) h
UNION ALL
SELECT 'unmatched' AS kind, u.seq, u.hash, u.tick_id, u.ticks
FROM (SELECT seq, hash, tick_id, ticks FROM unmatched ORDER BY seq DESC, hash LIMIT 20) u
