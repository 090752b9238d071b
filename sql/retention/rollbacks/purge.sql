-- Removes the archived rollbacks rows older than the archive window. Params: archive_before_ms.
DELETE FROM {{ops}}.rollbacks_archive
WHERE coalesce(updated_at, requested_at) < timestamp_millis(:archive_before_ms)
