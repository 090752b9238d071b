-- Copies the verdicts rows older than the hot window into the archive. A row already there is replaced
-- only when the hot row has changed since.
-- A verdict moves with its deployment, once final.
-- Safe to repeat. Params: hot_before_ms, now_ms.
MERGE INTO {{ops}}.verdicts_archive AS t
USING (
  SELECT
    deployment_id, state, reason, is_final, post_runs, since, until, first_verdict_at, updated_at, tick_id,
    recheck_at, page_reason, h
  FROM (
    -- One source row per key: Delta refuses a MERGE whose source matches a target row twice.
    SELECT due.*, ROW_NUMBER() OVER (PARTITION BY due.deployment_id ORDER BY due.h) AS copy_rank
    FROM (
      SELECT x.*, xxhash64(
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
  ) ranked
  WHERE ranked.copy_rank = 1
) AS s
ON t.deployment_id = s.deployment_id
WHEN MATCHED AND xxhash64(
  t.deployment_id, t.state, t.reason, t.is_final, t.post_runs, t.since, t.until, t.first_verdict_at,
  t.updated_at, t.tick_id, t.recheck_at, t.page_reason
) <> s.h THEN UPDATE SET
  state = s.state, reason = s.reason, is_final = s.is_final, post_runs = s.post_runs, since = s.since,
  until = s.until, first_verdict_at = s.first_verdict_at, updated_at = s.updated_at, tick_id = s.tick_id,
  recheck_at = s.recheck_at, page_reason = s.page_reason,
  archived_at = timestamp_millis(:now_ms)
WHEN NOT MATCHED THEN INSERT (
  deployment_id, state, reason, is_final, post_runs, since, until, first_verdict_at, updated_at, tick_id,
  recheck_at, page_reason, archived_at
) VALUES (
  s.deployment_id, s.state, s.reason, s.is_final, s.post_runs, s.since, s.until, s.first_verdict_at,
  s.updated_at, s.tick_id, s.recheck_at, s.page_reason, timestamp_millis(:now_ms)
)
