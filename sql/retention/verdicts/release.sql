-- Removes from the hot table the verdicts rows older than the hot window whose copy in the archive is identical
-- (same key, same row hash): a row not copied, or changed since, stays.
-- A verdict moves with its deployment, once final.
-- Safe to repeat. Params: hot_before_ms.
MERGE INTO {{ops}}.verdicts AS t
USING (
  SELECT DISTINCT due.deployment_id, due.h
  FROM (
    SELECT x.deployment_id, xxhash64(
      x.deployment_id, x.state, x.reason, x.is_final, x.post_runs, x.since, x.until, x.first_verdict_at,
      x.updated_at, x.tick_id, x.recheck_at, x.page_reason
    ) AS h
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
  ) due
  JOIN {{ops}}.verdicts_archive a
    ON a.deployment_id = due.deployment_id
    AND xxhash64(
      a.deployment_id, a.state, a.reason, a.is_final, a.post_runs, a.since, a.until, a.first_verdict_at,
      a.updated_at, a.tick_id, a.recheck_at, a.page_reason
    ) = due.h
) AS s
ON t.deployment_id = s.deployment_id
WHEN MATCHED AND xxhash64(
  t.deployment_id, t.state, t.reason, t.is_final, t.post_runs, t.since, t.until, t.first_verdict_at,
  t.updated_at, t.tick_id, t.recheck_at, t.page_reason
) = s.h THEN DELETE
