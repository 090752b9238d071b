-- Read by the promotion gate: where a version of a bundle is quarantined (it failed verification
-- there), so CI does not promote it unchanged. Params: bundle, version.
SELECT bundle, target, version, deployment_id, reason, unix_millis(quarantined_at) AS quarantined_ms
FROM {{ops}}.quarantined_versions
WHERE bundle = :bundle AND version = :version
