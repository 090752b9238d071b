-- Settings snapshots of the given deployments (the failed ones and their rollback targets). Rows: id.
SELECT s.deployment_id, s.resource_type, s.resource_id, s.resource_key, s.settings, s.settings_hash
FROM {{ops}}.resource_snapshots s
WHERE s.deployment_id IN (SELECT id FROM ({{rows}}) AS k)
