-- Removes the archived resource_snapshots rows older than the archive window. Params: archive_before_ms.
DELETE FROM {{ops}}.resource_snapshots_archive
WHERE captured_at < timestamp_millis(:archive_before_ms)
