-- DuckDB SQL (embedded only): the simulated world only (its labels): each bundle's first labelled-bad deployment in a period,
-- with its verdict and what became of its rollback: rolled back to a verified version, or blocked
-- (NEEDS_HUMAN when no earlier HEALTHY version existed). Params: from_ms, to_ms.
WITH bad AS (
  SELECT l.bundle, l.deployment_id, l.kind, l.deploy_ms,
    ROW_NUMBER() OVER (PARTITION BY l.bundle ORDER BY l.deploy_ms, l.deployment_id) AS rn
  FROM sim_world.labels l
  WHERE l.label = 'bad' AND l.deploy_ms > :from_ms AND l.deploy_ms <= :to_ms
)
SELECT b.bundle, b.deployment_id, b.kind, v.state, r.state AS rollback_state, r.safety, r.to_version, r.detail,
  (SELECT MAX(tv.state) FROM {{ops}}.deployments td JOIN {{ops}}.verdicts tv ON tv.deployment_id = td.deployment_id
    WHERE td.bundle = b.bundle AND td.version = r.to_version AND tv.state = 'HEALTHY') AS target_state
FROM bad b
LEFT JOIN {{ops}}.verdicts v ON v.deployment_id = b.deployment_id
LEFT JOIN {{ops}}.rollbacks r ON r.deployment_id = b.deployment_id
WHERE b.rn = 1
ORDER BY b.deploy_ms
