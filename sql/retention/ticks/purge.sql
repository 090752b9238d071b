-- Removes the archived ticks rows older than the archive window. Params: archive_before_ms.
DELETE FROM {{ops}}.ticks_archive
WHERE started_at < timestamp_millis(:archive_before_ms)
