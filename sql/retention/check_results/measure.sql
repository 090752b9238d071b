-- Retention figures of check_results: rows and checksums (the sum of each row's xxhash64) of
-- the check_results rows older than the hot window, due to move; of their copies in the archive,
-- matched by key; of the whole archive; and of the archive rows past the archive window.
-- A check result moves once its deployment has moved.
-- Params: hot_before_ms, archive_before_ms.
WITH due AS (
  SELECT x.deployment_id, x.check_name, x.subject, x.look, xxhash64(
    x.deployment_id, x.check_name, x.subject, x.look, x.status, x.critical, x.observed, x.baseline_n,
    x.baseline_center, x.baseline_spread, x.threshold, x.statistic, x.p_value, x.effect, x.post_n, x.plane,
    x.evidence_age_s, x.explanation, x.suppressed_by, x.tick_id, x.evaluated_at
  ) AS h
  FROM {{ops}}.check_results x
  WHERE x.evaluated_at < timestamp_millis(:hot_before_ms)
    AND NOT EXISTS (
      SELECT 1 FROM {{ops}}.deployments d WHERE d.deployment_id = x.deployment_id
    )
),
arc AS (
  SELECT a.deployment_id, a.check_name, a.subject, a.look, xxhash64(
    a.deployment_id, a.check_name, a.subject, a.look, a.status, a.critical, a.observed, a.baseline_n,
    a.baseline_center, a.baseline_spread, a.threshold, a.statistic, a.p_value, a.effect, a.post_n, a.plane,
    a.evidence_age_s, a.explanation, a.suppressed_by, a.tick_id, a.evaluated_at
  ) AS h, a.evaluated_at AS aged_at
  FROM {{ops}}.check_results_archive a
)
SELECT hot.n AS hot_rows, due_all.n AS due_rows, due_all.s AS due_sum, arc_all.n AS archive_rows,
  arc_all.s AS archive_sum, copies.n AS archived_rows, copies.s AS archived_sum, copies.differing AS conflict_rows,
  expired.n AS expired_rows, expired.s AS expired_sum
FROM (SELECT COUNT(*) AS n FROM {{ops}}.check_results) hot
CROSS JOIN (SELECT COUNT(*) AS n, CAST(coalesce(SUM(CAST(h AS DECIMAL(38, 0))), 0) AS STRING) AS s FROM due) due_all
CROSS JOIN (SELECT COUNT(*) AS n, CAST(coalesce(SUM(CAST(h AS DECIMAL(38, 0))), 0) AS STRING) AS s FROM arc) arc_all
CROSS JOIN (
  SELECT COUNT(*) AS n, CAST(coalesce(SUM(CAST(arc.h AS DECIMAL(38, 0))), 0) AS STRING) AS s,
    COUNT(CASE WHEN arc.h <> due.h THEN 1 END) AS differing
  FROM due JOIN arc ON arc.deployment_id = due.deployment_id AND arc.check_name = due.check_name AND arc.subject = due.subject AND arc.look = due.look
) copies
CROSS JOIN (
  SELECT COUNT(*) AS n, CAST(coalesce(SUM(CAST(h AS DECIMAL(38, 0))), 0) AS STRING) AS s
  FROM arc WHERE aged_at < timestamp_millis(:archive_before_ms)
) expired
