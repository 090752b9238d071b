-- Deployments still under verification, with the time a newer deployment of the same bundle and
-- target took over, and the current verdict. Params: now_ms, since_ms (oldest deployment looked at).
WITH recent AS (
  SELECT d.*,
    LEAD(d.finished_at) OVER (PARTITION BY d.bundle, d.target ORDER BY d.finished_at, d.deployment_id) AS superseded_at
  FROM {{ops}}.deployments d
  WHERE d.status = 'SUCCEEDED'
    AND d.finished_at <= timestamp_millis(:now_ms)
    AND d.finished_at >= timestamp_millis(:since_ms)
)
SELECT r.deployment_id, r.bundle, r.target, r.version, r.previous_version, r.actor,
  unix_millis(r.started_at) AS started_ms, unix_millis(r.finished_at) AS finished_ms, r.status,
  r.resources, r.expected_changes, unix_millis(r.superseded_at) AS superseded_ms,
  v.state AS verdict_state, v.post_runs AS verdict_post_runs,
  unix_millis(v.updated_at) AS judged_ms, unix_millis(v.recheck_at) AS recheck_ms
FROM recent r
LEFT JOIN {{ops}}.verdicts v ON v.deployment_id = r.deployment_id
WHERE v.is_final IS NULL OR v.is_final = false
ORDER BY r.finished_at
