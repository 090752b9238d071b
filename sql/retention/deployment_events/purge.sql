-- Removes the archived deployment_events rows older than the archive window. Params: archive_before_ms.
DELETE FROM {{ops}}.deployment_events_archive
WHERE coalesce(finished_at, started_at) < timestamp_millis(:archive_before_ms)
