-- DuckDB SQL (embedded only): the CI stage events recorded for the replayed deployments, by stage.
-- Params: from_ms, to_ms.
SELECT e.stage, count(*) AS n
FROM postflight.deployment_events e
JOIN sim_world.labels l ON l.deployment_id = e.deployment_id
WHERE l.deploy_ms > $from_ms AND l.deploy_ms <= $to_ms
GROUP BY e.stage
ORDER BY e.stage
