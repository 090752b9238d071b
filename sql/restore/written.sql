-- Tables a deployment's jobs and pipelines wrote while its version ran: from the commit cache (by
-- job id) and from lineage (which names pipelines too). Rows: id. Params: since_ms, until_ms,
-- workspace_id.
WITH ids AS ({{rows}})
SELECT c.table_name
FROM {{ops}}.table_commits c
WHERE c.job_id IN (SELECT id FROM ids)
  AND c.commit_time > timestamp_millis(:since_ms) AND c.commit_time < timestamp_millis(:until_ms)
UNION
SELECT l.target_table_full_name AS table_name
FROM system.access.table_lineage l
WHERE l.workspace_id = :workspace_id AND l.event_date >= CAST(timestamp_millis(:since_ms) AS DATE)
  AND l.entity_id IN (SELECT id FROM ids) AND l.target_table_full_name IS NOT NULL
  AND l.event_time > timestamp_millis(:since_ms) AND l.event_time < timestamp_millis(:until_ms)
ORDER BY table_name
