-- Removes from the hot table the deployments rows older than the hot window whose copy in the archive is identical
-- (same key, same row hash): a row not copied, or changed since, stays.
-- Kept hot at any age: a deployment still under verification and, per bundle and target, the newest
-- deployment (the next deploy's previous version) and the newest HEALTHY one (where a rollback returns to).
-- Safe to repeat. Params: hot_before_ms.
MERGE INTO {{ops}}.deployments AS t
USING (
  SELECT DISTINCT due.deployment_id, due.h
  FROM (
    SELECT x.deployment_id, xxhash64(
      x.deployment_id, x.bundle, x.target, x.version, x.previous_version, x.actor, x.ci_run_url, x.started_at,
      x.finished_at, x.status, x.resources, x.expected_changes, x.trace_id, x.recorded_at
    ) AS h
    FROM (
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
    ) x
    WHERE coalesce(x.finished_at, x.started_at, x.recorded_at) < timestamp_millis(:hot_before_ms)
      AND NOT x.stays
  ) due
  JOIN {{ops}}.deployments_archive a
    ON a.deployment_id = due.deployment_id
    AND xxhash64(
      a.deployment_id, a.bundle, a.target, a.version, a.previous_version, a.actor, a.ci_run_url, a.started_at,
      a.finished_at, a.status, a.resources, a.expected_changes, a.trace_id, a.recorded_at
    ) = due.h
) AS s
ON t.deployment_id = s.deployment_id
WHEN MATCHED AND xxhash64(
  t.deployment_id, t.bundle, t.target, t.version, t.previous_version, t.actor, t.ci_run_url, t.started_at,
  t.finished_at, t.status, t.resources, t.expected_changes, t.trace_id, t.recorded_at
) = s.h THEN DELETE
