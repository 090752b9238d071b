-- How far back the recorded deployments reach, for a backfill asked to judge more days than the
-- history holds. Params: now_ms.
SELECT unix_millis(MIN(finished_at)) AS oldest_ms, COUNT(*) AS deployments
FROM {{ops}}.deployments
WHERE status IN ('SUCCEEDED', 'PARTIAL') AND finished_at <= timestamp_millis(:now_ms)
