-- Retention figures of deployment_events: rows and checksums (the sum of each row's xxhash64) of
-- the deployment_events rows older than the hot window, due to move; of their copies in the archive,
-- matched by key; of the whole archive; of the archive rows past the archive window; and of the
-- due rows already past it (a run archives and removes them at once).
-- A stage moves with its deployment.
-- Params: hot_before_ms, archive_before_ms.
WITH due AS (
  SELECT x.deployment_id, x.stage, x.attempt, xxhash64(
    x.deployment_id, x.stage, x.attempt, x.started_at, x.finished_at, x.status, x.attributes, x.trace_id,
    x.span_id
  ) AS h, coalesce(x.finished_at, x.started_at) AS aged_at
  FROM {{ops}}.deployment_events x
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
  WHERE coalesce(x.finished_at, x.started_at) < timestamp_millis(:hot_before_ms)
    AND NOT coalesce(dep.stays, false)
),
arc AS (
  SELECT a.deployment_id, a.stage, a.attempt, xxhash64(
    a.deployment_id, a.stage, a.attempt, a.started_at, a.finished_at, a.status, a.attributes, a.trace_id,
    a.span_id
  ) AS h, coalesce(a.finished_at, a.started_at) AS aged_at
  FROM {{ops}}.deployment_events_archive a
)
SELECT hot.n AS hot_rows, due_all.n AS due_rows, due_all.s AS due_sum, arc_all.n AS archive_rows,
  arc_all.s AS archive_sum, copies.n AS archived_rows, copies.s AS archived_sum, copies.differing AS conflict_rows,
  expired.n AS expired_rows, expired.s AS expired_sum, due_old.n AS due_expired_rows, due_old.s AS due_expired_sum
FROM (SELECT COUNT(*) AS n FROM {{ops}}.deployment_events) hot
CROSS JOIN (SELECT COUNT(*) AS n, CAST(coalesce(SUM(CAST(h AS DECIMAL(38, 0))), 0) AS STRING) AS s FROM due) due_all
CROSS JOIN (SELECT COUNT(*) AS n, CAST(coalesce(SUM(CAST(h AS DECIMAL(38, 0))), 0) AS STRING) AS s FROM arc) arc_all
CROSS JOIN (
  SELECT COUNT(*) AS n, CAST(coalesce(SUM(CAST(arc.h AS DECIMAL(38, 0))), 0) AS STRING) AS s,
    COUNT(CASE WHEN arc.h <> due.h THEN 1 END) AS differing
  FROM due JOIN arc ON arc.deployment_id = due.deployment_id AND arc.stage = due.stage AND arc.attempt = due.attempt
) copies
CROSS JOIN (
  SELECT COUNT(*) AS n, CAST(coalesce(SUM(CAST(h AS DECIMAL(38, 0))), 0) AS STRING) AS s
  FROM arc WHERE aged_at < timestamp_millis(:archive_before_ms)
) expired
CROSS JOIN (
  SELECT COUNT(*) AS n, CAST(coalesce(SUM(CAST(h AS DECIMAL(38, 0))), 0) AS STRING) AS s
  FROM due WHERE aged_at < timestamp_millis(:archive_before_ms)
) due_old
