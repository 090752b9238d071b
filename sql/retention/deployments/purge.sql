-- Removes the archived deployments rows older than the archive window. Params: archive_before_ms.
DELETE FROM {{ops}}.deployments_archive
WHERE coalesce(finished_at, started_at, recorded_at) < timestamp_millis(:archive_before_ms)
