-- DuckDB SQL (embedded only): the deployments of a period whose verdict failed, oldest first: the
-- demo plans the restore of each. Params: from_ms, to_ms.
SELECT d.deployment_id
FROM {{ops}}.deployments d
JOIN {{ops}}.verdicts v ON v.deployment_id = d.deployment_id
WHERE v.state IN ('FAILED', 'ROLLED_BACK')
  AND d.finished_at > timestamp_millis(:from_ms) AND d.finished_at <= timestamp_millis(:to_ms)
ORDER BY d.finished_at, d.deployment_id
