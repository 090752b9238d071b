-- Copies the resource_snapshots rows older than the hot window into the archive. A row already there is replaced
-- only when the hot row has changed since.
-- A snapshot moves with its deployment; the newest of each resource stays (the next deploy is
-- compared with it).
-- Safe to repeat. Params: hot_before_ms, now_ms.
MERGE INTO {{ops}}.resource_snapshots_archive AS t
USING (
  SELECT
    deployment_id, resource_type, resource_id, resource_key, settings, settings_hash, captured_at, h
  FROM (
    -- One source row per key: Delta refuses a MERGE whose source matches a target row twice.
    SELECT due.*, ROW_NUMBER() OVER (PARTITION BY due.deployment_id, due.resource_type, due.resource_id ORDER BY due.h) AS copy_rank
    FROM (
      SELECT x.*, xxhash64(
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
  ) ranked
  WHERE ranked.copy_rank = 1
) AS s
ON t.deployment_id = s.deployment_id AND t.resource_type = s.resource_type AND t.resource_id = s.resource_id
WHEN MATCHED AND xxhash64(
  t.deployment_id, t.resource_type, t.resource_id, t.resource_key, t.settings, t.settings_hash, t.captured_at
) <> s.h THEN UPDATE SET
  resource_key = s.resource_key, settings = s.settings, settings_hash = s.settings_hash,
  captured_at = s.captured_at,
  archived_at = timestamp_millis(:now_ms)
WHEN NOT MATCHED THEN INSERT (
  deployment_id, resource_type, resource_id, resource_key, settings, settings_hash, captured_at, archived_at
) VALUES (
  s.deployment_id, s.resource_type, s.resource_id, s.resource_key, s.settings, s.settings_hash, s.captured_at,
  timestamp_millis(:now_ms)
)
