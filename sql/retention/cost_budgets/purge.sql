-- Removes the archived cost_budgets rows older than the archive window. Params: archive_before_ms.
DELETE FROM {{ops}}.cost_budgets_archive
WHERE window_end < timestamp_millis(:archive_before_ms)
