-- Copies the rollbacks rows older than the hot window into the archive. A row already there is replaced
-- only when the hot row has changed since.
-- A rollback moves with its deployment, once ended (not REQUESTED or EXECUTING).
-- Safe to repeat. Params: hot_before_ms, now_ms.
MERGE INTO {{ops}}.rollbacks_archive AS t
USING (
  SELECT
    rollback_id, deployment_id, bundle, target, from_version, to_version, to_deployment_id, reason, safety,
    strategy, state, attempts, detail, requested_at, updated_at, plan, not_before, lease_holder, lease_until,
    restore_deployment_id, h
  FROM (
    -- One source row per key: Delta refuses a MERGE whose source matches a target row twice.
    SELECT due.*, ROW_NUMBER() OVER (PARTITION BY due.rollback_id ORDER BY due.h) AS copy_rank
    FROM (
      SELECT x.*, xxhash64(
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
  ) ranked
  WHERE ranked.copy_rank = 1
) AS s
ON t.rollback_id = s.rollback_id
WHEN MATCHED AND xxhash64(
  t.rollback_id, t.deployment_id, t.bundle, t.target, t.from_version, t.to_version, t.to_deployment_id,
  t.reason, t.safety, t.strategy, t.state, t.attempts, t.detail, t.requested_at, t.updated_at, t.plan,
  t.not_before, t.lease_holder, t.lease_until, t.restore_deployment_id
) <> s.h THEN UPDATE SET
  deployment_id = s.deployment_id, bundle = s.bundle, target = s.target, from_version = s.from_version,
  to_version = s.to_version, to_deployment_id = s.to_deployment_id, reason = s.reason, safety = s.safety,
  strategy = s.strategy, state = s.state, attempts = s.attempts, detail = s.detail,
  requested_at = s.requested_at, updated_at = s.updated_at, plan = s.plan, not_before = s.not_before,
  lease_holder = s.lease_holder, lease_until = s.lease_until, restore_deployment_id = s.restore_deployment_id,
  archived_at = timestamp_millis(:now_ms)
WHEN NOT MATCHED THEN INSERT (
  rollback_id, deployment_id, bundle, target, from_version, to_version, to_deployment_id, reason, safety,
  strategy, state, attempts, detail, requested_at, updated_at, plan, not_before, lease_holder, lease_until,
  restore_deployment_id, archived_at
) VALUES (
  s.rollback_id, s.deployment_id, s.bundle, s.target, s.from_version, s.to_version, s.to_deployment_id,
  s.reason, s.safety, s.strategy, s.state, s.attempts, s.detail, s.requested_at, s.updated_at, s.plan,
  s.not_before, s.lease_holder, s.lease_until, s.restore_deployment_id, timestamp_millis(:now_ms)
)
