-- Retention figures of rollbacks: rows and checksums (the sum of each row's xxhash64) of
-- the rollbacks rows older than the hot window, due to move; of their copies in the archive,
-- matched by key; of the whole archive; of the archive rows past the archive window; and of the
-- due rows already past it (a run archives and removes them at once).
-- A rollback moves with its deployment, once ended (not REQUESTED or EXECUTING).
-- Params: hot_before_ms, archive_before_ms.
WITH due AS (
  SELECT x.rollback_id, xxhash64(
    x.rollback_id, x.deployment_id, x.bundle, x.target, x.from_version, x.to_version, x.to_deployment_id,
    x.reason, x.safety, x.strategy, x.state, x.attempts, x.detail, x.requested_at, x.updated_at, x.plan,
    x.not_before, x.lease_holder, x.lease_until, x.restore_deployment_id
  ) AS h, coalesce(x.updated_at, x.requested_at) AS aged_at
  FROM {{ops}}.rollbacks x
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
  WHERE coalesce(x.updated_at, x.requested_at) < timestamp_millis(:hot_before_ms)
    AND coalesce(x.state, '') NOT IN ('REQUESTED', 'EXECUTING') AND NOT coalesce(dep.stays, false)
),
arc AS (
  SELECT a.rollback_id, xxhash64(
    a.rollback_id, a.deployment_id, a.bundle, a.target, a.from_version, a.to_version, a.to_deployment_id,
    a.reason, a.safety, a.strategy, a.state, a.attempts, a.detail, a.requested_at, a.updated_at, a.plan,
    a.not_before, a.lease_holder, a.lease_until, a.restore_deployment_id
  ) AS h, coalesce(a.updated_at, a.requested_at) AS aged_at
  FROM {{ops}}.rollbacks_archive a
)
SELECT hot.n AS hot_rows, due_all.n AS due_rows, due_all.s AS due_sum, arc_all.n AS archive_rows,
  arc_all.s AS archive_sum, copies.n AS archived_rows, copies.s AS archived_sum, copies.differing AS conflict_rows,
  expired.n AS expired_rows, expired.s AS expired_sum, due_old.n AS due_expired_rows, due_old.s AS due_expired_sum
FROM (SELECT COUNT(*) AS n FROM {{ops}}.rollbacks) hot
CROSS JOIN (SELECT COUNT(*) AS n, CAST(coalesce(SUM(CAST(h AS DECIMAL(38, 0))), 0) AS STRING) AS s FROM due) due_all
CROSS JOIN (SELECT COUNT(*) AS n, CAST(coalesce(SUM(CAST(h AS DECIMAL(38, 0))), 0) AS STRING) AS s FROM arc) arc_all
CROSS JOIN (
  SELECT COUNT(*) AS n, CAST(coalesce(SUM(CAST(arc.h AS DECIMAL(38, 0))), 0) AS STRING) AS s,
    COUNT(CASE WHEN arc.h <> due.h THEN 1 END) AS differing
  FROM due JOIN arc ON arc.rollback_id = due.rollback_id
) copies
CROSS JOIN (
  SELECT COUNT(*) AS n, CAST(coalesce(SUM(CAST(h AS DECIMAL(38, 0))), 0) AS STRING) AS s
  FROM arc WHERE aged_at < timestamp_millis(:archive_before_ms)
) expired
CROSS JOIN (
  SELECT COUNT(*) AS n, CAST(coalesce(SUM(CAST(h AS DECIMAL(38, 0))), 0) AS STRING) AS s
  FROM due WHERE aged_at < timestamp_millis(:archive_before_ms)
) due_old
