-- Read by the promotion gate and `postflight wait`: the newest deployment of a bundle's version in
-- a target (or a deployment by id), with its verdict. Params: bundle, version, target, deployment_id
-- (pass '' for the ones not used).
SELECT d.deployment_id, d.bundle, d.target, d.version, d.status, unix_millis(d.finished_at) AS finished_ms,
  d.trace_id, d.ci_run_url, v.state, v.reason, coalesce(v.is_final, false) AS is_final,
  unix_millis(v.updated_at) AS judged_ms, unix_millis(v.first_verdict_at) AS first_verdict_ms
FROM {{ops}}.deployments d
LEFT JOIN {{ops}}.verdicts v ON v.deployment_id = d.deployment_id
WHERE (d.deployment_id = :deployment_id)
  OR (:deployment_id = '' AND d.bundle = :bundle AND d.version = :version AND d.target = :target)
ORDER BY d.finished_at DESC NULLS LAST, d.deployment_id DESC
LIMIT 1
