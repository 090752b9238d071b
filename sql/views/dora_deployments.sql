-- DORA, one row per deployment made by CI (a version restored by a rollback is the rollback, not a
-- deployment): whether it failed verification, when service was restored (the next deployment of
-- its bundle and target that did not fail: the rollback's restore or a fix forward) and whether the
-- failed version was caught before it spread (deployed to no other target of its bundle after it
-- went out). Deploy frequency, change failure rate, time to restore and the share caught are sums
-- and medians of these columns over a period (the dashboard's DORA page).
CREATE OR REPLACE VIEW {{ops}}.dora_deployments AS
WITH dep AS (
  SELECT d.deployment_id, d.bundle, d.target, d.version, d.actor, d.finished_at, v.state AS verdict,
    COALESCE(v.state IN ('FAILED', 'ROLLED_BACK'), false) AS failed
  FROM {{ops}}.deployments d
  LEFT JOIN {{ops}}.verdicts v ON v.deployment_id = d.deployment_id
  WHERE d.status IN ('SUCCEEDED', 'PARTIAL')
),
restored AS (
  SELECT f.deployment_id, min(n.finished_at) AS restored_at
  FROM dep f
  JOIN dep n ON n.bundle = f.bundle AND n.target = f.target AND n.finished_at > f.finished_at AND NOT n.failed
  WHERE f.failed
  GROUP BY f.deployment_id
),
spread AS (
  SELECT f.deployment_id, count(DISTINCT n.target) AS targets_after
  FROM dep f
  JOIN dep n ON n.bundle = f.bundle AND n.version = f.version AND n.target <> f.target AND n.finished_at > f.finished_at
  WHERE f.failed
  GROUP BY f.deployment_id
)
SELECT d.deployment_id, d.bundle, d.target, d.version, d.actor, d.finished_at, CAST(d.finished_at AS DATE) AS day,
  COALESCE(d.verdict, 'UNVERIFIED') AS verdict,
  d.verdict IS NOT NULL AND d.verdict <> 'VERIFYING' AS judged,
  d.failed,
  r.restored_at,
  (unix_millis(r.restored_at) - unix_millis(d.finished_at)) / CAST(60000 AS DOUBLE) AS minutes_to_restore,
  d.failed AND s.deployment_id IS NULL AS caught_before_spread,
  COALESCE(s.targets_after, 0) AS spread_to_targets
FROM dep d
LEFT JOIN restored r ON r.deployment_id = d.deployment_id
LEFT JOIN spread s ON s.deployment_id = d.deployment_id
WHERE NOT EXISTS (SELECT 1 FROM {{ops}}.rollbacks x WHERE x.restore_deployment_id = d.deployment_id)
