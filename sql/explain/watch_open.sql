-- What `postflight watch` shows as under verification: deployments whose verdict is not final,
-- the newest ten, with their bundle and version. Params: now_ms.
SELECT d.deployment_id, d.bundle, d.target, d.version, unix_millis(d.finished_at) AS finished_ms, v.state,
  unix_millis(v.updated_at) AS updated_ms
FROM {{ops}}.verdicts v
JOIN {{ops}}.deployments d ON d.deployment_id = v.deployment_id
WHERE NOT coalesce(v.is_final, false) AND d.finished_at <= timestamp_millis(:now_ms)
ORDER BY d.finished_at DESC NULLS LAST, d.deployment_id DESC
LIMIT 10
