-- Settings snapshots of the given deployments (the failed ones and their rollback targets). Rows: id.
SELECT snap.deployment_id, snap.resource_type, snap.resource_id, snap.resource_key, snap.settings, snap.settings_hash
FROM {{ops}}.resource_snapshots snap
WHERE snap.deployment_id IN (SELECT id FROM ({{rows}}) AS k)
