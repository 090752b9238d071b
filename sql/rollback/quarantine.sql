-- Quarantines failed versions per bundle and target, insert-if-absent.
MERGE INTO {{ops}}.quarantined_versions AS t
USING ({{rows}}) AS s
ON t.bundle = s.bundle AND t.target = s.target AND t.version = s.version
WHEN NOT MATCHED THEN INSERT (bundle, target, version, deployment_id, reason, quarantined_at)
VALUES (s.bundle, s.target, s.version, s.deployment_id, s.reason, s.quarantined_at)
