-- The settings each job should have now: the hash of its newest snapshot (a deploy's, or a
-- restore's after a rollback), with the bundle and target that took it, and the live-settings
-- drifts of it recorded as untracked since (by change_id, which ends in the live hash). Read
-- against the live settings of one paged jobs/list. No parameters.
WITH latest AS (
  SELECT x.resource_id, x.resource_key, x.settings_hash, x.captured_at, x.bundle, x.target FROM (
    SELECT s.resource_id, s.resource_key, s.settings_hash, s.captured_at, d.bundle, d.target,
      row_number() OVER (PARTITION BY s.resource_id ORDER BY d.started_at DESC, d.deployment_id DESC) AS n
    FROM {{ops}}.resource_snapshots s
    JOIN {{ops}}.deployments d ON d.deployment_id = s.deployment_id
    WHERE s.resource_type = 'job' AND d.status IN ('SUCCEEDED', 'PARTIAL')
  ) x
  WHERE x.n = 1
)
SELECT l.resource_id, l.resource_key, l.settings_hash, l.bundle, l.target, u.change_id AS recorded_change_id
FROM latest l
LEFT JOIN {{ops}}.untracked_changes u
  ON u.resource_id = l.resource_id AND u.source = 'jobs/list' AND u.detected_at >= l.captured_at
ORDER BY l.resource_id, recorded_change_id
