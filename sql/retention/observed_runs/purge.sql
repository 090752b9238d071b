-- Removes the archived observed_runs rows older than the archive window. Params: archive_before_ms.
DELETE FROM {{ops}}.observed_runs_archive
WHERE coalesce(start_time, observed_at) < timestamp_millis(:archive_before_ms)
