-- Copies the deployment_events rows older than the hot window into the archive. A row already there is replaced
-- only when the hot row has changed since.
-- A stage moves with its deployment.
-- Safe to repeat. Params: hot_before_ms, now_ms.
MERGE INTO {{ops}}.deployment_events_archive AS t
USING (
  SELECT
    deployment_id, stage, attempt, started_at, finished_at, status, attributes, trace_id, span_id, h
  FROM (
    -- One source row per key: Delta refuses a MERGE whose source matches a target row twice.
    SELECT due.*, ROW_NUMBER() OVER (PARTITION BY due.deployment_id, due.stage, due.attempt ORDER BY due.h) AS copy_rank
    FROM (
      SELECT x.*, xxhash64(
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
  ) ranked
  WHERE ranked.copy_rank = 1
) AS s
ON t.deployment_id = s.deployment_id AND t.stage = s.stage AND t.attempt = s.attempt
WHEN MATCHED AND xxhash64(
  t.deployment_id, t.stage, t.attempt, t.started_at, t.finished_at, t.status, t.attributes, t.trace_id,
  t.span_id
) <> s.h THEN UPDATE SET
  started_at = s.started_at, finished_at = s.finished_at, status = s.status, attributes = s.attributes,
  trace_id = s.trace_id, span_id = s.span_id,
  archived_at = timestamp_millis(:now_ms)
WHEN NOT MATCHED THEN INSERT (
  deployment_id, stage, attempt, started_at, finished_at, status, attributes, trace_id, span_id, archived_at
) VALUES (
  s.deployment_id, s.stage, s.attempt, s.started_at, s.finished_at, s.status, s.attributes, s.trace_id,
  s.span_id, timestamp_millis(:now_ms)
)
