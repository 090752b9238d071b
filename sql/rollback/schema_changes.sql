-- Delta commits that changed a table's schema, made by the given jobs and pipelines since their
-- failed deployment. Rows: id (job or pipeline id), since_ms (when the failed deployment finished).
WITH k AS ({{rows}})
SELECT c.table_name, c.operation, unix_millis(c.commit_time) AS at_ms, c.job_id
FROM {{ops}}.table_commits c
JOIN k ON k.id = c.job_id AND c.commit_time >= timestamp_millis(k.since_ms)
WHERE upper(c.operation) IN ('ADD COLUMNS', 'CHANGE COLUMN', 'CHANGE COLUMNS', 'REPLACE COLUMNS', 'RENAME COLUMN', 'DROP COLUMNS', 'SET COLUMN MASK')
   OR upper(c.operation) LIKE 'ALTER COLUMN%'
