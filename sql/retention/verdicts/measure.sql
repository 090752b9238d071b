-- Retention figures of verdicts: rows and checksums (the sum of each row's xxhash64) of
-- the verdicts rows older than the hot window, due to move; of their copies in the archive,
-- matched by key; of the whole archive; of the archive rows past the archive window; and of the
-- due rows already past it (a run archives and removes them at once).
-- A verdict moves with its deployment, once final.
-- Params: hot_before_ms, archive_before_ms.
WITH due AS (
  SELECT x.deployment_id, xxhash64(
    x.deployment_id, x.state, x.reason, x.is_final, x.post_runs, x.since, x.until, x.first_verdict_at,
    x.updated_at, x.tick_id, x.recheck_at, x.page_reason
  ) AS h, x.updated_at AS aged_at
  FROM {{ops}}.verdicts x
  LEFT JOIN (
    -- Deployments that stay hot: younger than the window, still under verification, or per bundle
    -- and target the newest (a deploy's previous version) or the newest HEALTHY (a rollback's target).
    SELECT d.*,
      coalesce(d.finished_at, d.started_at, d.recorded_at) IS NULL OR coalesce(d.finished_at, d.started_at, d.recorded_at) >= timestamp_millis(:hot_before_ms)
        OR (coalesce(d.status, '') IN ('SUCCEEDED', 'PARTIAL') AND (
          NOT coalesce(v.is_final, false)
          OR ROW_NUMBER() OVER (PARTITION BY d.bundle, d.target, coalesce(d.status, '') IN ('SUCCEEDED', 'PARTIAL')
            ORDER BY d.finished_at DESC NULLS LAST, d.deployment_id DESC) = 1
          OR (coalesce(v.state, '') = 'HEALTHY' AND ROW_NUMBER() OVER (
            PARTITION BY d.bundle, d.target, coalesce(d.status, '') IN ('SUCCEEDED', 'PARTIAL') AND coalesce(v.state, '') = 'HEALTHY'
            ORDER BY d.finished_at DESC NULLS LAST, d.deployment_id DESC) = 1)
        )) AS stays
    FROM {{ops}}.deployments d LEFT JOIN {{ops}}.verdicts v ON v.deployment_id = d.deployment_id
  ) dep ON dep.deployment_id = x.deployment_id
  WHERE x.updated_at < timestamp_millis(:hot_before_ms)
    AND coalesce(x.is_final, false) AND NOT coalesce(dep.stays, false)
),
arc AS (
  SELECT a.deployment_id, xxhash64(
    a.deployment_id, a.state, a.reason, a.is_final, a.post_runs, a.since, a.until, a.first_verdict_at,
    a.updated_at, a.tick_id, a.recheck_at, a.page_reason
  ) AS h, a.updated_at AS aged_at
  FROM {{ops}}.verdicts_archive a
)
SELECT hot.n AS hot_rows, due_all.n AS due_rows, due_all.s AS due_sum, arc_all.n AS archive_rows,
  arc_all.s AS archive_sum, copies.n AS archived_rows, copies.s AS archived_sum, copies.differing AS conflict_rows,
  expired.n AS expired_rows, expired.s AS expired_sum, due_old.n AS due_expired_rows, due_old.s AS due_expired_sum
FROM (SELECT COUNT(*) AS n FROM {{ops}}.verdicts) hot
CROSS JOIN (SELECT COUNT(*) AS n, CAST(coalesce(SUM(CAST(h AS DECIMAL(38, 0))), 0) AS STRING) AS s FROM due) due_all
CROSS JOIN (SELECT COUNT(*) AS n, CAST(coalesce(SUM(CAST(h AS DECIMAL(38, 0))), 0) AS STRING) AS s FROM arc) arc_all
CROSS JOIN (
  SELECT COUNT(*) AS n, CAST(coalesce(SUM(CAST(arc.h AS DECIMAL(38, 0))), 0) AS STRING) AS s,
    COUNT(CASE WHEN arc.h <> due.h THEN 1 END) AS differing
  FROM due JOIN arc ON arc.deployment_id = due.deployment_id
) copies
CROSS JOIN (
  SELECT COUNT(*) AS n, CAST(coalesce(SUM(CAST(h AS DECIMAL(38, 0))), 0) AS STRING) AS s
  FROM arc WHERE aged_at < timestamp_millis(:archive_before_ms)
) expired
CROSS JOIN (
  SELECT COUNT(*) AS n, CAST(coalesce(SUM(CAST(h AS DECIMAL(38, 0))), 0) AS STRING) AS s
  FROM due WHERE aged_at < timestamp_millis(:archive_before_ms)
) due_old
