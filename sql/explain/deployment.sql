-- The deployment `postflight explain` tells the story of, with its verdict: by id (pick 'id'), by
-- bundle and version (pick 'version': the version given may be a prefix of the git sha; the newest
-- deployment of it), the newest deployment (pick 'latest'), or the newest one whose verdict failed
-- (pick 'latest_failed': FAILED, or ROLLED_BACK after failing). Newest is by finish time, then id,
-- so both engines pick the same row. Params: pick, deployment_id, bundle, version.
SELECT d.deployment_id, d.bundle, d.target, d.version, d.previous_version, d.actor, d.ci_run_url,
  unix_millis(d.started_at) AS started_ms, unix_millis(d.finished_at) AS finished_ms, d.status, d.resources,
  d.expected_changes, d.trace_id,
  v.state, v.reason, v.is_final, v.post_runs, unix_millis(v.since) AS since_ms, unix_millis(v.until) AS until_ms,
  unix_millis(v.first_verdict_at) AS first_verdict_ms, unix_millis(v.updated_at) AS updated_ms, v.page_reason,
  q.reason AS quarantine_reason
FROM {{ops}}.deployments d
LEFT JOIN {{ops}}.verdicts v ON v.deployment_id = d.deployment_id
LEFT JOIN {{ops}}.quarantined_versions q ON q.bundle = d.bundle AND q.target = d.target AND q.version = d.version
WHERE (:pick = 'id' AND d.deployment_id = :deployment_id)
  OR (:pick = 'version' AND d.bundle = :bundle AND d.version LIKE concat(:version, '%'))
  OR :pick = 'latest'
  OR (:pick = 'latest_failed' AND v.state IN ('FAILED', 'ROLLED_BACK'))
ORDER BY d.finished_at DESC NULLS LAST, d.deployment_id DESC
LIMIT 1
