-- The deployments of the report's period, with their verdicts and the DORA facts of each: whether
-- it failed verification, when service was restored (the next deployment of its bundle and target
-- that did not fail) and whether the failed version reached another target after it went out. The
-- later deployments that restore or spread are looked for beyond the period and the filters, since
-- they are what the deployments of the period led to. '' for :bundle or :target means any.
WITH dep AS (
  SELECT d.deployment_id, d.bundle, d.target, d.version, d.actor, d.ci_run_url, d.trace_id, d.finished_at,
    v.state AS verdict, v.reason, v.is_final, v.first_verdict_at, v.page_reason,
    COALESCE(v.state IN ('FAILED', 'ROLLED_BACK'), false) AS failed
  FROM {{ops}}.deployments d
  LEFT JOIN {{ops}}.verdicts v ON v.deployment_id = d.deployment_id
  WHERE d.status IN ('SUCCEEDED', 'PARTIAL')
),
period AS (
  SELECT * FROM dep d
  WHERE d.finished_at >= timestamp_millis(:since_ms) AND d.finished_at < timestamp_millis(:until_ms)
    AND (:bundle = '' OR d.bundle = :bundle) AND (:target = '' OR d.target = :target)
),
restored AS (
  SELECT f.deployment_id, min(n.finished_at) AS restored_at
  FROM period f
  JOIN dep n ON n.bundle = f.bundle AND n.target = f.target AND n.finished_at > f.finished_at AND NOT n.failed
  WHERE f.failed
  GROUP BY f.deployment_id
),
spread AS (
  SELECT f.deployment_id, count(DISTINCT n.target) AS targets_after
  FROM period f
  JOIN dep n ON n.bundle = f.bundle AND n.version = f.version AND n.target <> f.target AND n.finished_at > f.finished_at
  WHERE f.failed
  GROUP BY f.deployment_id
),
restores AS (
  SELECT DISTINCT x.restore_deployment_id AS deployment_id
  FROM {{ops}}.rollbacks x
  WHERE x.restore_deployment_id IS NOT NULL
)
SELECT p.deployment_id, p.bundle, p.target, p.version, p.actor, p.ci_run_url, p.trace_id, p.finished_at,
  COALESCE(p.verdict, 'UNVERIFIED') AS verdict, p.reason, COALESCE(p.is_final, false) AS is_final,
  p.first_verdict_at, p.page_reason, p.failed,
  r.restored_at,
  p.failed AND s.deployment_id IS NULL AS caught_before_spread,
  COALESCE(s.targets_after, 0) AS spread_to_targets,
  x.deployment_id IS NOT NULL AS is_restore
FROM period p
LEFT JOIN restored r ON r.deployment_id = p.deployment_id
LEFT JOIN spread s ON s.deployment_id = p.deployment_id
LEFT JOIN restores x ON x.deployment_id = p.deployment_id
ORDER BY p.finished_at, p.deployment_id
