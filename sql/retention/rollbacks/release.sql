-- Removes from the hot table the rollbacks rows older than the hot window whose copy in the archive is identical
-- (same key, same row hash): a row not copied, or changed since, stays.
-- A rollback moves with its deployment, once ended (not REQUESTED or EXECUTING).
-- Safe to repeat. Params: hot_before_ms.
MERGE INTO {{ops}}.rollbacks AS t
USING (
  SELECT DISTINCT due.rollback_id, due.h
  FROM (
    SELECT x.rollback_id, xxhash64(
      x.rollback_id, x.deployment_id, x.bundle, x.target, x.from_version, x.to_version, x.to_deployment_id,
      x.reason, x.safety, x.strategy, x.state, x.attempts, x.detail, x.requested_at, x.updated_at, x.plan,
      x.not_before, x.lease_holder, x.lease_until, x.restore_deployment_id
    ) AS h
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
  ) due
  JOIN {{ops}}.rollbacks_archive a
    ON a.rollback_id = due.rollback_id
    AND xxhash64(
      a.rollback_id, a.deployment_id, a.bundle, a.target, a.from_version, a.to_version, a.to_deployment_id,
      a.reason, a.safety, a.strategy, a.state, a.attempts, a.detail, a.requested_at, a.updated_at, a.plan,
      a.not_before, a.lease_holder, a.lease_until, a.restore_deployment_id
    ) = due.h
) AS s
ON t.rollback_id = s.rollback_id
WHEN MATCHED AND xxhash64(
  t.rollback_id, t.deployment_id, t.bundle, t.target, t.from_version, t.to_version, t.to_deployment_id,
  t.reason, t.safety, t.strategy, t.state, t.attempts, t.detail, t.requested_at, t.updated_at, t.plan,
  t.not_before, t.lease_holder, t.lease_until, t.restore_deployment_id
) = s.h THEN DELETE
