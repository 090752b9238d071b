-- Removes the archived table_commits rows older than the archive window. Params: archive_before_ms.
DELETE FROM {{ops}}.table_commits_archive
WHERE commit_time < timestamp_millis(:archive_before_ms)
