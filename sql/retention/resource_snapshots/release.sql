-- Removes from the hot table the resource_snapshots rows older than the hot window whose copy in the archive is identical
-- (same key, same row hash): a row not copied, or changed since, stays.
-- A snapshot moves with its deployment; the newest of each resource stays (the next deploy is
-- compared with it).
-- Safe to repeat. Params: hot_before_ms.
MERGE INTO {{ops}}.resource_snapshots AS t
USING (
  SELECT DISTINCT due.deployment_id, due.resource_type, due.resource_id, due.h
  FROM (
    SELECT x.deployment_id, x.resource_type, x.resource_id, xxhash64(
      x.deployment_id, x.resource_type, x.resource_id, x.resource_key, x.settings, x.settings_hash,
      x.captured_at
    ) AS h
    FROM (
      SELECT snap.*, ROW_NUMBER() OVER (PARTITION BY snap.resource_id ORDER BY snap.captured_at DESC, snap.deployment_id DESC) AS newest
      FROM {{ops}}.resource_snapshots snap
    ) x
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
    WHERE x.captured_at < timestamp_millis(:hot_before_ms)
      AND x.newest > 1 AND NOT coalesce(dep.stays, false)
  ) due
  JOIN {{ops}}.resource_snapshots_archive a
    ON a.deployment_id = due.deployment_id AND a.resource_type = due.resource_type AND a.resource_id = due.resource_id
    AND xxhash64(
      a.deployment_id, a.resource_type, a.resource_id, a.resource_key, a.settings, a.settings_hash,
      a.captured_at
    ) = due.h
) AS s
ON t.deployment_id = s.deployment_id AND t.resource_type = s.resource_type AND t.resource_id = s.resource_id
WHEN MATCHED AND xxhash64(
  t.deployment_id, t.resource_type, t.resource_id, t.resource_key, t.settings, t.settings_hash, t.captured_at
) = s.h THEN DELETE
