-- Copies the deployments rows older than the hot window into the archive. A row already there is replaced
-- only when the hot row has changed since.
-- Kept hot at any age: a deployment still under verification and, per bundle and target, the newest
-- deployment (the next deploy's previous version) and the newest HEALTHY one (where a rollback returns to).
-- Safe to repeat. Params: hot_before_ms, now_ms.
MERGE INTO {{ops}}.deployments_archive AS t
USING (
  SELECT
    deployment_id, bundle, target, version, previous_version, actor, ci_run_url, started_at, finished_at,
    status, resources, expected_changes, trace_id, recorded_at, h
  FROM (
    -- One source row per key: Delta refuses a MERGE whose source matches a target row twice.
    SELECT due.*, ROW_NUMBER() OVER (PARTITION BY due.deployment_id ORDER BY due.h) AS copy_rank
    FROM (
      SELECT x.*, xxhash64(
        x.deployment_id, x.bundle, x.target, x.version, x.previous_version, x.actor, x.ci_run_url,
        x.started_at, x.finished_at, x.status, x.resources, x.expected_changes, x.trace_id, x.recorded_at
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
  ) ranked
  WHERE ranked.copy_rank = 1
) AS s
ON t.deployment_id = s.deployment_id
WHEN MATCHED AND xxhash64(
  t.deployment_id, t.bundle, t.target, t.version, t.previous_version, t.actor, t.ci_run_url, t.started_at,
  t.finished_at, t.status, t.resources, t.expected_changes, t.trace_id, t.recorded_at
) <> s.h THEN UPDATE SET
  bundle = s.bundle, target = s.target, version = s.version, previous_version = s.previous_version,
  actor = s.actor, ci_run_url = s.ci_run_url, started_at = s.started_at, finished_at = s.finished_at,
  status = s.status, resources = s.resources, expected_changes = s.expected_changes, trace_id = s.trace_id,
  recorded_at = s.recorded_at,
  archived_at = timestamp_millis(:now_ms)
WHEN NOT MATCHED THEN INSERT (
  deployment_id, bundle, target, version, previous_version, actor, ci_run_url, started_at, finished_at, status,
  resources, expected_changes, trace_id, recorded_at, archived_at
) VALUES (
  s.deployment_id, s.bundle, s.target, s.version, s.previous_version, s.actor, s.ci_run_url, s.started_at,
  s.finished_at, s.status, s.resources, s.expected_changes, s.trace_id, s.recorded_at,
  timestamp_millis(:now_ms)
)
