-- Removes the archived check_results rows older than the archive window. Params: archive_before_ms.
DELETE FROM {{ops}}.check_results_archive
WHERE evaluated_at < timestamp_millis(:archive_before_ms)
