-- When a deployment's version stopped running: its first rollback that succeeded, and the first
-- later deployment of the same bundle and target (a restored version's deployment among them).
-- Params: deployment_id.
SELECT
  (SELECT unix_millis(MIN(r.updated_at)) FROM {{ops}}.rollbacks r
    WHERE r.deployment_id = :deployment_id AND r.state = 'SUCCEEDED') AS rolled_back_ms,
  (SELECT unix_millis(MIN(n.finished_at)) FROM {{ops}}.deployments d
    JOIN {{ops}}.deployments n ON n.bundle = d.bundle AND n.target = d.target AND n.finished_at > d.finished_at
    WHERE d.deployment_id = :deployment_id) AS superseded_ms
