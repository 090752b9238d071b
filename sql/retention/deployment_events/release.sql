-- Removes from the hot table the deployment_events rows older than the hot window whose copy in the archive is identical
-- (same key, same row hash): a row not copied, or changed since, stays.
-- A stage moves with its deployment.
-- Safe to repeat. Params: hot_before_ms.
MERGE INTO {{ops}}.deployment_events AS t
USING (
  SELECT DISTINCT due.deployment_id, due.stage, due.attempt, due.h
  FROM (
    SELECT x.deployment_id, x.stage, x.attempt, xxhash64(
      x.deployment_id, x.stage, x.attempt, x.started_at, x.finished_at, x.status, x.attributes, x.trace_id,
      x.span_id
    ) AS h
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
  ) due
  JOIN {{ops}}.deployment_events_archive a
    ON a.deployment_id = due.deployment_id AND a.stage = due.stage AND a.attempt = due.attempt
    AND xxhash64(
      a.deployment_id, a.stage, a.attempt, a.started_at, a.finished_at, a.status, a.attributes, a.trace_id,
      a.span_id
    ) = due.h
) AS s
ON t.deployment_id = s.deployment_id AND t.stage = s.stage AND t.attempt = s.attempt
WHEN MATCHED AND xxhash64(
  t.deployment_id, t.stage, t.attempt, t.started_at, t.finished_at, t.status, t.attributes, t.trace_id,
  t.span_id
) = s.h THEN DELETE
