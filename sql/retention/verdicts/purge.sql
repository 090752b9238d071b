-- Removes the archived verdicts rows older than the archive window. Params: archive_before_ms.
DELETE FROM {{ops}}.verdicts_archive
WHERE updated_at < timestamp_millis(:archive_before_ms)
